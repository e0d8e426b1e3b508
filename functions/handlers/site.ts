/**
 * What both of the site's Lambda functions (api.ts for /api/*, web.ts for the pages) build from their environment
 * once per container: the stores on the table, the Step Functions workflow, the use cases, and what every route set
 * shares (functions/api/site.ts). The functions differ in their routes and in the secrets they read.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { getConnInfo } from "hono/aws-lambda";
import { OIDC_ENVIRONMENT, oidcSettingsFromEnv, type OidcSettings } from "../api/auth/settings";
import { jsonLines } from "../api/logging";
import type { SiteDependencies } from "../api/site";
import { composeApplication } from "../composition";
import { systemClock } from "../domain/clock";
import { SDK_LOGGER } from "../sdk-logger";
import { PRESIGNING_CLIENT_CONFIG } from "../store/attachments";
import { createTableClient } from "../store/client";
import { createStores } from "../store/stores";
import { countSupersededExecutions } from "../workflow/alarms";
import { createStepFunctionsWorkflow } from "../workflow/step-functions";
import { DEFAULT_WORKFLOW_TIMING } from "../workflow/timing";
import { emailFromEnvironment, requiredEnv } from "./env";

export function lambdaSite(cursorSecret: string) {
  const tableName = requiredEnv("TABLE_NAME");
  const appOrigin = new URL(requiredEnv("APP_URL")).origin;
  const dynamoDb = createTableClient();
  const stores = createStores({ client: DynamoDBDocumentClient.from(dynamoDb), tableName, cursorSecret });

  const stateMachineArn = requiredEnv("WORKFLOW_STATE_MACHINE_ARN");
  const workflow = createStepFunctionsWorkflow({
    client: countSupersededExecutions(new SFNClient({ logger: SDK_LOGGER }), stateMachineArn.split(":").at(-1)!),
    stateMachineArn,
    timing: DEFAULT_WORKFLOW_TIMING,
    workflowState: stores.workflowState,
    clock: systemClock,
  });

  const attachmentsBucket = requiredEnv("ATTACHMENTS_BUCKET");
  const log = jsonLines((line) => process.stdout.write(line));
  const application = composeApplication(
    {
      // Presigned URLs point at the bucket's regional address, which browsers reach.
      attachments: { client: new S3Client({ ...PRESIGNING_CLIENT_CONFIG, logger: SDK_LOGGER }), bucket: attachmentsBucket },
      email: emailFromEnvironment(),
      clock: systemClock,
      appOrigin,
      log,
      newId: randomUUID,
    },
    stores,
    workflow,
  );

  const site: Omit<SiteDependencies, "authenticate"> = {
    application,
    appOrigin,
    // The bucket's virtual-hosted regional address, where the presigned upload URLs point.
    uploadOrigin: `https://${attachmentsBucket}.s3.${requiredEnv("AWS_REGION")}.amazonaws.com`,
    // The HTTP API's view of the caller; X-Forwarded-For is the client's to write.
    clientAddress: (c) => getConnInfo(c).remote.address ?? "unknown",
    log,
  };
  return {
    site,
    stores,
    dynamoDb,
    tableName,
    /** Staff sign-in's settings; a confidential client's secret only where the browser sign-in runs. */
    oidcSettings(clientSecret?: string): OidcSettings {
      return oidcSettingsFromEnv({ ...process.env, [OIDC_ENVIRONMENT.clientSecret]: clientSecret });
    },
  };
}
