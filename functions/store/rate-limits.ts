/**
 * Fixed-window rate limits, counted in the table: one item per (limit, subject, window) with an atomic counter,
 * removed by DynamoDB's time-to-live after the window. Subjects are hashed, so the table keeps no list of the
 * addresses people typed. One UpdateItem per check, never a Scan.
 */
import { createHash } from "node:crypto";
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TIME_TO_LIVE_ATTRIBUTE } from "./sessions";

export interface RateLimit {
  /** Names the limit in the key, e.g. "fresh-link-address". */
  name: string;
  /** Requests allowed per window. */
  max: number;
  windowSeconds: number;
}

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimitStore {
  /** Counts one request of `subject` against the limit and says whether it is within it. */
  hit(limit: RateLimit, subject: string, now: Date): Promise<RateLimitVerdict>;
}

export function createRateLimitStore({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): RateLimitStore {
  return {
    async hit(limit, subject, now) {
      const windowMs = limit.windowSeconds * 1000;
      const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
      const windowEnd = windowStart + windowMs;
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: {
            pk: `RATE_LIMIT#${limit.name}#${createHash("sha256").update(subject).digest("hex")}`,
            sk: new Date(windowStart).toISOString(),
          },
          UpdateExpression: "ADD #count :one SET #ttl = :ttl",
          ExpressionAttributeNames: { "#count": "count", "#ttl": TIME_TO_LIVE_ATTRIBUTE },
          ExpressionAttributeValues: { ":one": 1, ":ttl": Math.ceil(windowEnd / 1000) },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      const count = Number(Attributes?.count ?? 1);
      if (count <= limit.max) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now.getTime()) / 1000)) };
    },
  };
}
