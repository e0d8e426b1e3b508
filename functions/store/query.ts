import { QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Item } from "./items";
import { TABLE_DEFINITION, type IndexName } from "./table";

/** Which index a partition is read from (the table when none), in which order of its sort key, and up to where. */
export interface PartitionOrder {
  index?: IndexName;
  descending?: boolean;
  /** Only items whose sort key is at most this (a registry sorted by date, read up to a day). */
  sortKeyAtMost?: string;
}

/** One page of a partition (by sort key), from after `exclusiveStartKey`; `next` continues it, null at the end. */
export async function queryPartitionPage(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  page: { sortKeyPrefix?: string; limit?: number; exclusiveStartKey?: Item } & PartitionOrder,
): Promise<{ items: Item[]; next: Item | null }> {
  const { sortKeyPrefix = "", limit, exclusiveStartKey, index, descending = false, sortKeyAtMost } = page;
  const keys = index === undefined ? TABLE_DEFINITION : TABLE_DEFINITION.globalIndexes[index];
  if (sortKeyPrefix !== "" && sortKeyAtMost !== undefined) throw new Error("A partition read takes a sort-key prefix or an upper bound, not both");
  const output = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index,
      // DynamoDB refuses an empty string in a key condition, so no prefix means no sort-key condition.
      ...(sortKeyAtMost !== undefined
        ? {
            KeyConditionExpression: "#pk = :partition AND #sk <= :atMost",
            ExpressionAttributeNames: { "#pk": keys.partitionKey, "#sk": keys.sortKey },
            ExpressionAttributeValues: { ":partition": partition, ":atMost": sortKeyAtMost },
          }
        : sortKeyPrefix === ""
        ? {
            KeyConditionExpression: "#pk = :partition",
            ExpressionAttributeNames: { "#pk": keys.partitionKey },
            ExpressionAttributeValues: { ":partition": partition },
          }
        : {
            KeyConditionExpression: "#pk = :partition AND begins_with(#sk, :prefix)",
            ExpressionAttributeNames: { "#pk": keys.partitionKey, "#sk": keys.sortKey },
            ExpressionAttributeValues: { ":partition": partition, ":prefix": sortKeyPrefix },
          }),
      ScanIndexForward: !descending,
      ConsistentRead: index === undefined,
      ExclusiveStartKey: exclusiveStartKey,
      Limit: limit,
    }),
  );
  return { items: output.Items ?? [], next: output.LastEvaluatedKey ?? null };
}

/**
 * Every item of one partition whose sort key starts with `sortKeyPrefix`, all pages read: strongly consistent on
 * the table, as consistent as an index can be on `index`. For partitions read whole: one agreement's reminders,
 * report versions or invitations; the open workflows; the undeliverable addresses.
 */
export async function queryPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  sortKeyPrefix = "",
  order: PartitionOrder = {},
): Promise<Item[]> {
  const items: Item[] = [];
  let exclusiveStartKey: Item | undefined;
  do {
    const page = await queryPartitionPage(client, tableName, partition, { sortKeyPrefix, ...order, ...(exclusiveStartKey ? { exclusiveStartKey } : {}) });
    items.push(...page.items);
    exclusiveStartKey = page.next ?? undefined;
  } while (exclusiveStartKey !== undefined);
  return items;
}
