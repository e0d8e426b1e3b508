import { randomUUID } from "node:crypto";
import { DeleteTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import { createDynamoDbClient } from "../../functions/local/dynamodb";
import { ensureTable } from "../../functions/store/table";

export interface TestTable {
  tableName: string;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  /** Deletes the table and closes the client. */
  dispose(): Promise<void>;
}

/** A new, empty table with the real key and index layout on the run's shared DynamoDB Local. */
export async function createTestTable(): Promise<TestTable> {
  const client = createDynamoDbClient(inject("dynamoDbEndpoint"));
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return {
    tableName,
    client,
    documentClient: DynamoDBDocumentClient.from(client),
    async dispose() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
