import { randomUUID } from "node:crypto";
import { DeleteTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import { createDynamoDbClient } from "../../functions/local/dynamodb";
import { createAgreementStore, type AgreementStore } from "../../functions/store/agreements";
import { ensureTable } from "../../functions/store/table";

/** Signs the paging cursors of test stores. */
export const TEST_CURSOR_SECRET = "test-cursor-secret-of-at-least-thirty-two-bytes";

export interface TestTable {
  tableName: string;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  /** The agreement store on this table. */
  agreements: AgreementStore;
  /** Deletes the table and closes the client. */
  dispose(): Promise<void>;
}

/** A new, empty table with the real key and index layout on the run's shared DynamoDB Local. */
export async function createTestTable(): Promise<TestTable> {
  const client = createDynamoDbClient(inject("dynamoDbEndpoint"));
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  const documentClient = DynamoDBDocumentClient.from(client);
  return {
    tableName,
    client,
    documentClient,
    agreements: createAgreementStore({ client: documentClient, tableName, cursorSecret: TEST_CURSOR_SECRET }),
    async dispose() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
