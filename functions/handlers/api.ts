/**
 * Lambda entry point of the web app and JSON API (behind the HTTP API's $default route).
 * Builds the clients from the function's environment once per container and hands them to the app.
 */
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { handle } from "hono/aws-lambda";
import { createApp } from "../api/app";

const tableName = requiredEnv("TABLE_NAME");
const dynamoDb = new DynamoDBClient({});

const app = createApp({
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

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
}
