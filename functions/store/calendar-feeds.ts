/**
 * Personal calendar feeds. A feed's URL carries a random secret, which is the only credential a calendar app has;
 * the table keeps the SHA-256 of it, so whoever can read the table cannot turn an item back into a working URL.
 * Each user has at most one feed: creating a new one (rotating) ends the old one in the same transaction.
 *
 * Items: `CALENDAR_FEED#<sha-256 hex>` / `CALENDAR_FEED` names the owner; `CALENDAR_OWNER#<email>` /
 * `CALENDAR_FEED` points at the owner's current feed, so rotating knows which one to end.
 */
import { createHash, randomBytes } from "node:crypto";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { officerKey, parseItem, type ItemKey } from "./items";

export interface CalendarFeedStore {
  /** A new secret for the user's feed; the previous secret stops working at once. */
  rotate(email: string, now: Date): Promise<string>;
  /** The (lower-case) email of the user whose feed the secret opens, or null when it opens none. */
  ownerOf(secret: string): Promise<string | null>;
}

export interface CalendarFeedStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** 32 random bytes in base64url: 43 characters, beyond guessing. */
export const FEED_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const SORT_KEY = "CALENDAR_FEED";
/** Two rotations of the same user at the same moment: one wins, the other tries again on what the winner wrote. */
const MAX_ROTATE_ATTEMPTS = 3;

function hashOf(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function feedKey(secretHash: string): ItemKey {
  return { pk: `CALENDAR_FEED#${secretHash}`, sk: SORT_KEY };
}

function ownerKey(email: string): ItemKey {
  return { pk: `CALENDAR_OWNER#${officerKey(email)}`, sk: SORT_KEY };
}

const feedSchema = z.object({ email: z.string(), createdAt: z.string() });
const ownerSchema = z.object({ secretHash: z.string() });

export function createCalendarFeedStore({ client, tableName }: CalendarFeedStoreOptions): CalendarFeedStore {
  async function read<T>(key: ItemKey, schema: z.ZodType<T>): Promise<T | null> {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { ...key }, ConsistentRead: true }));
    return Item === undefined ? null : parseItem(Item, schema);
  }

  async function rotateOnce(email: string, now: Date): Promise<string> {
    const owner = officerKey(email);
    const previous = await read(ownerKey(owner), ownerSchema);
    const secret = randomBytes(32).toString("base64url");
    const secretHash = hashOf(secret);
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...feedKey(secretHash), email: owner, createdAt: now.toISOString() },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { ...ownerKey(owner), secretHash },
              // Only over the feed this rotation read, so a concurrent rotation's feed is never left orphaned.
              ...(previous === null
                ? { ConditionExpression: "attribute_not_exists(pk)" }
                : {
                    ConditionExpression: "secretHash = :previous",
                    ExpressionAttributeValues: { ":previous": previous.secretHash },
                  }),
            },
          },
          ...(previous === null ? [] : [{ Delete: { TableName: tableName, Key: { ...feedKey(previous.secretHash) } } }]),
        ],
      }),
    );
    return secret;
  }

  return {
    async rotate(email, now) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await rotateOnce(email, now);
        } catch (error) {
          if (!(error instanceof TransactionCanceledException) || attempt >= MAX_ROTATE_ATTEMPTS) throw error;
        }
      }
    },

    async ownerOf(secret) {
      if (!FEED_SECRET_PATTERN.test(secret)) return null;
      return (await read(feedKey(hashOf(secret)), feedSchema))?.email ?? null;
    },
  };
}
