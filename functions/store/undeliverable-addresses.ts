/**
 * Email addresses SES could not deliver to for good (a permanent bounce) or whose owner marked our email as spam
 * (a complaint): one item per address, so the agreement page and the dashboard can tell staff to correct a contact
 * before the next reminder goes nowhere. Addresses are kept lower-case, as mailboxes are matched case-insensitively.
 * Each item also sits in one partition of the byCreation index, by when it was reported, so the dashboard lists them
 * all with one Query.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { parseItem } from "./items";
import { queryPartition } from "./query";
import { TABLE_DEFINITION } from "./table";

export const UNDELIVERABLE_REASONS = ["bounce", "complaint"] as const;

const undeliverableAddressSchema = z.object({
  address: z.string(),
  reason: z.enum(UNDELIVERABLE_REASONS),
  /** When SES reported it (ISO 8601). */
  reportedAt: z.string(),
  /** SES's diagnosis, e.g. "smtp; 550 5.1.1 user unknown". */
  detail: z.string().optional(),
});

export type UndeliverableAddress = z.infer<typeof undeliverableAddressSchema>;

export interface UndeliverableAddressStore {
  /** Records the latest report for the address, replacing an earlier one. One PutItem. */
  mark(record: UndeliverableAddress): Promise<void>;
  get(address: string): Promise<UndeliverableAddress | null>;
  /** Every address marked, most recently reported first (a Query of the byCreation index). */
  list(): Promise<UndeliverableAddress[]>;
}

function undeliverableKey(address: string) {
  return { pk: `UNDELIVERABLE#${address.toLowerCase()}`, sk: "ADDRESS" };
}

/** The byCreation partition the addresses share, beside the agreements' own. */
const UNDELIVERABLE_LIST = "UNDELIVERABLE";
const { byCreation } = TABLE_DEFINITION.globalIndexes;

export function createUndeliverableAddressStore({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): UndeliverableAddressStore {
  return {
    async mark(record) {
      const address = record.address.toLowerCase();
      const listed = { [byCreation.partitionKey]: UNDELIVERABLE_LIST, [byCreation.sortKey]: `${record.reportedAt}#${address}` };
      await client.send(new PutCommand({ TableName: tableName, Item: { ...undeliverableKey(address), ...listed, ...record, address } }));
    },

    async get(address) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: undeliverableKey(address), ConsistentRead: true }));
      return Item === undefined ? null : parseItem(Item, undeliverableAddressSchema);
    },

    async list() {
      const items = await queryPartition(client, tableName, UNDELIVERABLE_LIST, "", { index: "byCreation", descending: true });
      return items.map((item) => parseItem(item, undeliverableAddressSchema));
    },
  };
}
