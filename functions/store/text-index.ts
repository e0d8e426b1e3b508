/**
 * Keeps the text index (search.ts says what it holds) in line with agreements just written. It is written after
 * the transaction rather than in it, as derived-entries.ts explains. When an agreement's words change, all of its text
 * items are written again, which also repairs any left behind by a process that stopped between the two writes.
 *
 * A table kept from a version with another index format is rebuilt once, on start (`rebuildTextIndexIfOutdated`).
 */
import { DeleteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Agreement } from "../domain/agreement";
import type { Change } from "../domain/lifecycle";
import { derivedEntryWrites, fillInUnlessAtFormat } from "./derived-entries";
import type { Page, PageRequest } from "./paging";
import { firstFormatTextKeys, sameTextIndexEntries, textIndexEntries, textItem, textKey } from "./search";

/** The format the text index items are in; a table whose marker names another is rebuilt. */
export const TEXT_INDEX_FORMAT = 2;
const FORMAT_MARKER = { pk: "TEXT_INDEX", sk: "FORMAT" } as const;

export async function syncTextIndex(client: DynamoDBDocumentClient, tableName: string, changes: readonly Change[]): Promise<void> {
  const writes = changes.flatMap(({ before, after }) => {
    const previous = before === null ? new Map<string, number>() : textIndexEntries(before);
    const current = textIndexEntries(after);
    if (sameTextIndexEntries(previous, current)) return [];
    return entryWrites(client, tableName, after, [...previous.keys()].filter((word) => !current.has(word)));
  });
  await Promise.all(writes);
}

/** Writes every entry of the agreement, and deletes those of `wordsLeft`; each only over an older version. */
function entryWrites(client: DynamoDBDocumentClient, tableName: string, agreement: Agreement, wordsLeft: readonly string[]): Promise<void>[] {
  const entries = [...textIndexEntries(agreement)].map(([word, shared]) => textItem(word, agreement.id, shared, agreement.version));
  return derivedEntryWrites(client, tableName, agreement.version, entries, wordsLeft.map((word) => textKey(word, agreement.id)));
}

/**
 * Rebuilds the text index when the table's items are in another format than this code's (a data directory kept
 * from an older version): writes every agreement's entries, removes its items of the first format, then records
 * the format. Interrupted, it runs again on the next start. Returns how many agreements were indexed.
 */
export async function rebuildTextIndexIfOutdated(
  client: DynamoDBDocumentClient,
  tableName: string,
  listAgreements: (request: PageRequest) => Promise<Page<Agreement>>,
): Promise<number> {
  return fillInUnlessAtFormat({ client, tableName }, { marker: FORMAT_MARKER, format: TEXT_INDEX_FORMAT }, listAgreements, async (agreements) => {
    await Promise.all(
      agreements.flatMap((agreement) => [
        ...entryWrites(client, tableName, agreement, []),
        ...firstFormatTextKeys(agreement).map(async (key) => {
          await client.send(new DeleteCommand({ TableName: tableName, Key: { ...key } }));
        }),
      ]),
    );
  });
}
