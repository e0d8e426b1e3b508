/**
 * Lambda entry point of the web app and JSON API (behind the HTTP API's $default route).
 * Builds the clients from the function's environment once per container and hands them to the app.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { getConnInfo, handle } from "hono/aws-lambda";
import { createApp } from "../api/app";
import { OIDC_ENVIRONMENT, oidcSettingsFromEnv } from "../api/auth/settings";
import { createStaffAuth } from "../api/auth/staff-auth";
import { jsonLines } from "../api/logging";
import { LAMBDA_DOCS_ASSETS_DIR } from "../api/routes/docs";
import { composeApplication } from "../composition";
import { SDK_LOGGER } from "../sdk-logger";
import { systemClock } from "../domain/clock";
import { PRESIGNING_CLIENT_CONFIG } from "../store/attachments";
import { createTableClient } from "../store/client";
import { createStores } from "../store/stores";
import { countSupersededExecutions } from "../workflow/alarms";
import { createStepFunctionsWorkflow } from "../workflow/step-functions";
import { DEFAULT_WORKFLOW_TIMING } from "../workflow/timing";
import { emailFromEnvironment, requiredEnv } from "./env";
import { readApiSecrets } from "./secrets";

const tableName = requiredEnv("TABLE_NAME");
const appOrigin = new URL(requiredEnv("APP_URL")).origin;
const dynamoDb = createTableClient();
const secrets = await readApiSecrets(process.env);
const stores = createStores({ client: DynamoDBDocumentClient.from(dynamoDb), tableName, cursorSecret: secrets.cursorSecret });

const staffAuth = createStaffAuth({
  settings: oidcSettingsFromEnv({ ...process.env, [OIDC_ENVIRONMENT.clientSecret]: secrets.oidcClientSecret }),
  sessions: stores.sessions,
  signInSecret: secrets.signInSecret,
  appOrigin,
});

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

const app = createApp({
  application,
  appOrigin,
  // The bucket's virtual-hosted regional address, where the presigned upload URLs point.
  uploadOrigin: `https://${attachmentsBucket}.s3.${requiredEnv("AWS_REGION")}.amazonaws.com`,
  authenticate: staffAuth.authenticate,
  signInRoutes: staffAuth.routes,
  // The HTTP API's view of the caller; X-Forwarded-For is the client's to write.
  clientAddress: (c) => getConnInfo(c).remote.address ?? "unknown",
  log,
  // Copied next to the bundle when SST builds the function (infra/Api.ts), not bundled: see docs/api.md.
  docsAssetsDir: fileURLToPath(new URL(`../../${LAMBDA_DOCS_ASSETS_DIR}/`, import.meta.url)),
  async checkHealth() {
    try {
      const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
      const status = Table?.TableStatus ?? "UNKNOWN";
      return { ok: status === "ACTIVE", components: { dynamodb: { ok: status === "ACTIVE", detail: status } } };
    } catch (error) {
      const detail = error instanceof Error ? error.name : "unreachable";
      return { ok: false, components: { dynamodb: { ok: false, detail } } };
    }
  },
});

export const handler = handle(app);
