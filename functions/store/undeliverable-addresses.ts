/**
 * Email addresses SES could not deliver to for good (a permanent bounce) or whose owner marked our email as spam
 * (a complaint): one item per address, so the agreement page and the dashboard can tell staff to correct a contact
 * before the next reminder goes nowhere. Addresses are kept lower-case, as mailboxes are matched case-insensitively.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { parseItem } from "./items";

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
}

function undeliverableKey(address: string) {
  return { pk: `UNDELIVERABLE#${address.toLowerCase()}`, sk: "ADDRESS" };
}

export function createUndeliverableAddressStore({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): UndeliverableAddressStore {
  return {
    async mark(record) {
      const address = record.address.toLowerCase();
      await client.send(new PutCommand({ TableName: tableName, Item: { ...undeliverableKey(address), ...record, address } }));
    },

    async get(address) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: undeliverableKey(address), ConsistentRead: true }));
      return Item === undefined ? null : parseItem(Item, undeliverableAddressSchema);
    },
  };
}
