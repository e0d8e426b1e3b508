// The SDK clients' logger (functions/sdk-logger.ts): with it, the SDK no longer runs its sensitive-data log filter
// over every request and answer; with the SDK's default logger it does, which is what the app saves.
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createDynamoDbClient } from "../../functions/local/dynamodb";
import { agreementKey } from "../../functions/store/items";
import { createTestTable, type TestTable } from "../support/dynamo";

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable();
});

afterAll(async () => {
  await table.dispose();
});

/** How often the SDK filters a GetItem's input and output for its logger, counted by wrapping the filters. */
async function filterCalls(client: DynamoDBClient): Promise<number> {
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => (args) => {
      const count = (filter: ((value: unknown) => unknown) | undefined) => (value: unknown) => (calls++, filter?.(value) ?? value);
      context.inputFilterSensitiveLog = count(context.inputFilterSensitiveLog);
      context.outputFilterSensitiveLog = count(context.outputFilterSensitiveLog);
      return next(args);
    },
    { step: "initialize", name: "countLogFilters", priority: "high" },
  );
  const key = Object.fromEntries(Object.entries(agreementKey("none")).map(([name, value]) => [name, { S: value }]));
  await client.send(new GetItemCommand({ TableName: table.tableName, Key: key }));
  return calls;
}

describe("the AWS SDK clients' logger", () => {
  it("spares every call the SDK's log filter, which the SDK's default logger runs on each", async () => {
    const app = createDynamoDbClient(inject("dynamoDbEndpoint"));
    const sdkDefault = new DynamoDBClient({ endpoint: inject("dynamoDbEndpoint"), region: "eu-north-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    try {
      expect(await filterCalls(sdkDefault)).toBe(2);
      expect(await filterCalls(app)).toBe(0);
    } finally {
      app.destroy();
      sdkDefault.destroy();
    }
  });
});
