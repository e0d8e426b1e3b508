// One in-memory DynamoDB Local for the whole test run; each test file makes its own tables on it
// (test/support/dynamo.ts), so files run in parallel without seeing each other's data.
import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "../functions/local/dynamodb";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamoDb = await startDynamoDbLocal({ dataDir: null });
  project.provide("dynamoDbEndpoint", dynamoDb.endpoint);
  return () => dynamoDb.stop();
}
