/**
 * Reading many items by key: BatchGetItem, 100 keys a call, asking again (after a pause) for what DynamoDB left
 * unread for lack of capacity. Agreements by id and workflow states by agreement read through here.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";
import type { Item, ItemKey } from "./items";
import { retryDelay } from "./retry";

const MAX_BATCH_GET_KEYS = 100;
const MAX_BATCH_GET_ATTEMPTS = 8;

/** The items at these keys that exist, strongly consistent, in no particular order. */
export async function batchGetItems(client: DynamoDBDocumentClient, tableName: string, itemKeys: readonly ItemKey[]): Promise<Item[]> {
  const found: Item[] = [];
  for (let offset = 0; offset < itemKeys.length; offset += MAX_BATCH_GET_KEYS) {
    let keys: Record<string, unknown>[] = itemKeys.slice(offset, offset + MAX_BATCH_GET_KEYS).map((key) => ({ ...key }));
    for (let attempt = 1; keys.length > 0; attempt++) {
      if (attempt > MAX_BATCH_GET_ATTEMPTS) throw new Error(`DynamoDB left ${keys.length} items unread after ${MAX_BATCH_GET_ATTEMPTS} attempts`);
      if (attempt > 1) await sleep(retryDelay(attempt));
      const output = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
      found.push(...(output.Responses?.[tableName] ?? []));
      // Unprocessed keys are what DynamoDB had no capacity for this time; ask again after a pause.
      keys = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}
