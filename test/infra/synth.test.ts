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
import { Match, Template } from "aws-cdk-lib/assertions";
import { App, getStack, type Stack } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ENTRY, API_HANDLER, deployedEsbuildOptions, nodejsBundling, sstEsbuild } from "../../infra/bundling";
import { CONFIG_VARIABLES } from "../../infra/config";
import { DEV_TOKEN_PATH } from "../../functions/api/dev-token";
import { Alarms, Api, Email, registerStacks, Storage, Workflow } from "../../infra/index";
import { WORKFLOW_DEFINITION_FILE, WORKFLOW_HANDLERS } from "../../infra/Workflow";
import { TASK_FUNCTIONS } from "../../functions/workflow/definition";
import { TIME_TO_LIVE_ATTRIBUTE } from "../../functions/store/sessions";
import { TABLE_DEFINITION, type KeyDefinition } from "../../functions/store/table";
import { DOCS_ASSET_FILES, LAMBDA_DOCS_ASSETS_DIR } from "../../functions/api/routes/docs";

const TEAM_MAILBOX = "iop-team@kommun.example";
const SENDER = "iop-noreply@kommun.example";
const ON_CALL = "on-call@kommun.example";
const ISSUER = "https://login.kommun.example/realms/staff";

const savedEnv = { ...process.env };

interface Synthesized {
  app: App;
  stacks: Record<"storage" | "email" | "alarms" | "api" | "workflow", Stack>;
  templates: Record<"storage" | "email" | "alarms" | "api" | "workflow", Template>;
}

async function synthesize(stage: string, env: Record<string, string>): Promise<Synthesized> {
  Object.assign(process.env, env);
  const { config } = useProject();
  const app = new App({ mode: "deploy", stage, name: config.name, region: config.region });
  registerStacks(app);
  await app.finish();
  const stacks = {
    storage: getStack(Storage),
    email: getStack(Email),
    alarms: getStack(Alarms),
    api: getStack(Api),
    workflow: getStack(Workflow),
  };
  const templates = {
    storage: Template.fromStack(stacks.storage),
    email: Template.fromStack(stacks.email),
    alarms: Template.fromStack(stacks.alarms),
    api: Template.fromStack(stacks.api),
    workflow: Template.fromStack(stacks.workflow),
  };
  return { app, stacks, templates };
}

function only(template: Template, type: string): { logicalId: string; resource: Record<string, any> } {
  const found = Object.entries(template.findResources(type));
  expect(found, `exactly one ${type}`).toHaveLength(1);
  const [logicalId, resource] = found[0]!;
  return { logicalId, resource };
}

function apiFunction(template: Template): { logicalId: string; resource: Record<string, any> } {
  const found = Object.entries(
    template.findResources("AWS::Lambda::Function", { Properties: { Handler: API_HANDLER } }),
  );
  expect(found, "one function with the API handler").toHaveLength(1);
  const [logicalId, resource] = found[0]!;
  return { logicalId, resource };
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

let test: Synthesized;
let prod: Synthesized;

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
  test = await synthesize("test", { ...required, [CONFIG_VARIABLES.alarmEmail]: "" });
  prod = await synthesize("prod", {
    ...required,
    [CONFIG_VARIABLES.emailIdentity]: "kommun.example",
    [CONFIG_VARIABLES.alarmEmail]: ON_CALL,
    [CONFIG_VARIABLES.appUrl]: "https://iop.kommun.example",
    [CONFIG_VARIABLES.oidcRolesClaim]: "realm_access.roles",
    [CONFIG_VARIABLES.oidcRoleMap]: "iop-admin=admin",
  });
});

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
      const logGroups = Object.values(s.templates.api.findResources("AWS::Logs::LogGroup"));
      expect(logGroups).toHaveLength(2); // function logs and HTTP API access logs
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
    CURSOR_SECRET: "a-generated-secret-of-sixty-four-characters-0123456789abcdefghij",
    SIGN_IN_SECRET: "another-generated-secret-of-sixty-four-characters-0123456789abcd",
    ATTACHMENTS_BUCKET: "test-iop-lifecycle-attachments",
    EMAIL_SENDER: SENDER,
    TEAM_MAILBOX,
    WORKFLOW_STATE_MACHINE_ARN: "arn:aws:states:eu-north-1:123456789012:stateMachine:test-iop-lifecycle-agreement",
  };
}

describe("Api stack", () => {
  it("runs the API handler on nodejs22.x (arm64) with the table, bucket, mail and sign-in settings", () => {
    const props = apiFunction(test.templates.api).resource.Properties;
    expect(props.Runtime).toBe("nodejs22.x");
    expect(props.Architectures).toEqual(["arm64"]);
    expect(props.Timeout).toBeLessThan(30); // below the HTTP API's integration timeout
    const importFromStorage = (what: string) => ({
      "Fn::ImportValue": Match.stringLikeRegexp(`^test-iop-lifecycle-Storage:.*${what}`),
    });
    test.templates.api.hasResourceProperties("AWS::Lambda::Function", {
      Handler: API_HANDLER,
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
    // Settings left out are left to the app's defaults rather than set empty.
    expect(Object.keys(props.Environment.Variables)).not.toContain("OIDC_ROLES_CLAIM");
    const prodVariables = apiFunction(prod.templates.api).resource.Properties.Environment.Variables;
    expect(prodVariables).toMatchObject({
      APP_URL: "https://iop.kommun.example",
      OIDC_ROLES_CLAIM: "realm_access.roles",
      OIDC_ROLE_MAP: "iop-admin=admin",
    });
  });

  it("lets the function read and write the table and its indexes, the attachments, and send as the sender", () => {
    const { resource } = apiFunction(test.templates.api);
    const role = resource.Properties.Role["Fn::GetAtt"][0] as string;
    const statements = statementsOf(test.templates.api, role);
    const granting = (action: string) =>
      statements.filter((statement) => statement.Effect === "Allow" && actionsOf(statement).includes(action));

    // Transactions are authorised item by item (Put/Update/Delete/ConditionCheck); there is no Transact* action.
    const dynamo = granting("dynamodb:ConditionCheckItem");
    expect(dynamo).toHaveLength(1);
    for (const action of ["GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem"].map((a) => `dynamodb:${a}`)) {
      expect(actionsOf(dynamo[0]!)).toContain(action);
    }
    expect(JSON.stringify(dynamo[0]!.Resource)).toMatch(/DataTable.*\/index\/\*/);
    expect(actionsOf(dynamo[0]!)).not.toContain("dynamodb:DeleteTable");

    expect(JSON.stringify(granting("s3:PutObject").map((s) => s.Resource))).toContain("AttachmentsBucket");
    expect(JSON.stringify(granting("s3:GetObject*").map((s) => s.Resource))).toContain("AttachmentsBucket");
    const ses = granting("ses:SendEmail");
    expect(ses).toHaveLength(1);
    expect(JSON.stringify(ses[0]!.Resource)).toMatch(
      /:ses:eu-north-1:.*:identity\/.*test-iop-lifecycle-Email:.*Sender/,
    );
  });

  it("routes every request of an HTTP API to the function", () => {
    const { logicalId } = apiFunction(test.templates.api);
    expect(only(test.templates.api, "AWS::ApiGatewayV2::Api").resource.Properties.ProtocolType).toBe("HTTP");
    const route = only(test.templates.api, "AWS::ApiGatewayV2::Route").resource.Properties;
    expect(route.RouteKey).toBe("$default");
    const integration = only(test.templates.api, "AWS::ApiGatewayV2::Integration").resource.Properties;
    expect(integration).toMatchObject({ IntegrationType: "AWS_PROXY", PayloadFormatVersion: "2.0" });
    expect(integration.IntegrationUri).toEqual({ "Fn::GetAtt": [logicalId, "Arn"] });
  });

  it("throttles the whole API at its default stage", () => {
    const stage = only(test.templates.api, "AWS::ApiGatewayV2::Stage").resource.Properties;
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });

  it("alarms on function errors and 5xx answers through the alarm topic", () => {
    const alarms = Object.values(test.templates.api.findResources("AWS::CloudWatch::Alarm"));
    expect(alarms.map((alarm) => alarm.Properties.MetricName).sort()).toEqual(["5xx", "Errors"]);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { "Fn::ImportValue": expect.stringMatching(/^test-iop-lifecycle-Alarms:.*AlarmsTopic/) },
      ]);
    }
  });

  it("deploys a minified ESM bundle identical to the one scripts/bench.ts measures", async () => {
    const fn = test.stacks.api.node.findChild("ApiFunction");
    const deployed = path.join(useProject().paths.artifacts, fn.node.addr, "functions/handlers/api.mjs");
    const deployedBytes = await readFile(deployed);

    const dir = await mkdtemp(path.join(tmpdir(), "iop-bundle-"));
    try {
      const esbuild = await sstEsbuild();
      const outfile = path.join(dir, "functions/handlers/api.mjs");
      await esbuild.build(deployedEsbuildOptions(useProject().paths.root, API_ENTRY, outfile));
      const benchBytes = await readFile(outfile);
      expect(benchBytes.equals(deployedBytes), "bench bundle differs from the deployed one").toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // The bench builds with these options, so they are the deployed ones: minified ESM for Node 22.
    expect(nodejsBundling(useProject().paths.root)).toMatchObject({
      format: "esm",
      minify: true,
      esbuild: { target: "node22" },
    });
    const text = deployedBytes.toString("utf8");
    expect(text).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    // Only the Lambda-environment credential provider is bundled, not the SDK's SSO/ini/STS chain.
    expect(text).toContain("not running in AWS Lambda?");
    expect(text).not.toContain("defaultProvider::fromSSO");
    // Development-only sign-in helpers stay out of the deployed function.
    expect(text).not.toContain(DEV_TOKEN_PATH);
    expect(text).not.toContain("oidc-provider");
  });

  it("runs the deployed bundle as Lambda does: HTTP API event in, DynamoDB signed with the role's keys", async () => {
    const fn = test.stacks.api.node.findChild("ApiFunction");
    const bundle = path.join(useProject().paths.artifacts, fn.node.addr, "functions/handlers/api.mjs");
    // A stand-in DynamoDB endpoint answers DescribeTable and reports how the request was signed.
    const script = `
      import http from "node:http";
      const seen = [];
      const server = http.createServer((request, response) => {
        seen.push({ target: request.headers["x-amz-target"], authorization: request.headers.authorization });
        request.resume().on("end", () => {
          response.setHeader("content-type", "application/x-amz-json-1.0");
          response.end(JSON.stringify({ Table: { TableName: process.env.TABLE_NAME, TableStatus: "ACTIVE" } }));
        });
      });
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      process.env.AWS_ENDPOINT_URL_DYNAMODB = "http://127.0.0.1:" + server.address().port;
      const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const http2 = {
        method: "GET", path: "/api/health", protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test",
      };
      const response = await handler({
        version: "2.0", routeKey: "$default", rawPath: "/api/health", rawQueryString: "", isBase64Encoded: false,
        headers: { host: "abc123.execute-api.eu-north-1.amazonaws.com" },
        requestContext: { http: http2, domainName: "abc123.execute-api.eu-north-1.amazonaws.com", requestId: "r1",
          routeKey: "$default", stage: "$default", timeEpoch: 0 },
      });
      server.close();
      process.stdout.write(JSON.stringify({ response, seen }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: lambdaEnvironment(),
    });
    const [logLine, result] = stdout.trim().split("\n");
    const { response, seen } = JSON.parse(result!);
    // The app logs each request as a JSON line on stdout, which Lambda sends to CloudWatch Logs.
    expect(JSON.parse(logLine!)).toMatchObject({ level: "info", method: "GET", path: "/api/health", status: 200, requestId: expect.any(String) });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["strict-transport-security"]).toMatch(/^max-age=\d+/);
    expect(JSON.parse(response.body)).toMatchObject({ status: "ok", components: { dynamodb: { ok: true } } });
    expect(seen).toEqual([
      {
        target: "DynamoDB_20120810.DescribeTable",
        authorization: expect.stringMatching(
          /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-north-1\/dynamodb\//,
        ),
      },
    ]);
  });

  it("gives the function a cursor secret and a sign-in secret, each generated for the stage", () => {
    const secrets = Object.entries(test.templates.api.findResources("AWS::SecretsManager::Secret"));
    expect(secrets).toHaveLength(2);
    const variables = apiFunction(test.templates.api).resource.Properties.Environment.Variables;
    for (const [variable, secretId] of [["CURSOR_SECRET", "CursorSecret"], ["SIGN_IN_SECRET", "SignInSecret"]] as const) {
      const [logicalId, secret] = secrets.find(([id]) => id.startsWith(secretId)) ?? [];
      expect(secret?.Properties.GenerateSecretString, variable).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
      expect(JSON.stringify(variables[variable])).toContain(`{{resolve:secretsmanager:`);
      expect(JSON.stringify(variables[variable])).toContain(logicalId);
    }
  });

  it("serves /api/docs from Swagger UI's files, copied next to the deployed bundle", async () => {
    const fn = test.stacks.api.node.findChild("ApiFunction");
    const artifact = path.join(useProject().paths.artifacts, fn.node.addr);
    for (const file of DOCS_ASSET_FILES) {
      const copied = await readFile(path.join(artifact, LAMBDA_DOCS_ASSETS_DIR, file));
      expect(copied.equals(await readFile(path.join(useProject().paths.root, "node_modules/swagger-ui-dist", file))), file).toBe(true);
    }
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(artifact, "functions/handlers/api.mjs")).href)});
      const call = (rawPath) => handler({
        version: "2.0", routeKey: "$default", rawPath, rawQueryString: "", isBase64Encoded: false,
        headers: { host: "localhost" },
        requestContext: { http: { method: "GET", path: rawPath, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test" },
          domainName: "localhost", requestId: "r1", routeKey: "$default", stage: "$default", timeEpoch: 0 },
      });
      const page = await call("/api/docs");
      const styles = await call(/href="([^"]+swagger-ui\\.css)"/.exec(page.body)[1]);
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
      return statementsOf(test.templates.workflow, role).flatMap(actionsOf);
    };
    expect(actionsOfTask("CatchUp")).toContain("ses:SendEmail");
    expect(actionsOfTask("ContinueAsNew")).toContain("states:StartExecution");
    expect(actionsOfTask("AwaitDecision")).toContain("states:SendTaskSuccess");
    for (const task of TASK_FUNCTIONS) expect(actionsOfTask(task), task).toContain("dynamodb:ConditionCheckItem");
    expect(actionsOfTask("RecordFailure")).not.toContain("ses:SendEmail");
    expect(actionsOfTask("CatchUp")).not.toContain("states:StartExecution");
  });

  it("gives the API function the state machine's ARN and the rights to drive executions and complete callbacks", () => {
    const { resource } = apiFunction(test.templates.api);
    expect(JSON.stringify(resource.Properties.Environment.Variables.WORKFLOW_STATE_MACHINE_ARN)).toContain(":stateMachine:test-iop-lifecycle-agreement");
    const statements = statementsOf(test.templates.api, resource.Properties.Role["Fn::GetAtt"][0]);
    const resourcesFor = (action: string) =>
      JSON.stringify(statements.filter((statement) => actionsOf(statement).includes(action)).map((statement) => statement.Resource));
    expect(resourcesFor("states:SendTaskSuccess")).toContain(":stateMachine:test-iop-lifecycle-agreement");
    expect(resourcesFor("states:StartExecution")).toContain(":stateMachine:test-iop-lifecycle-agreement");
    expect(resourcesFor("states:StopExecution")).toContain(":execution:test-iop-lifecycle-agreement:*");
    expect(resourcesFor("states:DescribeExecution")).toContain(":execution:test-iop-lifecycle-agreement:*");
    // By name, not by reference: the Api stack does not depend on the Workflow stack.
    expect(JSON.stringify(test.templates.api.toJSON())).not.toContain("test-iop-lifecycle-Workflow");
  });

  it("runs the deployed RecordFailure bundle as Lambda does: failure recorded in the table, metric line on stdout", async () => {
    const fn = test.stacks.workflow.node.findChild("RecordFailureFunction");
    const bundle = path.join(useProject().paths.artifacts, fn.node.addr, "functions/handlers/workflow-record-failure.mjs");
    // A stand-in DynamoDB endpoint accepts the UpdateItem and reports what it was asked.
    const script = `
      import http from "node:http";
      const seen = [];
      const server = http.createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => (body += chunk)).on("end", () => {
          seen.push({ target: request.headers["x-amz-target"], key: JSON.parse(body).Key });
          response.setHeader("content-type", "application/x-amz-json-1.0");
          response.end("{}");
        });
      });
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      process.env.AWS_ENDPOINT_URL_DYNAMODB = "http://127.0.0.1:" + server.address().port;
      const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      await handler({ agreementId: "agr-1", generation: 2, error: "ReminderNotSentError", cause: "SES is down" });
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
    const [metricLine, result] = stdout.trim().split("\n");
    expect(JSON.parse(metricLine!)).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: "IopLifecycle", Dimensions: [["StateMachine"]], Metrics: [{ Name: "WorkflowFailures", Unit: "Count" }] }] },
      StateMachine: "test-iop-lifecycle-agreement",
      WorkflowFailures: 1,
      agreementId: "agr-1",
    });
    expect(JSON.parse(result!).seen).toEqual([
      { target: "DynamoDB_20120810.UpdateItem", key: { pk: { S: "AGREEMENT#agr-1" }, sk: { S: "WORKFLOW" } } },
    ]);
  });

  it("alarms through the alarm topic on recorded failures and on failed executions", () => {
    const alarms = Object.values(test.templates.workflow.findResources("AWS::CloudWatch::Alarm"));
    expect(alarms.map((alarm) => `${alarm.Properties.Namespace}/${alarm.Properties.MetricName}`).sort()).toEqual([
      "AWS/States/ExecutionsFailed",
      "IopLifecycle/WorkflowFailures",
    ]);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { "Fn::ImportValue": expect.stringMatching(/^test-iop-lifecycle-Alarms:.*AlarmsTopic/) },
      ]);
    }
    const failures = alarms.find((alarm) => alarm.Properties.MetricName === "WorkflowFailures")!;
    expect(failures.Properties.Dimensions).toEqual([{ Name: "StateMachine", Value: "test-iop-lifecycle-agreement" }]);
  });
});
