/**
 * Report links: an invitation gives an association contact a random token that opens one report (one agreement,
 * one reporting requirement, one due date) until it expires or staff revoke it. The token itself is never stored,
 * only its SHA-256, so whoever can read the table cannot turn an item back into a working link.
 *
 * Items, written together in one transaction:
 * - `REPORT_LINK#<sha-256 hex>` / `REPORT_LINK`: the link, looked up with one GetItem; removed by DynamoDB's
 *   time-to-live some time after it expires.
 * - `AGREEMENT#<id>` / `INVITATION#<invitationId>`: the same invitation in the agreement's partition, for staff to list.
 * - `REPORT_CONTACT#<sha-256 of the address>` / `<agreementId>#<reportId>`: the contact's access to the report.
 *   It names the newest invitation, and a link works only while its invitation is the one named: issuing a new link
 *   to the same contact for the same report (a fresh-link request, a supplement request, another invitation) ends
 *   the older ones, and revoking deletes the item, which ends every link the contact was ever sent for the report.
 *   It also lists which reports an address was invited to, so a contact can ask for a fresh link without anyone
 *   scanning the table.
 */
import { createHash, randomBytes } from "node:crypto";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { agreementPartition, officerKey, parseItem, type Item, type ItemKey } from "./items";
import { TIME_TO_LIVE_ATTRIBUTE } from "./sessions";
import { queryPartition } from "./query";

/** 32 random bytes in base64url: 43 characters, 256 bits. */
export const REPORT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const LINK_SORT_KEY = "REPORT_LINK";
const INVITATION_PREFIX = "INVITATION#";
/** Expired links are kept this long before DynamoDB may delete them. */
const LINK_RETENTION_SECONDS = 7 * 24 * 3600;

/** What a link opens. */
export interface ReportScope {
  agreementId: string;
  reportId: string;
  requirementId: string;
  dueDate: string;
  /** The association contact the link was sent to (lower case). */
  email: string;
}

export interface Invitation extends ReportScope {
  invitationId: string;
  expiresAt: string;
  createdAt: string;
  /** The staff member who sent it, or "fresh-link request" when the contact asked for it. */
  createdBy: string;
  revokedAt: string | null;
}

/** A report an address was invited to, and the invitation whose link works now. */
export interface ContactAccess extends ReportScope {
  invitationId: string;
}

/** The contact's access changed since it was read (revoked, or a newer link issued): no link was made. */
export class ContactAccessChangedError extends Error {
  override readonly name = "ContactAccessChangedError";
}

export interface ReportLinkStore {
  /**
   * A new link for the scope, which ends every older link of the same contact to the same report; the token goes
   * into the email and nowhere else. With `replaces`, only while that invitation is still the contact's newest.
   * @throws ContactAccessChangedError when `replaces` is no longer the contact's newest invitation
   */
  create(
    scope: ReportScope,
    issue: { now: Date; expiresAt: Date; createdBy: string; replaces?: string },
  ): Promise<{ token: string; invitation: Invitation }>;
  /** The invitation the token opens at `now`; null when it is unknown, expired, revoked or superseded alike. */
  find(token: string, now: Date): Promise<Invitation | null>;
  /** An agreement's invitations, oldest first. */
  list(agreementId: string): Promise<Invitation[]>;
  /**
   * Ends at once every link the invitation's contact was sent for its report, older and newer; null when the
   * agreement has no such invitation. Revoking twice keeps the first time.
   */
  revoke(agreementId: string, invitationId: string, now: Date): Promise<Invitation | null>;
  /** The reports an address was invited to (and not revoked from). */
  reportsOfContact(email: string): Promise<ContactAccess[]>;
}

export interface ReportLinkStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

function linkKey(tokenHash: string): ItemKey {
  return { pk: `REPORT_LINK#${tokenHash}`, sk: LINK_SORT_KEY };
}

function invitationKey(agreementId: string, invitationId: string): ItemKey {
  return { pk: agreementPartition(agreementId), sk: `${INVITATION_PREFIX}${invitationId}` };
}

function contactKey(email: string, agreementId: string, reportId: string): ItemKey {
  return { pk: contactPartition(email), sk: `${agreementId}#${reportId}` };
}

function contactPartition(email: string): string {
  return `REPORT_CONTACT#${sha256(officerKey(email))}`;
}

const scopeShape = {
  agreementId: z.string(),
  reportId: z.string(),
  requirementId: z.string(),
  dueDate: z.string(),
  email: z.string(),
};
const contactAccessSchema = z.object({ ...scopeShape, invitationId: z.string() });
const invitationSchema = z.object({
  ...scopeShape,
  invitationId: z.string(),
  expiresAt: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
});
const storedInvitationSchema = invitationSchema.extend({ tokenHash: z.string(), [TIME_TO_LIVE_ATTRIBUTE]: z.number().optional() });

function invitationOf(item: Item): Invitation {
  const { tokenHash: _hash, [TIME_TO_LIVE_ATTRIBUTE]: _ttl, ...invitation } = parseItem(item, storedInvitationSchema);
  return invitation;
}

export function createReportLinkStore({ client, tableName }: ReportLinkStoreOptions): ReportLinkStore {
  const list = async (agreementId: string): Promise<Invitation[]> =>
    (await queryPartition(client, tableName, agreementPartition(agreementId), INVITATION_PREFIX)).map(invitationOf);

  return {
    async create(scope, { now, expiresAt, createdBy, replaces }) {
      const token = randomBytes(32).toString("base64url");
      const tokenHash = sha256(token);
      const email = officerKey(scope.email);
      // Time first, so an agreement's invitations list in the order they were sent.
      const invitationId = `${now.toISOString().replace(/[-:.]/g, "")}-${randomBytes(4).toString("hex")}`;
      const invitation: Invitation = {
        ...scope,
        email,
        invitationId,
        expiresAt: expiresAt.toISOString(),
        createdAt: now.toISOString(),
        createdBy,
        revokedAt: null,
      };
      const stored = { ...invitation, tokenHash };
      const ttl = Math.floor(expiresAt.getTime() / 1000) + LINK_RETENTION_SECONDS;
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { ...stored, ...linkKey(tokenHash), [TIME_TO_LIVE_ATTRIBUTE]: ttl },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            { Put: { TableName: tableName, Item: { ...stored, ...invitationKey(scope.agreementId, invitationId) }, ConditionExpression: "attribute_not_exists(pk)" } },
            {
              Put: {
                TableName: tableName,
                Item: { ...contactKey(email, scope.agreementId, scope.reportId), ...scope, email, invitationId },
                ...(replaces === undefined
                  ? {}
                  : { ConditionExpression: "invitationId = :replaces", ExpressionAttributeValues: { ":replaces": replaces } }),
              },
            },
          ],
        }),
      ).catch((error: unknown) => {
        throw replaces !== undefined && error instanceof TransactionCanceledException ? new ContactAccessChangedError(undefined, { cause: error }) : error;
      });
      return { token, invitation };
    },

    async find(token, now) {
      if (!REPORT_TOKEN_PATTERN.test(token)) return null;
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { ...linkKey(sha256(token)) }, ConsistentRead: true }));
      if (Item === undefined) return null;
      const invitation = invitationOf(Item);
      if (new Date(invitation.expiresAt).getTime() <= now.getTime()) return null;
      const access = await client.send(
        new GetCommand({ TableName: tableName, Key: { ...contactKey(invitation.email, invitation.agreementId, invitation.reportId) }, ConsistentRead: true }),
      );
      // Revoked (no access item), or a newer link was issued to the contact for the report.
      return access.Item?.invitationId === invitation.invitationId ? invitation : null;
    },

    list,

    async revoke(agreementId, invitationId, now) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { ...invitationKey(agreementId, invitationId) }, ConsistentRead: true }),
      );
      if (Item === undefined) return null;
      const invitation = invitationOf(Item);
      if (invitation.revokedAt !== null) return invitation;
      const revokedAt = now.toISOString();
      // Deleting the access item ends every link of the contact to the report at once (see find).
      await client.send(new DeleteCommand({ TableName: tableName, Key: { ...contactKey(invitation.email, agreementId, invitation.reportId) } }));
      // Then the list staff read says so of each of them; the revoked invitation last, so a retry finds work left.
      const family = (await list(agreementId)).filter(
        (other) => other.reportId === invitation.reportId && other.email === invitation.email && other.revokedAt === null && other.invitationId !== invitationId,
      );
      for (const other of [...family, invitation]) {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { ...invitationKey(agreementId, other.invitationId) },
            UpdateExpression: "SET revokedAt = :revokedAt",
            ConditionExpression: "attribute_type(revokedAt, :null)",
            ExpressionAttributeValues: { ":revokedAt": revokedAt, ":null": "NULL" },
          }),
        ).catch((error: unknown) => {
          // Revoked at the same moment by someone else: their time stands.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
      }
      return { ...invitation, revokedAt };
    },

    async reportsOfContact(email) {
      const output = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": contactPartition(email) },
          ConsistentRead: true,
          // An address is a contact for a handful of reports; more than this is not worth one email.
          Limit: 50,
        }),
      );
      return (output.Items ?? []).map((item) => parseItem(item, contactAccessSchema));
    },
  };
}

