/**
 * The DynamoDB client the stores run on, in AWS and locally. Its timeouts and retries keep a request to a database
 * that is down or does not answer well inside the API function's 20-second timeout (infra/Api.ts): a connection
 * gets 1 s, an answer 3 s (DynamoDB answers in milliseconds), three attempts in all, so about 10 s at worst, where
 * the SDK by default waits as long as the socket stays open and only warns. What it still cannot reach surfaces as
 * one typed error, StoreUnavailableError, which the API answers as 503 with Retry-After (functions/api/problems.ts)
 * instead of a 500. Its logger is the app's SDK logger (functions/sdk-logger.ts).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { SDK_LOGGER } from "../sdk-logger";
import { StoreUnavailableError } from "./errors";

export const TABLE_CLIENT_SETTINGS = {
  maxAttempts: 3,
  logger: SDK_LOGGER,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
} as const satisfies DynamoDBClientConfig;

/** Node's codes for a connection that failed or broke, and the SDK's for an answer that did not come in time. */
const NETWORK_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** DynamoDB's own answers that mean "not now" rather than "not this". */
const UNAVAILABLE_ERROR_NAMES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
]);

/** Whether an error of the DynamoDB client means the table could not be reached, rather than a refusal of the request. */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata } = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    (code !== undefined && NETWORK_ERROR_CODES.has(code)) ||
    UNAVAILABLE_ERROR_NAMES.has(error.name) ||
    ($metadata?.httpStatusCode !== undefined && $metadata.httpStatusCode >= 500)
  );
}

/** A client with the settings above (`config` adds to them: the endpoint and credentials locally). */
export function createTableClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  const client = new DynamoDBClient({ ...TABLE_CLIENT_SETTINGS, ...config });
  // Outermost, so it sees the error the last retry left.
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw isUnreachable(error) ? new StoreUnavailableError({ cause: error }) : error;
      }
    },
    { step: "initialize", name: "storeUnavailable", priority: "high" },
  );
  return client;
}
