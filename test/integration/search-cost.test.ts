// What a text search reads, on DynamoDB Local: the items read for a search grow with the agreements it finds, not
// with the agreements stored, and the first page holds every match that fits. Counted through the store's own
// client (items read by Query, GetItem and BatchGetItem), at two table sizes: a count, not a time.
import { randomUUID } from "node:crypto";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import { createApplication } from "../../functions/app/application";
import { createDraft } from "../../functions/domain/lifecycle";
import { createDynamoDbClient } from "../../functions/local/dynamodb";
import { createAgreementStore, type AgreementStore } from "../../functions/store/agreements";
import { firstFormatTextKeys, textIndexEntries, textKey } from "../../functions/store/search";
import { ensureTable } from "../../functions/store/table";
import { rebuildTextIndexIfOutdated } from "../../functions/store/text-index";
import { editor, mammaUnitedContent } from "../support/agreements";
import { appDependenciesForTests } from "../support/api";
import { TEST_CURSOR_SECRET, type TestTable } from "../support/dynamo";

const NOW = new Date("2026-03-01T10:00:00Z");
const viewer: StaffPrincipal = { subject: "viewer", email: "viewer@vasteras.se", roles: ["viewer"], via: "bearer" };
const MATCHES = 10;

interface CountedTable extends TestTable {
  /** Items DynamoDB returned to reads since the last call. */
  takeItemsRead(): number;
}

const tables: CountedTable[] = [];
afterAll(async () => {
  for (const table of tables) await table.dispose();
});

/** A fresh table whose client counts every item a read returns. */
async function countedTable(): Promise<CountedTable> {
  const client = createDynamoDbClient(inject("dynamoDbEndpoint"));
  let itemsRead = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { Items?: unknown[]; Item?: unknown; Responses?: Record<string, unknown[]> };
      itemsRead += (output.Items?.length ?? 0) + (output.Item === undefined ? 0 : 1);
      itemsRead += Object.values(output.Responses ?? {}).reduce((sum, items) => sum + (Array.isArray(items) ? items.length : 0), 0);
      return result;
    },
    { step: "initialize", name: "countItemsRead" },
  );
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  const documentClient = DynamoDBDocumentClient.from(client);
  const table: CountedTable = {
    tableName,
    client,
    documentClient,
    agreements: createAgreementStore({ client: documentClient, tableName, cursorSecret: TEST_CURSOR_SECRET }),
    takeItemsRead() {
      const taken = itemsRead;
      itemsRead = 0;
      return taken;
    },
    async dispose() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
  tables.push(table);
  return table;
}

async function store(agreements: AgreementStore, id: string, title: string): Promise<void> {
  const created = createDraft(id, { ...mammaUnitedContent(), title }, editor, NOW);
  if (!created.ok) throw new Error(created.error.message);
  await agreements.applyChanges(created.changes);
}

/**
 * `total` agreements whose words all share the bucket "ma" (Matlagning i Malmö, Mamma United), `MATCHES` of them
 * with "Mattelyft" in the title; those sort after all the others by id, so a search reading the bucket in id order
 * would come to them last.
 */
async function tableOf(total: number): Promise<CountedTable> {
  const table = await countedTable();
  const titles = Array.from({ length: total }, (_, index) =>
    index < total - MATCHES ? ([`a-${index}`, `Matlagning i Malmö ${index}`] as const) : ([`z-${index}`, `Mattelyft i Malmö ${index}`] as const),
  );
  for (let offset = 0; offset < titles.length; offset += 20) {
    await Promise.all(titles.slice(offset, offset + 20).map(([id, title]) => store(table.agreements, id, title)));
  }
  return table;
}

describe("a text search's cost", () => {
  it("reads as many items for 10 matches among 160 agreements as among 20, and the first page holds all 10", { timeout: 240_000 }, async () => {
    const reads = [];
    for (const total of [20, 160]) {
      const table = await tableOf(total);
      const app = createApplication(appDependenciesForTests(table).ports);
      table.takeItemsRead();

      const page = await app.agreements.search(viewer, { text: "mattel" }, { limit: 25 });
      const pageReads = table.takeItemsRead();
      const csv = await app.exports.agreementsCsv(viewer, { text: "mattel" });
      const csvReads = table.takeItemsRead();

      expect(page.items.map((agreement) => agreement.id).sort()).toEqual(
        Array.from({ length: MATCHES }, (_, index) => `z-${total - MATCHES + index}`).sort(),
      );
      expect(page.cursor).toBeNull();
      expect(csv.trim().split("\r\n")).toHaveLength(1 + MATCHES);
      reads.push({ total, pageReads, csvReads });
    }
    const [small, large] = reads;
    expect(large!.pageReads).toBe(small!.pageReads);
    expect(large!.csvReads).toBe(small!.csvReads);
    // One index entry and the agreement itself per match.
    expect(large!.pageReads).toBe(2 * MATCHES);
  });

  it("pages a word found in many agreements with full pages, each agreement once", async () => {
    const table = await tableOf(30);
    const app = createApplication(appDependenciesForTests(table).ports);
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; cursor: string | null } = await app.agreements.search(viewer, { text: "ma" }, { limit: 7, cursor });
      seen.push(...page.items.map((agreement) => agreement.id));
      sizes.push(page.items.length);
      cursor = page.cursor;
    } while (cursor !== null);
    expect(sizes).toEqual([7, 7, 7, 7, 2]);
    expect(new Set(seen).size).toBe(30);
  });
});

describe("a text index kept from the first format", () => {
  it("is rebuilt once on start: the agreements are found again and the old items are gone", async () => {
    const table = await countedTable();
    await store(table.agreements, "agr-old", "Mattelyft i Malmö");
    // As the first format left it: one item per bucket, no word entries, and a marker of another format.
    const agreement = (await table.agreements.get("agr-old"))!;
    for (const word of textIndexEntries(agreement).keys()) {
      await table.documentClient.send(new DeleteCommand({ TableName: table.tableName, Key: { ...textKey(word, agreement.id) } }));
    }
    const [oldKey] = firstFormatTextKeys(agreement);
    await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: { ...oldKey, agreementId: agreement.id, words: ["mattelyft"], version: 1 } }));
    await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: { pk: "TEXT_INDEX", sk: "FORMAT", format: 1 } }));
    const app = createApplication(appDependenciesForTests(table).ports);
    expect((await app.agreements.search(viewer, { text: "mattel" })).items).toEqual([]);

    expect(await rebuildTextIndexIfOutdated(table.documentClient, table.tableName, table.agreements.listNewestFirst)).toBe(1);

    expect((await app.agreements.search(viewer, { text: "mattel" })).items.map((found) => found.id)).toEqual(["agr-old"]);
    expect((await table.documentClient.send(new GetCommand({ TableName: table.tableName, Key: { ...oldKey! } }))).Item).toBeUndefined();
    expect(await rebuildTextIndexIfOutdated(table.documentClient, table.tableName, table.agreements.listNewestFirst)).toBe(0);
  });
});
