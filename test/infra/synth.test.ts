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
import { Alarms, Api, Email, registerStacks, Storage } from "../../infra/index";
import { TABLE_DEFINITION, type KeyDefinition } from "../../functions/store/table";

const TEAM_MAILBOX = "iop-team@kommun.example";
const SENDER = "iop-noreply@kommun.example";
const ON_CALL = "on-call@kommun.example";

const savedEnv = { ...process.env };

interface Synthesized {
  app: App;
  stacks: Record<"storage" | "email" | "alarms" | "api", Stack>;
  templates: Record<"storage" | "email" | "alarms" | "api", Template>;
}

async function synthesize(stage: string, env: Record<string, string>): Promise<Synthesized> {
  Object.assign(process.env, env);
  const { config } = useProject();
  const app = new App({ mode: "deploy", stage, name: config.name, region: config.region });
  registerStacks(app);
  await app.finish();
  const stacks = { storage: getStack(Storage), email: getStack(Email), alarms: getStack(Alarms), api: getStack(Api) };
  const templates = {
    storage: Template.fromStack(stacks.storage),
    email: Template.fromStack(stacks.email),
    alarms: Template.fromStack(stacks.alarms),
    api: Template.fromStack(stacks.api),
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
  };
  test = await synthesize("test", { ...required, [CONFIG_VARIABLES.alarmEmail]: "" });
  prod = await synthesize("prod", {
    ...required,
    [CONFIG_VARIABLES.emailIdentity]: "kommun.example",
    [CONFIG_VARIABLES.alarmEmail]: ON_CALL,
    [CONFIG_VARIABLES.appUrl]: "https://iop.kommun.example",
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

describe("Api stack", () => {
  it("runs the API handler on nodejs22.x (arm64) with the table, bucket and mail settings", () => {
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
        },
      },
    });
    expect(apiFunction(prod.templates.api).resource.Properties.Environment.Variables.APP_URL).toBe(
      "https://iop.kommun.example",
    );
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
      env: {
        PATH: process.env.PATH ?? "",
        AWS_REGION: "eu-north-1",
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_SESSION_TOKEN: "session-token",
        TABLE_NAME: "test-iop-lifecycle-Data",
      },
    });
    const { response, seen } = JSON.parse(stdout);
    expect(response.statusCode).toBe(200);
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
});
