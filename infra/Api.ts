import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as logs from "aws-cdk-lib/aws-logs";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Api as HttpApi, Function, use, type StackContext } from "sst/constructs";
import { Alarms } from "./Alarms";
import { DOCS_ASSET_FILES, LAMBDA_DOCS_ASSETS_DIR } from "../functions/api/routes/docs";
import { API_HANDLER } from "./bundling";
import { readDeployConfig, type DeployConfig } from "./config";
import { Email } from "./Email";
import { API_ENVIRONMENT } from "./environment";
import { Storage } from "./Storage";

/** Requests per second across the API: the steady rate, and the burst above it. */
const API_THROTTLE = { rate: 50, burst: 100 };

/**
 * The web app and JSON API: one Lambda function (the Hono app) behind an HTTP API that routes every request to it.
 */
export function Api({ app, stack }: StackContext) {
  const config = readDeployConfig(app.stage, process.env);
  const { table, attachments } = use(Storage);
  const email = use(Email);
  const alarms = use(Alarms);
  // Logs hold names and addresses: kept a year in production for follow-up, a month elsewhere.
  const logRetention = config.production
    ? ({ name: "one_year", days: logs.RetentionDays.ONE_YEAR } as const)
    : ({ name: "one_month", days: logs.RetentionDays.ONE_MONTH } as const);

  // Signs list paging cursors: generated once per stage, the same for every instance of the function. Resolved
  // into the environment at deploy time, where whoever may read the function's configuration can see it; it
  // guards only against made-up cursors, which is not worth a Secrets Manager call on every cold start.
  const cursorSecret = new secretsmanager.Secret(stack, "CursorSecret", {
    description: "IOP Lifecycle: signs list paging cursors",
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
  });

  // Seals the cookie a browser sign-in carries to the issuer and back (functions/api/auth/sign-in-state.ts). Held
  // the same way; whoever could read it could forge a sign-in cookie, which gains nothing without the issuer's code.
  const signInSecret = new secretsmanager.Secret(stack, "SignInSecret", {
    description: "IOP Lifecycle: seals the browser's sign-in state cookie",
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
  });

  const handler = new Function(stack, "ApiFunction", {
    handler: API_HANDLER,
    description: "IOP Lifecycle web app and JSON API",
    memorySize: "1024 MB",
    timeout: "20 seconds",
    logGroup: new logs.LogGroup(stack, "ApiFunctionLogs", {
      retention: logRetention.days,
    }),
    // Swagger UI for /api/docs, next to the bundle rather than in it (1.7 MB against a 300 KB budget).
    copyFiles: DOCS_ASSET_FILES.map((file) => ({
      from: `node_modules/swagger-ui-dist/${file}`,
      to: `${LAMBDA_DOCS_ASSETS_DIR}/${file}`,
    })),
    environment: {
      [API_ENVIRONMENT.tableName]: table.tableName,
      [API_ENVIRONMENT.attachmentsBucket]: attachments.bucketName,
      [API_ENVIRONMENT.emailSender]: email.sender,
      [API_ENVIRONMENT.teamMailbox]: email.teamMailbox,
      [API_ENVIRONMENT.cursorSecret]: cursorSecret.secretValue.unsafeUnwrap(),
      [API_ENVIRONMENT.signInSecret]: signInSecret.secretValue.unsafeUnwrap(),
      ...oidcEnvironment(config.oidc),
    },
  });
  table.cdk.table.grantReadWriteData(handler);
  // Presigned URLs carry the function's permissions: it must be allowed to put and get the objects it signs for.
  attachments.cdk.bucket.grantReadWrite(handler);
  email.identity.grantSendEmail(handler);

  const api = new HttpApi(stack, "Http", {
    routes: { $default: handler },
    // A ceiling for the whole API, far above a municipality's use: it stops a runaway client before it costs money.
    // API Gateway answers past it with a plain 429; the app's own limits (fresh report links) answer problem+json.
    defaults: { throttle: API_THROTTLE },
    accessLog: { retention: logRetention.name },
  });
  handler.addEnvironment(API_ENVIRONMENT.appUrl, config.appUrl ?? api.url);

  alarms.notify(
    new cloudwatch.Alarm(stack, "ApiFunctionErrors", {
      alarmDescription: "The API function threw or timed out",
      metric: handler.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );
  alarms.notify(
    new cloudwatch.Alarm(stack, "ApiServerErrors", {
      alarmDescription: "The HTTP API answered with 5xx",
      metric: api.cdk.httpApi.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  );

  stack.addOutputs({ ApiUrl: api.url, AppUrl: config.appUrl ?? api.url });

  return { api, handler };
}

/** The issuer settings that are set; the app has defaults for the others. */
function oidcEnvironment(oidc: DeployConfig["oidc"]): Record<string, string> {
  const values = {
    [API_ENVIRONMENT.oidcIssuer]: oidc.issuer,
    [API_ENVIRONMENT.oidcClientId]: oidc.clientId,
    [API_ENVIRONMENT.oidcClientSecret]: oidc.clientSecret,
    [API_ENVIRONMENT.oidcAudience]: oidc.audience,
    [API_ENVIRONMENT.oidcRolesClaim]: oidc.rolesClaim,
    [API_ENVIRONMENT.oidcRoleMap]: oidc.roleMap,
    [API_ENVIRONMENT.oidcScopes]: oidc.scopes,
    [API_ENVIRONMENT.oidcEmailClaim]: oidc.emailClaim,
    [API_ENVIRONMENT.oidcEmailVerifiedByIssuer]: oidc.emailVerifiedByIssuer,
  };
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
