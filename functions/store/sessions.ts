/**
 * Staff sign-in sessions, kept in the single table. (A sign-in in flight lives in the browser's sealed cookie,
 * functions/api/auth/sign-in-state.ts, so that starting one stores nothing.)
 *
 * The browser holds only a random token; items are stored under the SHA-256 of it, so whoever can read the table
 * cannot turn an item back into a working cookie. Deleting the item ends the session at once (sign-out,
 * revocation). Expired items are refused on read and removed by DynamoDB's time-to-live on the `ttl` attribute.
 */
import { createHash, randomBytes } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { parseItem, type Item, type ItemKey } from "./items";

/** The attribute DynamoDB's time-to-live deletes expired items by (seconds since the epoch). */
export const TIME_TO_LIVE_ATTRIBUTE = "ttl";

export interface SessionUser {
  /** The issuer's subject identifier. */
  subject: string;
  email: string;
  name?: string;
  /** Role names as the application knows them, decided at sign-in. */
  roles: string[];
}

export interface Session extends SessionUser {
  /** Sent back by the browser with every state-changing request; proves the request came from our own pages. */
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface SessionStore {
  /** Starts a session; the token goes into the cookie and is not stored. */
  create(user: SessionUser, lifetime: { now: Date; expiresAt: Date }): Promise<{ token: string; session: Session }>;
  /** The session the token opens, or null when there is none or it has expired. */
  find(token: string, now: Date): Promise<Session | null>;
  /** Ends the session; ending one that does not exist is not an error. */
  delete(token: string): Promise<void>;
}

export interface SessionStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

const SESSION_PARTITION = "SESSION#";
const SESSION_SORT_KEY = "SESSION";
const TOKEN_BYTES = 32;

const sessionSchema = z.object({
  subject: z.string().min(1),
  email: z.string().min(1),
  name: z.string().optional(),
  roles: z.array(z.string()),
  csrfToken: z.string().min(1),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  [TIME_TO_LIVE_ATTRIBUTE]: z.number().int(),
});

export function createSessionStore({ client, tableName }: SessionStoreOptions): SessionStore {
  return {
    async create(user, { now, expiresAt }) {
      const token = newToken();
      const session: Session = { ...user, csrfToken: newToken(), createdAt: now, expiresAt };
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...sessionKey(token),
            ...withoutUndefined(user),
            csrfToken: session.csrfToken,
            createdAt: now.toISOString(),
            ...expiryAttributes(expiresAt),
          },
          // A 256-bit random token never repeats; the condition makes sure a session is never silently replaced.
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return { token, session };
    },

    async find(token, now) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: sessionKey(token), ConsistentRead: true }),
      );
      if (Item === undefined) return null;
      const { [TIME_TO_LIVE_ATTRIBUTE]: _ttl, ...stored } = parseItem(Item, sessionSchema);
      const expiresAt = new Date(stored.expiresAt);
      return expiresAt > now ? { ...stored, createdAt: new Date(stored.createdAt), expiresAt } : null;
    },

    async delete(token) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: sessionKey(token) }));
    },
  };
}

function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

function sessionKey(token: string): ItemKey {
  return { pk: `${SESSION_PARTITION}${hashOf(token)}`, sk: SESSION_SORT_KEY };
}

function expiryAttributes(expiresAt: Date): Item {
  return { expiresAt: expiresAt.toISOString(), [TIME_TO_LIVE_ATTRIBUTE]: Math.ceil(expiresAt.getTime() / 1000) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
