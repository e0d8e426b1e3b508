/**
 * The single DynamoDB table: its keys and global secondary indexes, as plain data. The infrastructure stack and
 * `ensureTable` (local runtime, tests) both read this one definition, so the deployed and the local table agree.
 * docs/data-model.md explains which item uses which key and why.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";

export interface KeyDefinition {
  partitionKey: string;
  sortKey: string;
}

export interface GlobalIndexDefinition extends KeyDefinition {
  /** Every index projects whole items, so a list page is one Query with no follow-up reads. */
  projection: "all";
}

export interface TableDefinition extends KeyDefinition {
  globalIndexes: Readonly<Record<string, GlobalIndexDefinition>>;
}

/** Every key attribute, of the table and of the indexes, is a string. */
export const TABLE_DEFINITION = {
  partitionKey: "pk",
  sortKey: "sk",
  globalIndexes: {
    /** Agreements in one status, ordered by end date (those without a period last). */
    byStatus: { partitionKey: "statusKey", sortKey: "endKey", projection: "all" },
    /** Agreements of one responsible officer (lower-cased email), ordered by end date. Sparse. */
    byOfficer: { partitionKey: "officerKey", sortKey: "endKey", projection: "all" },
    /** Agreements ending in one calendar year, ordered by end date, in every status. Sparse. */
    byEndYear: { partitionKey: "endYearKey", sortKey: "endKey", projection: "all" },
    /** Every agreement, ordered by creation time. */
    byCreation: { partitionKey: "listKey", sortKey: "createdKey", projection: "all" },
    /** Every agreement, ordered by end date (those without a period last): the unfiltered list sorted by end date. */
    byEnd: { partitionKey: "listKey", sortKey: "endKey", projection: "all" },
    /** Agreements in one status by the last day to give notice, for those with a notice period. Sparse. */
    byNotice: { partitionKey: "statusKey", sortKey: "noticeKey", projection: "all" },
  },
} as const satisfies TableDefinition;

export type IndexName = keyof typeof TABLE_DEFINITION.globalIndexes;

/** Names of all key attributes of the table and its indexes; they are bookkeeping, not domain data. */
export const KEY_ATTRIBUTES: readonly string[] = [
  ...new Set(
    [TABLE_DEFINITION, ...Object.values(TABLE_DEFINITION.globalIndexes)].flatMap((keys) => [keys.partitionKey, keys.sortKey]),
  ),
];

const ACTIVE_POLL_INTERVAL_MS = 250;
const ACTIVE_DEADLINE_MS = 10 * 60_000;

export class TableMismatchError extends Error {
  override readonly name = "TableMismatchError";
}

/**
 * Creates the table unless it exists, adds any index the definition has and the table lacks (a data directory
 * kept from an older version), and resolves once the table and all its indexes are active. Safe to call on
 * every start and from several processes at once.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  let table = await untilActive(client, tableName);
  assertSameKeys(`Table ${tableName}`, table.KeySchema, TABLE_DEFINITION);

  for (const [indexName, index] of Object.entries<GlobalIndexDefinition>(TABLE_DEFINITION.globalIndexes)) {
    const existing = table.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
    if (existing !== undefined) {
      assertSameKeys(`Index ${indexName} of ${tableName}`, existing.KeySchema, index);
      continue;
    }
    try {
      // DynamoDB accepts one new index per UpdateTable call.
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: attributeDefinitions(),
          GlobalSecondaryIndexUpdates: [{ Create: globalIndex(indexName, index) }],
        }),
      );
    } catch (error) {
      // Another process is adding it (or another index) right now; waiting below covers both.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    table = await untilActive(client, tableName);
  }
}

function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: attributeDefinitions(),
    KeySchema: keySchema(TABLE_DEFINITION),
    GlobalSecondaryIndexes: Object.entries<GlobalIndexDefinition>(TABLE_DEFINITION.globalIndexes).map(([name, index]) =>
      globalIndex(name, index),
    ),
  };
}

function attributeDefinitions(): AttributeDefinition[] {
  return KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: "S" }));
}

function keySchema(keys: KeyDefinition): KeySchemaElement[] {
  return [
    { AttributeName: keys.partitionKey, KeyType: "HASH" },
    { AttributeName: keys.sortKey, KeyType: "RANGE" },
  ];
}

function globalIndex(indexName: string, index: GlobalIndexDefinition): GlobalSecondaryIndex {
  return { IndexName: indexName, KeySchema: keySchema(index), Projection: { ProjectionType: "ALL" } };
}

function assertSameKeys(what: string, actual: KeySchemaElement[] | undefined, expected: KeyDefinition): void {
  const describe = (schema: KeySchemaElement[] | undefined) =>
    (schema ?? []).map((element) => `${element.AttributeName} (${element.KeyType})`).join(", ");
  if (describe(actual) !== describe(keySchema(expected))) {
    throw new TableMismatchError(
      `${what} is keyed on ${describe(actual)}, expected ${describe(keySchema(expected))}; ` +
        "it was created by an incompatible version: remove it (locally: delete the data directory) and start again",
    );
  }
}

async function untilActive(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const deadline = Date.now() + ACTIVE_DEADLINE_MS;
  for (;;) {
    const table = await describeTable(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === "ACTIVE");
    if (table?.TableStatus === "ACTIVE" && indexesActive) return table;
    if (Date.now() > deadline) {
      throw new Error(`Table ${tableName} did not become active within ${ACTIVE_DEADLINE_MS / 60_000} minutes`);
    }
    await sleep(ACTIVE_POLL_INTERVAL_MS);
  }
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    // Right after CreateTable a table may not be visible yet.
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
