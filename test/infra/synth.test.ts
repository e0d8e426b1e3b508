/**
 * Synthesizes the deployed stacks offline (no AWS credentials, no network) and checks the CloudFormation they
 * produce. SST builds the Lambda bundles with esbuild during synthesis, as `sst deploy` does; under
 * NODE_ENV=test it skips only the steps that would talk to AWS (bootstrap lookups, source-map upload).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Aspects } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { App, getStack, type Stack } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ENTRY, API_HANDLER, defaultFunctionProps, deployedEsbuildOptions, nodejsBundling, sstEsbuild, WEB_ENTRY, WEB_HANDLER } from "../../infra/bundling";
import { CONFIG_VARIABLES } from "../../infra/config";
import { DEV_TOKEN_PATH } from "../../functions/api/dev-token";
import { ACCESS_LOG_FORMAT, API_ROUTE } from "../../infra/Api";
import { EMAIL_EVENTS_HANDLER } from "../../infra/Email";
import { Alarms, Api, Dashboard, Email, Storage, Workflow } from "../../infra/index";
import { HelperFunctionLogGroups } from "../../infra/logs";
import { TABLE_ACCESS } from "../../infra/permissions";
import { stacksOf, synthesizeApp, writeTemplates } from "../../infra/synth";
import { RECONCILER_HANDLER, WORKFLOW_DEFINITION_FILE, WORKFLOW_HANDLERS } from "../../infra/Workflow";
import { TASK_FUNCTIONS, type TaskFunction } from "../../functions/workflow/definition";
import { TIME_TO_LIVE_ATTRIBUTE } from "../../functions/store/sessions";
import { TABLE_DEFINITION, type KeyDefinition } from "../../functions/store/table";
import { DOCS_ASSET_FILES, LAMBDA_DOCS_ASSETS_DIR } from "../../functions/api/routes/docs";

const TEAM_MAILBOX = "iop-team@kommun.example";
const SENDER = "iop-noreply@kommun.example";
const ON_CALL = "on-call@kommun.example";
const ISSUER = "https://login.kommun.example/realms/staff";
const OIDC_CLIENT_SECRET_NAME = "iop-lifecycle/prod/oidc-client-secret";
/**
 * Secret values present in the environment while the stacks are built, under the names the runtime once read them
 * by: none may reach a template or a bundle.
 */
const LEAKED_IF_FOUND = {
  OIDC_CLIENT_SECRET: "oidc-client-secret-value-that-must-stay-out-of-templates",
  CURSOR_SECRET: "cursor-secret-value-that-must-stay-out-of-templates",
};

const savedEnv = { ...process.env };

type StackKey = "storage" | "email" | "alarms" | "api" | "workflow" | "dashboard";

interface Synthesized {
  app: App;
  stacks: Record<StackKey, Stack>;
  templates: Record<StackKey, Template>;
}

async function synthesize(stage: string, env: Record<string, string>): Promise<Synthesized> {
  Object.assign(process.env, env);
  const app = await synthesizeApp(stage);
  const stacks = {
    storage: getStack(Storage),
    email: getStack(Email),
    alarms: getStack(Alarms),
    api: getStack(Api),
    workflow: getStack(Workflow),
    dashboard: getStack(Dashboard),
  };
  const templates = Object.fromEntries(
    Object.entries(stacks).map(([key, stack]) => [key, Template.fromStack(stack)]),
  ) as Record<StackKey, Template>;
  return { app, stacks, templates };
}

function only(template: Template, type: string): { logicalId: string; resource: Record<string, any> } {
  const found = Object.entries(template.findResources(type));
  expect(found, `exactly one ${type}`).toHaveLength(1);
  const [logicalId, resource] = found[0]!;
  return { logicalId, resource };
}

/** The site's function with this handler: the JSON API's ({@link API_HANDLER}) or the pages' ({@link WEB_HANDLER}). */
function siteFunction(template: Template, handler: string): { logicalId: string; resource: Record<string, any> } {
  const found = Object.entries(template.findResources("AWS::Lambda::Function", { Properties: { Handler: handler } }));
  expect(found, `one function with the handler ${handler}`).toHaveLength(1);
  const [logicalId, resource] = found[0]!;
  return { logicalId, resource };
}

function apiFunction(template: Template): { logicalId: string; resource: Record<string, any> } {
  return siteFunction(template, API_HANDLER);
}

function webFunction(template: Template): { logicalId: string; resource: Record<string, any> } {
  return siteFunction(template, WEB_HANDLER);
}

/** Both of the site's functions, by the name infra/Api.ts gives them. */
function siteFunctions(template: Template) {
  return { Api: apiFunction(template), Web: webFunction(template) };
}

function statementsOf(template: Template, roleLogicalId: string): Array<Record<string, any>> {
  const policies = template.findResources("AWS::IAM::Policy", {
    Properties: { Roles: Match.arrayWith([{ Ref: roleLogicalId }]) },
  });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

function actionsOf(statement: Record<string, any>): string[] {
  return ([] as string[]).concat(statement.Action);
}

/** The statement's actions on the app's data and services, leaving out X-Ray's trace uploads (active tracing). */
function dataPlaneActionsOf(statement: Record<string, any>): string[] {
  return actionsOf(statement).filter((action) => !action.startsWith("xray:"));
}

let test: Synthesized;
let prod: Synthesized;
/** The Email stack of a stage that sends from an identity already in the account. */
let sharedIdentityEmail: Template;

/** Only the Email stack and those it uses, for a stage configured with `env`. */
async function synthesizeEmail(stage: string, env: Record<string, string>): Promise<Template> {
  Object.assign(process.env, env);
  const { config, paths } = useProject();
  const app = new App({ mode: "deploy", stage, name: config.name, region: config.region });
  app.setDefaultFunctionProps(defaultFunctionProps(paths.root));
  app.stack(Alarms).stack(Storage).stack(Email);
  Aspects.of(app).add(new HelperFunctionLogGroups(false));
  await app.finish();
  return Template.fromStack(getStack(Email));
}

beforeAll(async () => {
  process.env.NODE_ENV = "test";
  delete process.env[CONFIG_VARIABLES.region];
  // initProject loads sst.config.ts (app name, region) and any .env files; the test values are set after it.
  await initProject({ stage: "test" });
  const required = {
    [CONFIG_VARIABLES.teamMailbox]: TEAM_MAILBOX,
    [CONFIG_VARIABLES.emailSender]: SENDER,
    [CONFIG_VARIABLES.emailIdentity]: "",
    [CONFIG_VARIABLES.appUrl]: "",
    [CONFIG_VARIABLES.oidcIssuer]: ISSUER,
    [CONFIG_VARIABLES.oidcClientId]: "iop-lifecycle",
  };
  Object.assign(process.env, LEAKED_IF_FOUND);
  test = await synthesize("test", { ...required, [CONFIG_VARIABLES.alarmEmail]: "" });
  prod = await synthesize("prod", {
    ...required,
    [CONFIG_VARIABLES.emailIdentityExists]: "false",
    [CONFIG_VARIABLES.oidcClientSecretName]: OIDC_CLIENT_SECRET_NAME,
    [CONFIG_VARIABLES.emailIdentity]: "kommun.example",
    [CONFIG_VARIABLES.alarmEmail]: ON_CALL,
    [CONFIG_VARIABLES.appUrl]: "https://iop.kommun.example",
    [CONFIG_VARIABLES.oidcRolesClaim]: "realm_access.roles",
    [CONFIG_VARIABLES.oidcRoleMap]: "iop-admin=admin",
    [CONFIG_VARIABLES.reconcileMinutes]: "60",
  });
  sharedIdentityEmail = await synthesizeEmail("pr-7", {
    ...required,
    [CONFIG_VARIABLES.emailIdentityExists]: "true",
    [CONFIG_VARIABLES.oidcClientSecretName]: "",
    [CONFIG_VARIABLES.emailIdentity]: "",
    [CONFIG_VARIABLES.alarmEmail]: "",
    [CONFIG_VARIABLES.appUrl]: "",
  });
  // Three syntheses, each bundling every function: minutes on a busy machine.
}, 600_000);

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe("app", () => {
  it("is iop-lifecycle in Stockholm, with every stack name carrying the stage", () => {
    expect(test.app.name).toBe("iop-lifecycle");
    expect(test.app.region).toBe("eu-north-1");
    expect(Object.values(test.stacks).map((stack) => stack.stackName)).toEqual([
      "test-iop-lifecycle-Storage",
      "test-iop-lifecycle-Email",
      "test-iop-lifecycle-Alarms",
      "test-iop-lifecycle-Api",
      "test-iop-lifecycle-Workflow",
      "test-iop-lifecycle-Dashboard",
    ]);
    for (const stack of Object.values(test.stacks)) expect(stack.region).toBe("eu-north-1");
  });

  it("deletes data with a test stage and retains it on prod", () => {
    const table = (s: Synthesized) => only(s.templates.storage, "AWS::DynamoDB::Table").resource;
    const bucket = (s: Synthesized) => only(s.templates.storage, "AWS::S3::Bucket").resource;

    expect(table(test)).toMatchObject({ DeletionPolicy: "Delete", UpdateReplacePolicy: "Delete" });
    expect(table(test).Properties.DeletionProtectionEnabled).toBe(false);
    expect(bucket(test)).toMatchObject({ DeletionPolicy: "Delete" });
    // Removing a test stage empties the bucket first, or CloudFormation could not delete it.
    test.templates.storage.resourceCountIs("Custom::S3AutoDeleteObjects", 1);

    expect(table(prod)).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    expect(table(prod).Properties.DeletionProtectionEnabled).toBe(true);
    expect(bucket(prod)).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    prod.templates.storage.resourceCountIs("Custom::S3AutoDeleteObjects", 0);
    for (const [s, policy, days] of [
      [test, "Delete", 30],
      [prod, "Retain", 365],
    ] as const) {
      const logGroups = Object.values(s.templates).flatMap((template) => Object.values(template.findResources("AWS::Logs::LogGroup")));
      // Every function's, the HTTP API's access logs and the state machine's.
      expect(logGroups.length).toBeGreaterThanOrEqual(Object.keys(TABLE_ACCESS).length + 2);
      for (const logGroup of logGroups) {
        expect(logGroup.DeletionPolicy).toBe(policy);
        expect(logGroup.Properties.RetentionInDays).toBe(days);
      }
    }
  });
});

describe("Storage stack", () => {
  it("has one on-demand table with point-in-time recovery, string pk/sk keys and the store's indexes", () => {
    const { resource } = only(test.templates.storage, "AWS::DynamoDB::Table");
    const props = resource.Properties;
    expect(props.BillingMode).toBe("PAY_PER_REQUEST");
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TIME_TO_LIVE_ATTRIBUTE, Enabled: true });
    expect(props.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);

    const indexes = Object.entries<KeyDefinition>(TABLE_DEFINITION.globalIndexes);
    expect(indexes.length).toBeGreaterThan(0);
    expect(props.GlobalSecondaryIndexes).toHaveLength(indexes.length);
    for (const [name, keys] of indexes) {
      expect(props.GlobalSecondaryIndexes).toContainEqual({
        IndexName: name,
        KeySchema: [
          { AttributeName: keys.partitionKey, KeyType: "HASH" },
          { AttributeName: keys.sortKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      });
    }

    const allKeys: KeyDefinition[] = [TABLE_DEFINITION, ...Object.values(TABLE_DEFINITION.globalIndexes)];
    const keyAttributes = new Set(allKeys.flatMap((keys) => [keys.partitionKey, keys.sortKey]));
    expect(props.AttributeDefinitions).toHaveLength(keyAttributes.size);
    for (const name of keyAttributes) {
      expect(props.AttributeDefinitions).toContainEqual({ AttributeName: name, AttributeType: "S" });
    }
  });

  it("keeps attachments in a private, encrypted, TLS-only bucket that accepts presigned PUTs from the app", () => {
    const { logicalId, resource } = only(test.templates.storage, "AWS::S3::Bucket");
    const props = resource.Properties;
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(props.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] });
    expect(props.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
    });
    expect(props.VersioningConfiguration).toEqual({ Status: "Enabled" });
    // Uploads never confirmed (functions/domain/reports.ts keeps them under pending/) are removed after a day.
    expect(props.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Id: "expire-unconfirmed-uploads",
        Prefix: "pending/",
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: "Enabled",
      }),
    );
    expect(props.CorsConfiguration.CorsRules).toEqual([
      expect.objectContaining({
        AllowedMethods: ["PUT"],
        AllowedOrigins: ["https://*.execute-api.eu-north-1.amazonaws.com"],
        ExposedHeaders: ["ETag"],
      }),
    ]);
    expect(
      only(prod.templates.storage, "AWS::S3::Bucket").resource.Properties.CorsConfiguration.CorsRules[0]
        .AllowedOrigins,
    ).toEqual(["https://iop.kommun.example", "https://*.execute-api.eu-north-1.amazonaws.com"]);

    const policy = only(test.templates.storage, "AWS::S3::BucketPolicy").resource.Properties;
    expect(policy.Bucket).toEqual({ Ref: logicalId });
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });
});

describe("Email stack", () => {
  it("verifies the configured sender address, or its domain when one is configured", () => {
    expect(only(test.templates.email, "AWS::SES::EmailIdentity").resource.Properties.EmailIdentity).toBe(SENDER);
    expect(only(prod.templates.email, "AWS::SES::EmailIdentity").resource.Properties.EmailIdentity).toBe(
      "kommun.example",
    );
    const outputs = Object.keys(prod.templates.email.findOutputs("*"));
    expect(outputs.filter((name) => name.startsWith("DkimRecord"))).toHaveLength(3);
    expect(Object.keys(test.templates.email.findOutputs("*")).filter((name) => name.startsWith("Dkim"))).toEqual([]);
  });

  it("uses an identity that already exists, creating none (the functions are granted it by name)", () => {
    sharedIdentityEmail.resourceCountIs("AWS::SES::EmailIdentity", 0);
    sharedIdentityEmail.resourceCountIs("AWS::SES::ConfigurationSet", 1);
    expect(sharedIdentityEmail.findOutputs("EmailIdentity")).toMatchObject({ EmailIdentity: { Value: SENDER } });
  });

  it("sends through a configuration set whose bounces and complaints reach a function that records them", () => {
    const template = test.templates.email;
    expect(only(template, "AWS::SES::ConfigurationSet").resource.Properties.Name).toBe("test-iop-lifecycle");
    const destination = only(template, "AWS::SES::ConfigurationSetEventDestination").resource.Properties.EventDestination;
    expect(destination).toMatchObject({ Enabled: true, MatchingEventTypes: ["bounce", "complaint"] });
    const topicId = destination.SnsDestination.TopicARN.Ref;
    const subscription = only(template, "AWS::SNS::Subscription").resource.Properties;
    expect(subscription).toMatchObject({ Protocol: "lambda", TopicArn: { Ref: topicId } });
    const handler = Object.entries(template.findResources("AWS::Lambda::Function", { Properties: { Handler: EMAIL_EVENTS_HANDLER } }));
    expect(handler).toHaveLength(1);
    const [logicalId, fn] = handler[0]!;
    expect(subscription.Endpoint).toEqual({ "Fn::GetAtt": [logicalId, "Arn"] });
    // One PutItem per address, on the table.
    expect(statementsOf(template, fn.Properties.Role["Fn::GetAtt"][0]).flatMap(dataPlaneActionsOf)).toEqual(["dynamodb:PutItem"]);
    // Every function that sends names the configuration set.
    const workflowSenders = [WORKFLOW_HANDLERS.CatchUp, RECONCILER_HANDLER].flatMap((handler) =>
      Object.values(test.templates.workflow.findResources("AWS::Lambda::Function", { Properties: { Handler: handler } })),
    );
    expect(workflowSenders).toHaveLength(2);
    for (const task of [apiFunction(test.templates.api).resource, webFunction(test.templates.api).resource, ...workflowSenders]) {
      expect(task.Properties.Environment.Variables.EMAIL_CONFIGURATION_SET).toBe("test-iop-lifecycle");
    }
  });

  it("alarms on the account's bounce and complaint rates at the levels where AWS reviews an account", () => {
    const alarms = Object.values(test.templates.email.findResources("AWS::CloudWatch::Alarm")).map((alarm) => alarm.Properties);
    expect(alarms.map((alarm) => [alarm.Namespace, alarm.MetricName, alarm.Threshold]).sort()).toEqual([
      ["AWS/SES", "Reputation.BounceRate", 0.05],
      ["AWS/SES", "Reputation.ComplaintRate", 0.001],
    ]);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ "Fn::ImportValue": expect.stringMatching(/^test-iop-lifecycle-Alarms:.*AlarmsTopic/) }]);
    }
  });
});

describe("Dashboard stack", () => {
  it("has one dashboard showing the workflow, the API, every function and email", () => {
    const { resource } = only(test.templates.dashboard, "AWS::CloudWatch::Dashboard");
    expect(resource.Properties.DashboardName).toBe("test-iop-lifecycle");
    const body = JSON.stringify(resource.Properties.DashboardBody);
    for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "WorkflowFailures", "ReconcilerRepairs", "5xx", "Reputation.BounceRate"]) {
      expect(body).toContain(metric);
    }
  });
});

describe("Alarms stack", () => {
  it("has an alarm topic, with the on-call mailbox subscribed when configured", () => {
    only(test.templates.alarms, "AWS::SNS::Topic");
    test.templates.alarms.resourceCountIs("AWS::SNS::Subscription", 0);
    prod.templates.alarms.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: ON_CALL });
  });
});

/** What Lambda and the stack give the API function, for running the deployed bundle here. */
function lambdaEnvironment(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    AWS_REGION: "eu-north-1",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_SESSION_TOKEN: "session-token",
    TABLE_NAME: "test-iop-lifecycle-Data",
    APP_URL: "https://abc123.execute-api.eu-north-1.amazonaws.com",
    OIDC_ISSUER: ISSUER,
    OIDC_CLIENT_ID: "iop-lifecycle",
    CURSOR_SECRET_ID: "arn:aws:secretsmanager:eu-north-1:123456789012:secret:CursorSecret-AbCdEf",
    SIGN_IN_SECRET_ID: "arn:aws:secretsmanager:eu-north-1:123456789012:secret:SignInSecret-AbCdEf",
    ATTACHMENTS_BUCKET: "test-iop-lifecycle-attachments",
    EMAIL_SENDER: SENDER,
    TEAM_MAILBOX,
    WORKFLOW_STATE_MACHINE_ARN: "arn:aws:states:eu-north-1:123456789012:stateMachine:test-iop-lifecycle-agreement",
  };
}

/**
 * Module source that starts a stand-in for the AWS endpoints the bundles call (DynamoDB, Secrets Manager and Step
 * Functions), points
 * the SDK at it, and records in `seen` each call's target, signature and key or secret id, and a query's index and
 * partition. DescribeTable answers an active table, GetSecretValue "value of <id>", anything else `{}` (a query
 * finds nothing).
 */
const STAND_IN_AWS = `
  import http from "node:http";
  const seen = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk)).on("end", () => {
      const target = request.headers["x-amz-target"];
      const input = JSON.parse(body || "{}");
      const query = target === "DynamoDB_20120810.Query"
        ? { index: input.IndexName, partition: Object.values(input.ExpressionAttributeValues)[0].S }
        : {};
      const keyOf = ({ Key, Item }) => Key ?? { pk: Item.pk, sk: Item.sk };
      const transaction = input.TransactItems === undefined ? {} : { keys: input.TransactItems.map((item) => keyOf(Object.values(item)[0])) };
      seen.push({ target, authorization: request.headers.authorization, key: input.Key, secretId: input.SecretId, ...query, ...transaction });
      response.setHeader("content-type", "application/x-amz-json-1.1");
      if (target === "DynamoDB_20120810.DescribeTable") {
        response.end(JSON.stringify({ Table: { TableName: process.env.TABLE_NAME, TableStatus: "ACTIVE" } }));
      } else if (target === "secretsmanager.GetSecretValue") {
        response.end(JSON.stringify({ ARN: input.SecretId, Name: input.SecretId, SecretString: "value of " + input.SecretId }));
      } else {
        response.end("{}");
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const standIn = "http://127.0.0.1:" + server.address().port;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = standIn;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = standIn;
  process.env.AWS_ENDPOINT_URL_SFN = standIn;
`;

describe("Api stack", () => {
  it("runs the JSON API's and the pages' handlers on nodejs22.x (arm64) with the table, bucket, mail and sign-in settings", () => {
    const importFromStorage = (what: string) => ({
      "Fn::ImportValue": Match.stringLikeRegexp(`^test-iop-lifecycle-Storage:.*${what}`),
    });
    for (const handler of [API_HANDLER, WEB_HANDLER]) {
      const props = siteFunction(test.templates.api, handler).resource.Properties;
      expect(props.Runtime, handler).toBe("nodejs22.x");
      expect(props.Architectures, handler).toEqual(["arm64"]);
      expect(props.Timeout, handler).toBeLessThan(30); // below the HTTP API's integration timeout
      // Settings left out are left to the app's defaults rather than set empty.
      expect(Object.keys(props.Environment.Variables), handler).not.toContain("OIDC_ROLES_CLAIM");
      test.templates.api.hasResourceProperties("AWS::Lambda::Function", {
      Handler: handler,
      Environment: {
        Variables: {
          TABLE_NAME: importFromStorage("DataTable"),
          ATTACHMENTS_BUCKET: importFromStorage("AttachmentsBucket"),
          EMAIL_SENDER: SENDER,
          TEAM_MAILBOX: TEAM_MAILBOX,
          APP_URL: { "Fn::GetAtt": [Match.stringLikeRegexp("^HttpApi"), "ApiEndpoint"] },
          OIDC_ISSUER: ISSUER,
          OIDC_CLIENT_ID: "iop-lifecycle",
        },
      },
      });
      expect(siteFunction(prod.templates.api, handler).resource.Properties.Environment.Variables, handler).toMatchObject({
        APP_URL: "https://iop.kommun.example",
        OIDC_ROLES_CLAIM: "realm_access.roles",
        OIDC_ROLE_MAP: "iop-admin=admin",
      });
    }
  });

  it("lets each function call exactly the table actions it uses, on the table and its indexes by name: only the API's checks health", () => {
    for (const [name, { resource }] of Object.entries(siteFunctions(test.templates.api))) {
      const statements = statementsOf(test.templates.api, resource.Properties.Role["Fn::GetAtt"][0]);
      const dynamo = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith("dynamodb:")));
      expect(dynamo, name).toHaveLength(1);
      expect(actionsOf(dynamo[0]!).sort(), name).toEqual(TABLE_ACCESS[name as "Api" | "Web"].actions.map((action) => `dynamodb:${action}`).sort());
      const resources = JSON.stringify(dynamo[0]!.Resource);
      for (const index of Object.keys(TABLE_DEFINITION.globalIndexes)) expect(resources, name).toContain(`/index/${index}`);
      expect(resources, name).not.toContain("/index/*");
    }
    expect(TABLE_ACCESS.Api.actions).toContain("DescribeTable");
    expect(TABLE_ACCESS.Web.actions).not.toContain("DescribeTable");
  });

  it("lets each function put, get and delete attachments, and send only as the sender through the configuration set", () => {
    for (const { resource } of Object.values(siteFunctions(test.templates.api))) {
    const statements = statementsOf(test.templates.api, resource.Properties.Role["Fn::GetAtt"][0]);
    const granting = (prefix: string) => statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith(prefix)));

    const s3 = granting("s3:");
    expect(s3.map(actionsOf)).toEqual([["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]]);
    expect(JSON.stringify(s3[0]!.Resource)).toMatch(/AttachmentsBucket.*\/\*/);

    const ses = granting("ses:");
    expect(ses.map(actionsOf)).toEqual([["ses:SendEmail"]]);
    const sesResources = JSON.stringify(ses[0]!.Resource);
    expect(sesResources).toContain(`:identity/${SENDER}`);
    expect(sesResources).toContain(":configuration-set/test-iop-lifecycle");
    expect(resource.Properties.Environment.Variables.EMAIL_CONFIGURATION_SET).toBe("test-iop-lifecycle");
    }
  });

  it("routes /api/* of an HTTP API to the JSON API's function and every other request to the pages' function", () => {
    const template = test.templates.api;
    expect(only(template, "AWS::ApiGatewayV2::Api").resource.Properties.ProtocolType).toBe("HTTP");
    const integrations = template.findResources("AWS::ApiGatewayV2::Integration");
    const routes = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).map((route) => route.Properties);
    const functionOf = (routeKey: string) => {
      const route = routes.find((candidate) => candidate.RouteKey === routeKey);
      expect(route, routeKey).toBeDefined();
      const integration = integrations[route!.Target["Fn::Join"][1][1].Ref]!.Properties;
      expect(integration, routeKey).toMatchObject({ IntegrationType: "AWS_PROXY", PayloadFormatVersion: "2.0" });
      return integration.IntegrationUri["Fn::GetAtt"][0];
    };
    expect(routes.map((route) => route.RouteKey).sort()).toEqual(["$default", API_ROUTE].sort());
    expect(API_ROUTE).toBe("ANY /api/{proxy+}");
    expect(functionOf(API_ROUTE)).toBe(apiFunction(template).logicalId);
    expect(functionOf("$default")).toBe(webFunction(template).logicalId);
    // API Gateway may invoke each function, and only through its own route.
    for (const { logicalId } of Object.values(siteFunctions(template))) {
      expect(Object.values(template.findResources("AWS::Lambda::Permission", { Properties: { FunctionName: { "Fn::GetAtt": [logicalId, "Arn"] } } })), logicalId).toHaveLength(1);
    }
  });

  it("throttles the whole API at its default stage", () => {
    const stage = only(test.templates.api, "AWS::ApiGatewayV2::Stage").resource.Properties;
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });

  it("alarms on each function's errors and on 5xx answers through the alarm topic", () => {
    const alarms = Object.values(test.templates.api.findResources("AWS::CloudWatch::Alarm"));
    expect(alarms.map((alarm) => alarm.Properties.MetricName).sort()).toEqual(["5xx", "Errors", "Errors"]);
    const erring = JSON.stringify(alarms.filter((alarm) => alarm.Properties.MetricName === "Errors").map((alarm) => alarm.Properties.Dimensions));
    for (const { logicalId } of Object.values(siteFunctions(test.templates.api))) expect(erring).toContain(logicalId);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { "Fn::ImportValue": expect.stringMatching(/^test-iop-lifecycle-Alarms:.*AlarmsTopic/) },
      ]);
    }
  });

  it("deploys for each function a minified ESM bundle identical to the one scripts/bench.ts measures, holding only its own routes", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "iop-bundle-"));
    const inputs: Record<string, string[]> = {};
    const texts: Record<string, string> = {};
    try {
      const esbuild = await sstEsbuild();
      for (const [id, entry] of [["ApiFunction", API_ENTRY], ["WebFunction", WEB_ENTRY]] as const) {
        const bundle = `${entry.replace(/\.ts$/, "")}.mjs`;
        const deployedBytes = await readFile(path.join(useProject().paths.artifacts, test.stacks.api.node.findChild(id).node.addr, bundle));
        const outfile = path.join(dir, bundle);
        const { metafile } = await esbuild.build(deployedEsbuildOptions(useProject().paths.root, entry, outfile));
        const benchBytes = await readFile(outfile);
        expect(benchBytes.equals(deployedBytes), `${id}: bench bundle differs from the deployed one`).toBe(true);
        inputs[id] = Object.keys(metafile!.inputs);
        texts[id] = deployedBytes.toString("utf8");
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // The JSON API's bundle holds nothing of the pages (hono/jsx, the catalogues, the stylesheet); the pages' bundle
    // nothing of the API's operations or its OpenAPI document.
    expect(inputs.ApiFunction!.filter((input) => input.startsWith("web/") || input.includes("/hono/dist/jsx/"))).toEqual([]);
    expect(inputs.ApiFunction).toContain("functions/api/openapi.ts");
    expect(inputs.WebFunction).toContain("web/routes.tsx");
    expect(inputs.WebFunction!.filter((input) => /^functions\/api\/(openapi|operations|app)\.ts$|^functions\/api\/routes\//.test(input))).toEqual([]);
    // The bench builds with these options, so they are the deployed ones: minified ESM for Node 22.
    expect(nodejsBundling(useProject().paths.root)).toMatchObject({
      format: "esm",
      minify: true,
      esbuild: { target: "node22" },
    });
    for (const [id, text] of Object.entries(texts)) {
      expect(text, id).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      // Only the Lambda-environment credential provider is bundled, not the SDK's SSO/ini/STS chain.
      expect(text, id).toContain("not running in AWS Lambda?");
      expect(text, id).not.toContain("defaultProvider::fromSSO");
      // Development-only sign-in helpers stay out of the deployed functions.
      expect(text, id).not.toContain(DEV_TOKEN_PATH);
      expect(text, id).not.toContain("oidc-provider");
    }
  });

  it("runs the deployed API bundle as Lambda does: its one secret read once at start, HTTP API event in, DynamoDB signed with the role's keys", async () => {
    const fn = test.stacks.api.node.findChild("ApiFunction");
    const bundle = path.join(useProject().paths.artifacts, fn.node.addr, "functions/handlers/api.mjs");
    const script = `
      ${STAND_IN_AWS}
      const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const http2 = {
        method: "GET", path: "/api/health", protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test",
      };
      const call = () => handler({
        version: "2.0", routeKey: "$default", rawPath: "/api/health", rawQueryString: "", isBase64Encoded: false,
        headers: { host: "abc123.execute-api.eu-north-1.amazonaws.com" },
        requestContext: { http: http2, domainName: "abc123.execute-api.eu-north-1.amazonaws.com", requestId: "r1",
          routeKey: "$default", stage: "$default", timeEpoch: 0 },
      });
      const response = await call();
      await call();
      server.close();
      process.stdout.write(JSON.stringify({ response, seen }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...lambdaEnvironment(), OIDC_CLIENT_SECRET_ID: OIDC_CLIENT_SECRET_NAME },
    });
    const [logLine, , result] = stdout.trim().split("\n");
    const { response, seen } = JSON.parse(result!);
    // The app logs each request as a JSON line on stdout, which Lambda sends to CloudWatch Logs.
    expect(JSON.parse(logLine!)).toMatchObject({ level: "info", method: "GET", path: "/api/health", status: 200, requestId: expect.any(String) });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["strict-transport-security"]).toMatch(/^max-age=\d+/);
    expect(JSON.parse(response.body)).toMatchObject({ status: "ok", components: { dynamodb: { ok: true } } });
    const signedBy = (service: string) =>
      expect.stringMatching(new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/\\d{8}/eu-north-1/${service}/`));
    // The cursor secret once, when the container starts (the sign-in's secrets are the pages' function's); then one
    // DescribeTable per request.
    expect(seen).toEqual([
      { target: "secretsmanager.GetSecretValue", authorization: signedBy("secretsmanager"), secretId: lambdaEnvironment().CURSOR_SECRET_ID },
      { target: "DynamoDB_20120810.DescribeTable", authorization: signedBy("dynamodb") },
      { target: "DynamoDB_20120810.DescribeTable", authorization: signedBy("dynamodb") },
    ]);
  });

  it("runs the deployed pages bundle as Lambda does: its secrets read once at start, a page answered to an HTTP API event", async () => {
    const fn = test.stacks.api.node.findChild("WebFunction");
    const bundle = path.join(useProject().paths.artifacts, fn.node.addr, "functions/handlers/web.mjs");
    const script = `
      ${STAND_IN_AWS}
      const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const call = (rawPath) => handler({
        version: "2.0", routeKey: "$default", rawPath, rawQueryString: "", isBase64Encoded: false,
        headers: { host: "abc123.execute-api.eu-north-1.amazonaws.com", accept: "text/html" },
        requestContext: { http: { method: "GET", path: rawPath, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test" },
          domainName: "abc123.execute-api.eu-north-1.amazonaws.com", requestId: "r1", routeKey: "$default", stage: "$default", timeEpoch: 0 },
      });
      const page = await call("/accessibility");
      const api = await call("/api/health");
      server.close();
      process.stdout.write(JSON.stringify({ page, api, seen }) + "\\n");
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...lambdaEnvironment(), OIDC_CLIENT_SECRET_ID: OIDC_CLIENT_SECRET_NAME },
    });
    const { page, api, seen } = JSON.parse(stdout.trim().split("\n").at(-1)!);
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.body).toContain('<html lang="sv"');
    // The JSON API is the other function's: here it is nothing.
    expect(api.statusCode).toBe(404);
    expect(seen.map((call: { secretId?: string }) => call.secretId).sort()).toEqual(
      [lambdaEnvironment().CURSOR_SECRET_ID, lambdaEnvironment().SIGN_IN_SECRET_ID, OIDC_CLIENT_SECRET_NAME].sort(),
    );
  });

  it("names the cursor and sign-in secrets generated for the stage, and the OIDC client secret, without their values, each to the function that reads it", () => {
    for (const s of [test, prod]) {
      const secrets = Object.entries(s.templates.api.findResources("AWS::SecretsManager::Secret"));
      expect(secrets).toHaveLength(2);
      // The JSON API signs list cursors; the pages sign cursors too, and run the browser sign-in.
      const readers = { Api: ["CURSOR_SECRET_ID"], Web: ["CURSOR_SECRET_ID", "SIGN_IN_SECRET_ID"] };
      for (const [name, { resource }] of Object.entries(siteFunctions(s.templates.api))) {
        const variables = resource.Properties.Environment.Variables;
        for (const value of ["CURSOR_SECRET", "SIGN_IN_SECRET", "OIDC_CLIENT_SECRET"]) expect(Object.keys(variables), name).not.toContain(value);
        const statements = statementsOf(s.templates.api, resource.Properties.Role["Fn::GetAtt"][0]);
        const reads = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith("secretsmanager:")));
        expect(reads.flatMap(actionsOf).every((action) => action === "secretsmanager:GetSecretValue"), name).toBe(true);
        const readable = JSON.stringify(reads.map((statement) => statement.Resource));
        for (const [variable, secretId] of [["CURSOR_SECRET_ID", "CursorSecret"], ["SIGN_IN_SECRET_ID", "SignInSecret"]] as const) {
          const [logicalId, secret] = secrets.find(([id]) => id.startsWith(secretId)) ?? [];
          expect(secret?.Properties.GenerateSecretString, variable).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
          if (readers[name as keyof typeof readers].includes(variable)) {
            expect(variables[variable], `${name} ${variable}`).toEqual({ Ref: logicalId });
            expect(readable, `${name} ${variable}`).toContain(JSON.stringify(variables[variable]));
          } else {
            expect(Object.keys(variables), `${name} ${variable}`).not.toContain(variable);
            expect(readable, `${name} ${variable}`).not.toContain(logicalId);
          }
        }
      }
    }
    // A public client (test) has no client secret; a confidential one (prod) names its secret, readable by that name,
    // by the pages' function alone: it redeems the sign-in's code.
    expect(Object.keys(webFunction(test.templates.api).resource.Properties.Environment.Variables)).not.toContain("OIDC_CLIENT_SECRET_ID");
    const clientSecretReads = (resource: Record<string, any>) =>
      JSON.stringify(statementsOf(prod.templates.api, resource.Properties.Role["Fn::GetAtt"][0]).filter((statement) => actionsOf(statement).includes("secretsmanager:GetSecretValue")));
    const web = webFunction(prod.templates.api).resource;
    expect(web.Properties.Environment.Variables.OIDC_CLIENT_SECRET_ID).toBe(OIDC_CLIENT_SECRET_NAME);
    expect(clientSecretReads(web)).toContain(`:secret:${OIDC_CLIENT_SECRET_NAME}-??????`);
    const api = apiFunction(prod.templates.api).resource;
    expect(Object.keys(api.Properties.Environment.Variables)).not.toContain("OIDC_CLIENT_SECRET_ID");
    expect(clientSecretReads(api)).not.toContain(OIDC_CLIENT_SECRET_NAME);
  });

  it("logs HTTP API access without paths or query strings, which can hold report-link tokens and feed secrets", () => {
    for (const s of [test, prod]) {
      const stage = only(s.templates.api, "AWS::ApiGatewayV2::Stage").resource.Properties;
      expect(stage.AccessLogSettings.Format).toBe(ACCESS_LOG_FORMAT);
    }
    expect(ACCESS_LOG_FORMAT).toContain("$context.routeKey");
    expect(ACCESS_LOG_FORMAT).toContain("$context.requestId");
    expect(ACCESS_LOG_FORMAT).not.toMatch(/\$context\.(path|http\.path|resourcePath)|rawQueryString|querystring/i);
  });

  it("serves /api/docs from Swagger UI's files, copied next to the deployed bundle", async () => {
    const fn = test.stacks.api.node.findChild("ApiFunction");
    const artifact = path.join(useProject().paths.artifacts, fn.node.addr);
    for (const file of DOCS_ASSET_FILES) {
      const copied = await readFile(path.join(artifact, LAMBDA_DOCS_ASSETS_DIR, file));
      expect(copied.equals(await readFile(path.join(useProject().paths.root, "node_modules/swagger-ui-dist", file))), file).toBe(true);
    }
    const script = `
      ${STAND_IN_AWS}
      const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(artifact, "functions/handlers/api.mjs")).href)});
      const call = (rawPath) => handler({
        version: "2.0", routeKey: "$default", rawPath, rawQueryString: "", isBase64Encoded: false,
        headers: { host: "localhost" },
        requestContext: { http: { method: "GET", path: rawPath, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test" },
          domainName: "localhost", requestId: "r1", routeKey: "$default", stage: "$default", timeEpoch: 0 },
      });
      const page = await call("/api/docs");
      const styles = await call(/href="([^"]+swagger-ui\\.css)"/.exec(page.body)[1]);
      server.close();
      process.stdout.write(JSON.stringify({ page: page.statusCode, styles: styles.statusCode, css: styles.body }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { env: lambdaEnvironment() });
    const { page, styles, css } = JSON.parse(stdout.trim().split("\n").at(-1)!);
    expect([page, styles]).toEqual([200, 200]);
    expect(css).toBe(await readFile(path.join(useProject().paths.root, "node_modules/swagger-ui-dist/swagger-ui.css"), "utf8"));
  });
});

describe("Workflow stack", () => {
  const stateMachine = (s: Synthesized) => only(s.templates.workflow, "AWS::StepFunctions::StateMachine");
  const taskFunctions = (s: Synthesized) =>
    Object.fromEntries(
      TASK_FUNCTIONS.map((task) => {
        const found = Object.entries(
          s.templates.workflow.findResources("AWS::Lambda::Function", { Properties: { Handler: WORKFLOW_HANDLERS[task] } }),
        );
        expect(found, `one function for ${task}`).toHaveLength(1);
        return [task, { logicalId: found[0]![0], resource: found[0]![1] as Record<string, any> }];
      }),
    );

  it("deploys agreement.asl.json as it is, a Standard state machine whose placeholders are the task functions", async () => {
    const { resource } = stateMachine(test);
    const file = await readFile(path.join(useProject().paths.root, WORKFLOW_DEFINITION_FILE), "utf8");
    expect(resource.Properties.StateMachineType).toBe("STANDARD");
    expect(resource.Properties.StateMachineName).toBe("test-iop-lifecycle-agreement");
    expect(JSON.parse(resource.Properties.DefinitionString)).toEqual(JSON.parse(file));
    const functions = taskFunctions(test);
    expect(resource.Properties.DefinitionSubstitutions).toEqual(
      Object.fromEntries(TASK_FUNCTIONS.map((task) => [`${task}FunctionArn`, { "Fn::GetAtt": [functions[task]!.logicalId, "Arn"] }])),
    );
  });

  it("runs the task functions on nodejs22.x with the table, the state machine, the mail settings and the app's URL", () => {
    for (const [task, { resource }] of Object.entries(taskFunctions(test))) {
      expect(resource.Properties.Runtime, task).toBe("nodejs22.x");
      expect(resource.Properties.Architectures, task).toEqual(["arm64"]);
      expect(resource.Properties.Environment.Variables, task).toMatchObject({
        TABLE_NAME: { "Fn::ImportValue": expect.stringMatching(/^test-iop-lifecycle-Storage:.*DataTable/) },
        WORKFLOW_STATE_MACHINE_ARN: expect.anything(),
        EMAIL_SENDER: SENDER,
        TEAM_MAILBOX: TEAM_MAILBOX,
        APP_URL: { "Fn::ImportValue": expect.stringMatching(/^test-iop-lifecycle-Api:/) },
      });
      expect(JSON.stringify(resource.Properties.Environment.Variables.WORKFLOW_STATE_MACHINE_ARN)).toContain(":stateMachine:test-iop-lifecycle-agreement");
    }
    expect(taskFunctions(prod).CatchUp!.resource.Properties.Environment.Variables.APP_URL).toBe("https://iop.kommun.example");
  });

  it("lets the state machine invoke each task, and each task only what it does", () => {
    const { resource } = stateMachine(test);
    const machineStatements = statementsOf(test.templates.workflow, resource.Properties.RoleArn["Fn::GetAtt"][0]);
    const invocable = JSON.stringify(machineStatements.filter((statement) => actionsOf(statement).includes("lambda:InvokeFunction")));
    for (const { logicalId } of Object.values(taskFunctions(test))) expect(invocable).toContain(logicalId);

    const actionsOfTask = (task: string) => {
      const role = taskFunctions(test)[task]!.resource.Properties.Role["Fn::GetAtt"][0] as string;
      return statementsOf(test.templates.workflow, role).flatMap(dataPlaneActionsOf);
    };
    const dynamo = (task: TaskFunction) => TABLE_ACCESS[task].actions.map((action) => `dynamodb:${action}`);
    const sorted = (actions: string[]) => [...actions].sort();
    expect(sorted(actionsOfTask("RecordFailure"))).toEqual(sorted(dynamo("RecordFailure")));
    expect(sorted(actionsOfTask("AwaitDecision"))).toEqual(sorted([...dynamo("AwaitDecision"), "states:SendTaskSuccess"]));
    expect(sorted(actionsOfTask("ContinueAsNew"))).toEqual(sorted([...dynamo("ContinueAsNew"), "states:StartExecution"]));
    expect(sorted(actionsOfTask("CatchUp"))).toEqual(sorted([...dynamo("CatchUp"), "ses:SendEmail"]));
    for (const task of TASK_FUNCTIONS) {
      const role = taskFunctions(test)[task]!.resource.Properties.Role["Fn::GetAtt"][0] as string;
      const onTable = statementsOf(test.templates.workflow, role).filter((statement) => actionsOf(statement).some((action) => action.startsWith("dynamodb:")));
      // The table itself: the tasks use no index.
      expect(onTable.flatMap((statement) => [statement.Resource].flat()), task).toEqual([{ "Fn::ImportValue": expect.stringMatching(/DataTable.*Arn/) }]);
    }
  });

  it("gives the JSON API's and the pages' functions the state machine's ARN and the rights to drive executions and complete callbacks", () => {
    for (const [name, { resource }] of Object.entries(siteFunctions(test.templates.api))) {
      expect(JSON.stringify(resource.Properties.Environment.Variables.WORKFLOW_STATE_MACHINE_ARN), name).toContain(":stateMachine:test-iop-lifecycle-agreement");
      const statements = statementsOf(test.templates.api, resource.Properties.Role["Fn::GetAtt"][0]);
      const resourcesFor = (action: string) =>
        JSON.stringify(statements.filter((statement) => actionsOf(statement).includes(action)).map((statement) => statement.Resource));
      expect(resourcesFor("states:SendTaskSuccess"), name).toContain(":stateMachine:test-iop-lifecycle-agreement");
      expect(resourcesFor("states:StartExecution"), name).toContain(":stateMachine:test-iop-lifecycle-agreement");
      expect(resourcesFor("states:StopExecution"), name).toContain(":execution:test-iop-lifecycle-agreement:*");
      expect(resourcesFor("states:DescribeExecution"), name).toContain(":execution:test-iop-lifecycle-agreement:*");
    }
    // By name, not by reference: the Api stack does not depend on the Workflow stack.
    expect(JSON.stringify(test.templates.api.toJSON())).not.toContain("test-iop-lifecycle-Workflow");
  });

  it("runs the deployed RecordFailure bundle as Lambda does: failure recorded in the table, metric and log lines on stdout", async () => {
    const fn = test.stacks.workflow.node.findChild("RecordFailureFunction");
    const bundle = path.join(useProject().paths.artifacts, fn.node.addr, "functions/handlers/workflow-record-failure.mjs");
    const script = `
      ${STAND_IN_AWS}
      const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      await handler({ agreementId: "agr-1", generation: 2, error: "ReminderNotSentError", cause: "SES is down" }, { awsRequestId: "lambda-request-1" });
      server.close();
      process.stdout.write(JSON.stringify({ seen }) + "\\n");
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: {
        ...lambdaEnvironment(),
        WORKFLOW_STATE_MACHINE_ARN: "arn:aws:states:eu-north-1:123456789012:stateMachine:test-iop-lifecycle-agreement",
        EMAIL_SENDER: SENDER,
        TEAM_MAILBOX: TEAM_MAILBOX,
      },
    });
    const [metricLine, logLine, result] = stdout.trim().split("\n");
    expect(JSON.parse(metricLine!)).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: "IopLifecycle", Dimensions: [["StateMachine"]], Metrics: [{ Name: "WorkflowFailures", Unit: "Count" }] }] },
      StateMachine: "test-iop-lifecycle-agreement",
      WorkflowFailures: 1,
      agreementId: "agr-1",
    });
    // Each invocation is one JSON line carrying Lambda's request id, as the API's requests are.
    expect(JSON.parse(logLine!)).toMatchObject({
      time: expect.any(String),
      level: "info",
      message: "workflow task",
      requestId: "lambda-request-1",
      task: "recordFailure",
      agreementId: "agr-1",
      generation: 2,
      outcome: "ok",
    });
    // The state and the failed-workflows registry, in one transaction.
    expect(JSON.parse(result!).seen).toEqual([
      {
        target: "DynamoDB_20120810.TransactWriteItems",
        authorization: expect.any(String),
        keys: [
          { pk: { S: "AGREEMENT#agr-1" }, sk: { S: "WORKFLOW" } },
          { pk: { S: "WORKFLOWS#FAILED" }, sk: { S: "AGREEMENT#agr-1" } },
        ],
      },
    ]);
  });

  it("logs failed states and executions (level ERROR) to a log group with retention, and traces executions with X-Ray", () => {
    for (const [s, days] of [[test, 30], [prod, 365]] as const) {
      const { resource } = stateMachine(s);
      expect(resource.Properties.TracingConfiguration).toEqual({ Enabled: true });
      const logging = resource.Properties.LoggingConfiguration;
      expect(logging).toMatchObject({ Level: "ERROR", IncludeExecutionData: true });
      const logGroupId = logging.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn["Fn::GetAtt"][0];
      expect(s.templates.workflow.findResources("AWS::Logs::LogGroup")[logGroupId]!.Properties.RetentionInDays).toBe(days);
    }
  });

  const reconcilerFunction = (s: Synthesized) => {
    const found = Object.entries(s.templates.workflow.findResources("AWS::Lambda::Function", { Properties: { Handler: RECONCILER_HANDLER } }));
    expect(found, "one reconciler function").toHaveLength(1);
    return { logicalId: found[0]![0], resource: found[0]![1] as Record<string, any> };
  };

  it("invokes the reconciler on a schedule, every 15 minutes or as IOP_RECONCILE_MINUTES says, with a log group of its own", () => {
    for (const [s, expression, days] of [[test, "rate(15 minutes)", 30], [prod, "rate(1 hour)", 365]] as const) {
      const { logicalId, resource } = reconcilerFunction(s);
      const { resource: rule } = only(s.templates.workflow, "AWS::Events::Rule");
      expect(rule.Properties.ScheduleExpression).toBe(expression);
      expect(rule.Properties.State).toBe("ENABLED");
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { "Fn::GetAtt": [logicalId, "Arn"] } })]);
      s.templates.workflow.hasResourceProperties("AWS::Lambda::Permission", {
        Action: "lambda:InvokeFunction",
        Principal: "events.amazonaws.com",
        FunctionName: { "Fn::GetAtt": [logicalId, "Arn"] },
      });
      expect(resource.Properties.Runtime).toBe("nodejs22.x");
      expect(resource.Properties.Architectures).toEqual(["arm64"]);
      expect(resource.Properties.Environment.Variables).toMatchObject({
        TABLE_NAME: { "Fn::ImportValue": expect.stringMatching(/DataTable/) },
        ATTACHMENTS_BUCKET: { "Fn::ImportValue": expect.stringMatching(/AttachmentsBucket/) },
        EMAIL_SENDER: SENDER,
        EMAIL_CONFIGURATION_SET: `${s.app.stage}-iop-lifecycle`,
        TEAM_MAILBOX: TEAM_MAILBOX,
      });
      expect(JSON.stringify(resource.Properties.Environment.Variables.WORKFLOW_STATE_MACHINE_ARN)).toContain(`:stateMachine:${s.app.stage}-iop-lifecycle-agreement`);
      const logGroup = s.templates.workflow.findResources("AWS::Logs::LogGroup")[resource.Properties.LoggingConfig.LogGroup.Ref];
      expect(logGroup!.Properties.RetentionInDays).toBe(days);
    }
    expect(reconcilerFunction(prod).resource.Properties.Environment.Variables.APP_URL).toBe("https://iop.kommun.example");
  });

  it("lets the reconciler call exactly the table actions it uses (on the table and its byStatus index), send as the sender and drive executions", () => {
    const role = reconcilerFunction(test).resource.Properties.Role["Fn::GetAtt"][0] as string;
    const statements = statementsOf(test.templates.workflow, role).filter((statement) => dataPlaneActionsOf(statement).length > 0);
    const dynamo = TABLE_ACCESS.Reconciler.actions.map((action) => `dynamodb:${action}`);
    expect(statements.flatMap(dataPlaneActionsOf).sort()).toEqual(
      [
        ...dynamo,
        "ses:SendEmail",
        "states:DescribeExecution",
        "states:ListExecutions",
        "states:SendTaskSuccess",
        "states:StartExecution",
        "states:StopExecution",
      ].sort(),
    );
    const resourcesFor = (action: string) =>
      JSON.stringify(statements.filter((statement) => actionsOf(statement).includes(action)).map((statement) => statement.Resource));
    for (const action of dynamo) {
      expect(resourcesFor(action)).toMatch(/DataTable.*Arn.*\/index\/byStatus/);
      expect(resourcesFor(action)).not.toContain("/index/*");
    }
    expect(TABLE_ACCESS.Reconciler.indexes).toEqual(["byStatus"]);
    expect(resourcesFor("ses:SendEmail")).toContain(`:identity/${SENDER}`);
    expect(resourcesFor("states:StartExecution")).toContain(":stateMachine:test-iop-lifecycle-agreement");
    expect(resourcesFor("states:SendTaskSuccess")).toContain(":stateMachine:test-iop-lifecycle-agreement");
    expect(resourcesFor("states:ListExecutions")).toContain(":stateMachine:test-iop-lifecycle-agreement");
    expect(resourcesFor("states:DescribeExecution")).toContain(":execution:test-iop-lifecycle-agreement:*");
    expect(resourcesFor("states:StopExecution")).toContain(":execution:test-iop-lifecycle-agreement:*");
  });

  it("runs the deployed reconciler bundle as Lambda does: the outbox, open workflows and link requests read, metric line with the request id", async () => {
    const fn = test.stacks.workflow.node.findChild("ReconcilerFunction");
    const bundle = path.join(useProject().paths.artifacts, fn.node.addr, "functions/handlers/reconcile.mjs");
    const script = `
      ${STAND_IN_AWS}
      const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const report = await handler({ "detail-type": "Scheduled Event", source: "aws.events" }, { awsRequestId: "lambda-request-2" });
      server.close();
      process.stdout.write(JSON.stringify({ report, seen }) + "\\n");
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { env: lambdaEnvironment() });
    const [metricLine, result] = stdout.trim().split("\n");
    expect(JSON.parse(metricLine!)).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: "IopLifecycle", Dimensions: [["StateMachine"]], Metrics: [{ Name: "ReconcilerRepairs", Unit: "Count" }, { Name: "ReconcilerFailures", Unit: "Count" }] },
        ],
      },
      StateMachine: "test-iop-lifecycle-agreement",
      ReconcilerRepairs: 0,
      ReconcilerFailures: 0,
      requestId: "lambda-request-2",
    });
    const { report, seen } = JSON.parse(result!);
    expect(report).toMatchObject({ repaired: 0, failed: 0 });
    // The steps in their order: the outbox; the running executions, the open-workflows registry and the agreements
    // by status on their index; then the fresh-link requests. Nothing open, so nothing more.
    expect(seen.map(({ target, index, partition }: Record<string, string | undefined>) => [target, index ?? partition ?? null])).toEqual([
      ["DynamoDB_20120810.Query", "WORKFLOW_OUTBOX"],
      ["AWSStepFunctions.ListExecutions", null],
      ["DynamoDB_20120810.Query", "WORKFLOWS#OPEN"],
      ["DynamoDB_20120810.Query", "byStatus"],
      ["DynamoDB_20120810.Query", "byStatus"],
      ["DynamoDB_20120810.Query", "byStatus"],
      ["DynamoDB_20120810.Query", "FRESH_LINK_REQUESTS"],
    ]);
  });

  it("alarms through the alarm topic on recorded failures, on failed, timed-out and aborted executions, and on the reconciler's repairs and failures", () => {
    const alarms = Object.values(test.templates.workflow.findResources("AWS::CloudWatch::Alarm"));
    const single = alarms.filter((alarm) => alarm.Properties.MetricName !== undefined);
    expect(single.map((alarm) => `${alarm.Properties.Namespace}/${alarm.Properties.MetricName}`).sort()).toEqual([
      "AWS/States/ExecutionsFailed",
      "AWS/States/ExecutionsTimedOut",
      "IopLifecycle/ReconcilerFailures",
      "IopLifecycle/ReconcilerRepairs",
      "IopLifecycle/WorkflowFailures",
    ]);
    // Aborted executions less the ones the app stopped itself because a newer generation superseded them.
    const [aborted, ...others] = alarms.filter((alarm) => alarm.Properties.Metrics !== undefined);
    expect(others).toEqual([]);
    const metrics: Array<Record<string, any>> = aborted!.Properties.Metrics;
    expect(metrics.find((metric) => metric.Expression !== undefined)).toMatchObject({ Expression: "FILL(aborted, 0) - FILL(superseded, 0)", ReturnData: true });
    expect(metrics.find((metric) => metric.Id === "aborted")!.MetricStat.Metric).toMatchObject({ Namespace: "AWS/States", MetricName: "ExecutionsAborted" });
    expect(metrics.find((metric) => metric.Id === "superseded")!.MetricStat.Metric).toMatchObject({
      Namespace: "IopLifecycle",
      MetricName: "WorkflowExecutionsSuperseded",
      Dimensions: [{ Name: "StateMachine", Value: "test-iop-lifecycle-agreement" }],
    });
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { "Fn::ImportValue": expect.stringMatching(/^test-iop-lifecycle-Alarms:.*AlarmsTopic/) },
      ]);
    }
    for (const name of ["WorkflowFailures", "ReconcilerRepairs", "ReconcilerFailures"]) {
      const alarm = alarms.find((candidate) => candidate.Properties.MetricName === name)!;
      expect(alarm.Properties.Dimensions, name).toEqual([{ Name: "StateMachine", Value: "test-iop-lifecycle-agreement" }]);
      expect(alarm.Properties.Threshold, name).toBe(1);
    }
    // One period per run, so a single repair rings it.
    const repairs = (s: Synthesized) =>
      Object.values(s.templates.workflow.findResources("AWS::CloudWatch::Alarm")).find((alarm) => alarm.Properties.MetricName === "ReconcilerRepairs")!;
    expect(repairs(test).Properties.Period).toBe(900);
    expect(repairs(prod).Properties.Period).toBe(3600);
  });
});

/** Every statement of every policy in `template`: IAM policies, roles' inline policies, bucket and topic policies. */
function allStatements(template: Template): Array<{ logicalId: string; statement: Record<string, any> }> {
  const found: Array<{ logicalId: string; statement: Record<string, any> }> = [];
  for (const type of ["AWS::IAM::Policy", "AWS::IAM::Role", "AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy"]) {
    for (const [logicalId, resource] of Object.entries(template.findResources(type))) {
      const documents = [resource.Properties.PolicyDocument, ...(resource.Properties.Policies ?? []).map((policy: any) => policy.PolicyDocument)];
      for (const document of documents.filter(Boolean)) for (const statement of document.Statement) found.push({ logicalId, statement });
    }
  }
  return found;
}

/**
 * Actions AWS only authorises on resource "*": X-Ray's trace uploads and sampling (Lambda's active tracing and the
 * state machine's), and the log delivery Step Functions sets up for its logging configuration. None reads or writes
 * the app's data.
 */
const CONTROL_PLANE_ACTIONS_ON_ANY_RESOURCE = new Set([
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
]);

describe("every stack", () => {
  const everyTemplate = () =>
    [
      ...[test, prod].flatMap((s) => Object.entries(s.templates).map(([key, template]) => ({ name: `${s.app.stage}/${key}`, template }))),
      { name: "pr-7/email", template: sharedIdentityEmail },
    ];

  it("grants no wildcard action, and a wildcard resource only to the control-plane actions AWS requires it for", () => {
    for (const { name, template } of everyTemplate()) {
      for (const { logicalId, statement } of allStatements(template)) {
        if (statement.Effect !== "Allow") continue;
        const where = `${name} ${logicalId}`;
        // On stages other than prod, CDK's helper that empties the bucket when the stage is removed.
        if (!name.startsWith("prod/") && JSON.stringify(statement.Principal ?? "").includes("CustomS3AutoDeleteObjects")) continue;
        for (const action of actionsOf(statement)) expect(action, where).not.toContain("*");
        const resources = [statement.Resource].flat();
        if (resources.includes("*")) {
          for (const action of actionsOf(statement)) expect(CONTROL_PLANE_ACTIONS_ON_ANY_RESOURCE, `${where} ${action} on *`).toContain(action);
        }
      }
    }
  });

  it("gives every function a log group of its own with a retention, and uses no logRetention custom resource", () => {
    for (const { name, template } of everyTemplate()) {
      template.resourceCountIs("Custom::LogRetention", 0);
      const logGroups = template.findResources("AWS::Logs::LogGroup");
      for (const [logicalId, fn] of Object.entries(template.findResources("AWS::Lambda::Function"))) {
        const logGroup = logGroups[fn.Properties.LoggingConfig?.LogGroup?.Ref];
        expect(logGroup, `${name} ${logicalId}`).toBeDefined();
        expect(logGroup!.Properties.RetentionInDays, `${name} ${logicalId}`).toBeGreaterThan(0);
      }
    }
  });

  it("keeps secret values out of every template, environment and bundle", async () => {
    const artifacts = useProject().paths.artifacts;
    const bundles = [test, prod].flatMap((s) =>
      Object.values(s.stacks).flatMap((stack) =>
        stack.node.findAll().filter((construct) => construct.node.id.endsWith("Function") && construct.node.scope === stack),
      ),
    );
    expect(bundles.length).toBeGreaterThan(0);
    for (const { name, template } of everyTemplate()) {
      const text = JSON.stringify(template.toJSON());
      for (const [variable, value] of Object.entries(LEAKED_IF_FOUND)) expect(text, `${name}: the value of ${variable}`).not.toContain(value);
      // A dynamic reference would put the secret's value into the deployed resource (e.g. an environment variable).
      expect(text, name).not.toMatch(/\{\{resolve:(secretsmanager|ssm-secure):/);
      for (const [logicalId, fn] of Object.entries(template.findResources("AWS::Lambda::Function"))) {
        const variables = Object.keys(fn.Properties.Environment?.Variables ?? {});
        expect(variables.filter((variable) => /SECRET$/.test(variable)), `${name} ${logicalId}`).toEqual([]);
      }
    }
    for (const fn of bundles) {
      const dir = path.join(artifacts, fn.node.addr);
      const { stdout } = await promisify(execFile)("grep", ["-rlF", "-e", LEAKED_IF_FOUND.OIDC_CLIENT_SECRET, "-e", LEAKED_IF_FOUND.CURSOR_SECRET, dir]).catch(
        (error: Error & { code?: number; stdout: string }) => (error.code === 1 ? { stdout: "" } : Promise.reject(error)),
      );
      expect(stdout, fn.node.path).toBe("");
    }
  });

  it("writes each stack's template for review, with a one-line summary per stack", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "iop-synth-"));
    try {
      const lines = await writeTemplates(test.app, dir);
      const stacks = stacksOf(test.app);
      expect(lines).toHaveLength(stacks.length);
      for (const [index, stack] of stacks.entries()) {
        expect(lines[index]).toMatch(new RegExp(`^${stack.stackName}: \\d+ resources \\(.*\\) -> .*${stack.stackName}\\.template\\.json$`));
        const written = JSON.parse(await readFile(path.join(dir, `${stack.stackName}.template.json`), "utf8"));
        expect(written).toEqual(Template.fromStack(stack).toJSON());
      }
      expect(lines.find((line) => line.startsWith("test-iop-lifecycle-Workflow"))).toContain("1 StepFunctions::StateMachine");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
