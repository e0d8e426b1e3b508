import { ArnFormat, Duration, type Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Api as HttpApi, Function, use, type FunctionProps, type StackContext } from "sst/constructs";
import { Alarms } from "./Alarms";
import { DOCS_ASSET_FILES, LAMBDA_DOCS_ASSETS_DIR } from "../functions/api/routes/docs";
import { API_HANDLER, WEB_HANDLER } from "./bundling";
import { readDeployConfig, type DeployConfig } from "./config";
import { Email } from "./Email";
import { functionLogGroup, logRetention } from "./logs";
import { grantSendEmail, grantTableAccess, TABLE_ACCESS } from "./permissions";
import { API_ENVIRONMENT } from "./environment";
import { Storage } from "./Storage";

/** Requests per second across the API: the steady rate, and the burst above it. */
const API_THROTTLE = { rate: 50, burst: 100 };

/** The HTTP API's route that the JSON API's function answers; every other request goes to the pages' function. */
export const API_ROUTE = "ANY /api/{proxy+}";

/** The site's two Lambda functions, by the name their construct ids, alarms and table access start with. */
export type SiteFunction = "Api" | "Web";

/**
 * The site behind one HTTP API: the JSON API's function on /api/* and the pages' function (sign-in included) on
 * everything else, so that each bundle carries only its own routes (docs/benchmarks.md has their sizes). Both
 * call the application layer directly, with the same table, bucket, email and workflow; each gets the secrets
 * and the table actions it uses.
 */
export function Api({ app, stack }: StackContext) {
  const config = readDeployConfig(app.stage, process.env);
  const { table, attachments } = use(Storage);
  const email = use(Email);
  const alarms = use(Alarms);

  // Signs list paging cursors: generated once per stage, the same for every instance of both functions, which read
  // it when they start (functions/handlers/secrets.ts). Only its ARN is in the template and the environment.
  const cursorSecret = new secretsmanager.Secret(stack, "CursorSecret", {
    description: "IOP Lifecycle: signs list paging cursors",
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
  });

  // Seals the cookie a browser sign-in carries to the issuer and back (functions/api/auth/sign-in-state.ts): only
  // the pages' function, which runs the sign-in, reads it. Whoever could read it could forge a sign-in cookie,
  // which gains nothing without the issuer's code.
  const signInSecret = new secretsmanager.Secret(stack, "SignInSecret", {
    description: "IOP Lifecycle: seals the browser's sign-in state cookie",
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
  });

  const siteFunction = (name: SiteFunction, props: Pick<FunctionProps, "handler" | "description" | "copyFiles"> & {
    environment: Record<string, string>;
    secretArns: string[];
  }) => {
    const fn = new Function(stack, `${name}Function`, {
      ...props,
      memorySize: "1024 MB",
      timeout: "20 seconds",
      logGroup: functionLogGroup(stack, `${name}Function`, config.production),
      environment: {
        [API_ENVIRONMENT.tableName]: table.tableName,
        [API_ENVIRONMENT.attachmentsBucket]: attachments.bucketName,
        [API_ENVIRONMENT.emailSender]: email.sender,
        [API_ENVIRONMENT.teamMailbox]: email.teamMailbox,
        [API_ENVIRONMENT.emailConfigurationSet]: email.configurationSetName,
        [API_ENVIRONMENT.cursorSecretId]: cursorSecret.secretArn,
        ...props.environment,
      },
    });
    grantTableAccess(table, fn, TABLE_ACCESS[name]);
    // Presigned URLs carry the function's permissions: it must be allowed to put and get the objects it signs for,
    // and it deletes an attachment the association removes.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
        resources: [attachments.cdk.bucket.arnForObjects("*")],
      }),
    );
    grantSendEmail(fn, email.identityName, email.configurationSetName);
    for (const secretArn of [cursorSecret.secretArn, ...props.secretArns]) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [secretArn] }));
    }
    alarms.onAny(
      stack,
      `${name}FunctionErrors`,
      `The ${name === "Api" ? "JSON API's" : "pages'"} function threw or timed out`,
      fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );
    return fn;
  };

  const { [API_ENVIRONMENT.oidcClientSecretId]: oidcClientSecretId, ...oidcSettings } = oidcEnvironment(config.oidc);
  const functions: Record<SiteFunction, Function> = {
    // Bearer tokens and the session cookie are checked against the issuer's keys: no client secret needed.
    Api: siteFunction("Api", {
      handler: API_HANDLER,
      description: "IOP Lifecycle JSON API",
      // Swagger UI for /api/docs, next to the bundle rather than in it (1.7 MB against a 300 KB budget).
      copyFiles: DOCS_ASSET_FILES.map((file) => ({
        from: `node_modules/swagger-ui-dist/${file}`,
        to: `${LAMBDA_DOCS_ASSETS_DIR}/${file}`,
      })),
      environment: oidcSettings,
      secretArns: [],
    }),
    Web: siteFunction("Web", {
      handler: WEB_HANDLER,
      description: "IOP Lifecycle pages and staff sign-in",
      environment: {
        ...oidcSettings,
        ...(oidcClientSecretId === undefined ? {} : { [API_ENVIRONMENT.oidcClientSecretId]: oidcClientSecretId }),
        [API_ENVIRONMENT.signInSecretId]: signInSecret.secretArn,
      },
      secretArns: [signInSecret.secretArn, ...oidcClientSecretArns(stack, config.oidc)],
    }),
  };

  const api = new HttpApi(stack, "Http", {
    routes: { [API_ROUTE]: functions.Api, $default: functions.Web },
    // A ceiling for the whole API, far above a municipality's use: it stops a runaway client before it costs money.
    // API Gateway answers past it with a plain 429; the app's own limits (fresh report links) answer problem+json.
    defaults: { throttle: API_THROTTLE },
    accessLog: { retention: logRetention(config.production).name, format: ACCESS_LOG_FORMAT },
  });
  for (const fn of Object.values(functions)) fn.addEnvironment(API_ENVIRONMENT.appUrl, config.appUrl ?? api.url);

  alarms.onAny(
    stack,
    "ApiServerErrors",
    "The HTTP API answered with 5xx",
    api.cdk.httpApi.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
  );

  stack.addOutputs({ ApiUrl: api.url, AppUrl: config.appUrl ?? api.url });

  return { api, functions };
}

/**
 * One JSON line per request. The route key stands where SST's default format has `$context.path`: report-link
 * tokens and calendar-feed secrets are in paths, and the app redacts them in its own logs (functions/api/logging.ts),
 * which carry the request path; the raw query string is left out for the same reason. The integration's request id
 * is the Lambda invocation's, which leads to the function's log lines for the request.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestTime: "$context.requestTime",
  requestId: "$context.requestId",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  status: "$context.status",
  responseLatency: "$context.responseLatency",
  responseLength: "$context.responseLength",
  integrationRequestId: "$context.integration.requestId",
  integrationStatus: "$context.integration.status",
  integrationError: "$context.integration.error",
  ip: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
});

/** The OIDC client secret a confidential client has, by name: the grant covers the suffix Secrets Manager adds. */
function oidcClientSecretArns(stack: Stack, oidc: DeployConfig["oidc"]): string[] {
  if (oidc.clientSecretName === undefined) return [];
  return [
    stack.formatArn({
      service: "secretsmanager",
      resource: "secret",
      resourceName: `${oidc.clientSecretName}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  ];
}

/** The issuer settings that are set; the app has defaults for the others. */
function oidcEnvironment(oidc: DeployConfig["oidc"]): Record<string, string> {
  const values = {
    [API_ENVIRONMENT.oidcIssuer]: oidc.issuer,
    [API_ENVIRONMENT.oidcClientId]: oidc.clientId,
    [API_ENVIRONMENT.oidcClientSecretId]: oidc.clientSecretName,
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
