/**
 * Staff sign-in sessions and the sign-ins in flight that lead to them, kept in the single table.
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

/** What the browser's sign-in needs to remember between leaving for the issuer and coming back. */
export interface SignInAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go after signing in: a path on this site. */
  returnTo: string;
  expiresAt: Date;
}

export interface SessionStore {
  /** Starts a session; the token goes into the cookie and is not stored. */
  create(user: SessionUser, lifetime: { now: Date; expiresAt: Date }): Promise<{ token: string; session: Session }>;
  /** The session the token opens, or null when there is none or it has expired. */
  find(token: string, now: Date): Promise<Session | null>;
  /** Ends the session; ending one that does not exist is not an error. */
  delete(token: string): Promise<void>;
  /** Remembers a sign-in in flight under a new token (for a short-lived cookie). */
  saveSignInAttempt(attempt: SignInAttempt): Promise<string>;
  /** The sign-in attempt, removed in the same request so it can be completed only once; null if missing or expired. */
  takeSignInAttempt(token: string, now: Date): Promise<SignInAttempt | null>;
}

export interface SessionStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

const SESSION_PARTITION = "SESSION#";
const SESSION_SORT_KEY = "SESSION";
const SIGN_IN_PARTITION = "SIGNIN#";
const SIGN_IN_SORT_KEY = "SIGNIN";
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

const signInAttemptSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(1),
  returnTo: z.string().min(1),
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

    async saveSignInAttempt(attempt) {
      const token = newToken();
      const { expiresAt, ...rest } = attempt;
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...signInKey(token), ...rest, ...expiryAttributes(expiresAt) },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return token;
    },

    async takeSignInAttempt(token, now) {
      const { Attributes } = await client.send(
        new DeleteCommand({ TableName: tableName, Key: signInKey(token), ReturnValues: "ALL_OLD" }),
      );
      if (Attributes === undefined) return null;
      const { [TIME_TO_LIVE_ATTRIBUTE]: _ttl, ...stored } = parseItem(Attributes, signInAttemptSchema);
      const attempt: SignInAttempt = { ...stored, expiresAt: new Date(stored.expiresAt) };
      return attempt.expiresAt > now ? attempt : null;
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

function signInKey(token: string): ItemKey {
  return { pk: `${SIGN_IN_PARTITION}${hashOf(token)}`, sk: SIGN_IN_SORT_KEY };
}

function expiryAttributes(expiresAt: Date): Item {
  return { expiresAt: expiresAt.toISOString(), [TIME_TO_LIVE_ATTRIBUTE]: Math.ceil(expiresAt.getTime() / 1000) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
