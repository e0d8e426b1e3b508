/**
 * Items the store derives from an agreement and writes right after its transaction rather than in it: an
 * agreement's words, report due dates or addresses could take one transaction past DynamoDB's 100 items. Like an
 * index, they follow the table a moment later. Each carries the agreement version it reflects and is only replaced
 * or deleted by a newer one, so concurrent writers cannot go back. The text index (text-index.ts), the report
 * schedule (report-schedule.ts) and the address links (address-links.ts) are written through here.
 *
 * A table written before a kind of entry existed, or in an older format of it, is filled in once, on start
 * (`fillInUnlessAtFormat`; the status counters, status-counts.ts, through `unlessAtFormat`).
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Agreement } from "../domain/agreement";
import type { Item, ItemKey } from "./items";
import { MAX_PAGE_SIZE, type Page, type PageRequest } from "./paging";

/** Writes `current` (each with `version`) and deletes the items at `lost`; each only over an older version. */
export function derivedEntryWrites(
  client: DynamoDBDocumentClient,
  tableName: string,
  version: number,
  current: readonly Item[],
  lost: readonly ItemKey[],
): Promise<void>[] {
  const fromNewerVersion = {
    ConditionExpression: "attribute_not_exists(#version) OR #version < :version",
    ExpressionAttributeNames: { "#version": "version" },
    ExpressionAttributeValues: { ":version": version },
  };
  const puts = current.map((item) => client.send(new PutCommand({ TableName: tableName, Item: { ...item, version }, ...fromNewerVersion })));
  const deletes = lost.map((key) => client.send(new DeleteCommand({ TableName: tableName, Key: { ...key }, ...fromNewerVersion })));
  return [...puts, ...deletes].map((write) => write.then(() => undefined, ignoreNewerVersion));
}

/** A write that lost to a newer version of the agreement: the newer write already did its job. */
function ignoreNewerVersion(error: unknown): void {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
}

/** The keys of `before` that `after` no longer has. */
export function lostKeys(before: readonly ItemKey[], after: readonly ItemKey[]): ItemKey[] {
  const kept = new Set(after.map(keyText));
  return before.filter((key) => !kept.has(keyText(key)));
}

/** Whether two lists of items have the same keys (and so the same entries, for entries whose key says it all). */
export function sameKeys(a: readonly ItemKey[], b: readonly ItemKey[]): boolean {
  const keys = new Set(a.map(keyText));
  return a.length === b.length && b.every((key) => keys.has(keyText(key)));
}

function keyText(key: ItemKey): string {
  return `${key.pk}\n${key.sk}`;
}

/**
 * Unless the format marker at `marker` names `format`: runs `work`, then records the format, so that work
 * interrupted runs again on the next start. Returns what `work` returned (0 when the table was at the format).
 */
export async function unlessAtFormat(
  { client, tableName }: { client: DynamoDBDocumentClient; tableName: string },
  { marker, format }: { marker: ItemKey; format: number },
  work: () => Promise<number>,
): Promise<number> {
  const recorded = await client.send(new GetCommand({ TableName: tableName, Key: { ...marker }, ConsistentRead: true }));
  if (recorded.Item?.format === format) return 0;
  const done = await work();
  await client.send(new PutCommand({ TableName: tableName, Item: { ...marker, format } }));
  return done;
}

/**
 * Unless the format marker at `marker` names `format`: hands every agreement `listAgreements` gives, a page of 100 at
 * a time, to `fillIn`, then records the format. Returns how many agreements were filled in (0 when the table was at
 * the format).
 */
export function fillInUnlessAtFormat(
  table: { client: DynamoDBDocumentClient; tableName: string },
  format: { marker: ItemKey; format: number },
  listAgreements: (request: PageRequest) => Promise<Page<Agreement>>,
  fillIn: (agreements: Agreement[]) => Promise<void>,
): Promise<number> {
  return unlessAtFormat(table, format, () => forEachPage(listAgreements, fillIn));
}

/** Hands every agreement `listAgreements` gives to `visit`, a page of 100 at a time; resolves with how many there were. */
export async function forEachPage(
  listAgreements: (request: PageRequest) => Promise<Page<Agreement>>,
  visit: (agreements: Agreement[]) => Promise<void> | void,
): Promise<number> {
  let visited = 0;
  let cursor: string | null = null;
  do {
    const page = await listAgreements({ limit: MAX_PAGE_SIZE, cursor });
    await visit(page.items);
    visited += page.items.length;
    cursor = page.cursor;
  } while (cursor !== null);
  return visited;
}
