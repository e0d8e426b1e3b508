/**
 * Fresh-link requests waiting to be sent. Asking for a fresh report link only records the request here (one
 * PutItem, whatever the address), so the answer does the same work for a known and an unknown address; the links
 * are looked up and emailed after the answer (functions/app/report-links.ts), and by the reconciler for anything a
 * request left. One small partition: items live until taken, or a day at most (DynamoDB's time-to-live).
 */
import { randomBytes } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { LANGUAGES } from "../email/reminder-message";
import { parseItem, type ItemKey } from "./items";
import { TIME_TO_LIVE_ATTRIBUTE } from "./sessions";

const PARTITION = "FRESH_LINK_REQUESTS";
/** A request not sent within a day is dropped: whoever asked has asked again, or no longer waits. */
const RETENTION_SECONDS = 24 * 3600;

export const freshLinkRequestSchema = z.object({
  requestId: z.string(),
  email: z.string(),
  language: z.enum(LANGUAGES).optional(),
  at: z.iso.datetime(),
});
export type FreshLinkRequest = z.infer<typeof freshLinkRequestSchema>;

function requestKey(requestId: string): ItemKey {
  return { pk: PARTITION, sk: requestId };
}

export interface FreshLinkRequestStore {
  add(request: Omit<FreshLinkRequest, "requestId">): Promise<void>;
  /** Requests not yet taken, oldest first, at most `limit`. */
  pending(limit: number): Promise<FreshLinkRequest[]>;
  /** Takes a request to send it: true for the one caller that removed it, false when another took it first. */
  take(request: FreshLinkRequest): Promise<boolean>;
}

export function createFreshLinkRequestStore({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): FreshLinkRequestStore {
  return {
    async add(request) {
      // Time first, so the oldest requests are sent first.
      const requestId = `${request.at}#${randomBytes(4).toString("hex")}`;
      const expires = Math.floor(new Date(request.at).getTime() / 1000) + RETENTION_SECONDS;
      await client.send(
        new PutCommand({ TableName: tableName, Item: { ...requestKey(requestId), ...request, requestId, [TIME_TO_LIVE_ATTRIBUTE]: expires } }),
      );
    },
    async pending(limit) {
      const output = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "pk = :partition",
          ExpressionAttributeValues: { ":partition": PARTITION },
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      return (output.Items ?? []).map((item) => parseItem(item, freshLinkRequestSchema));
    },
    async take(request) {
      try {
        await client.send(new DeleteCommand({ TableName: tableName, Key: { ...requestKey(request.requestId) }, ConditionExpression: "attribute_exists(pk)" }));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
