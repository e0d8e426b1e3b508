import { QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Item } from "./items";
import { TABLE_DEFINITION } from "./table";

/** One page of a partition (by sort key), from after `exclusiveStartKey`; `next` continues it, null at the end. */
export async function queryPartitionPage(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  page: { sortKeyPrefix?: string; limit?: number; exclusiveStartKey?: Item },
): Promise<{ items: Item[]; next: Item | null }> {
  const { sortKeyPrefix = "", limit, exclusiveStartKey } = page;
  const output = await client.send(
    new QueryCommand({
      TableName: tableName,
      // DynamoDB refuses an empty string in a key condition, so no prefix means no sort-key condition.
      ...(sortKeyPrefix === ""
        ? {
            KeyConditionExpression: "#pk = :partition",
            ExpressionAttributeNames: { "#pk": TABLE_DEFINITION.partitionKey },
            ExpressionAttributeValues: { ":partition": partition },
          }
        : {
            KeyConditionExpression: "#pk = :partition AND begins_with(#sk, :prefix)",
            ExpressionAttributeNames: { "#pk": TABLE_DEFINITION.partitionKey, "#sk": TABLE_DEFINITION.sortKey },
            ExpressionAttributeValues: { ":partition": partition, ":prefix": sortKeyPrefix },
          }),
      ConsistentRead: true,
      ExclusiveStartKey: exclusiveStartKey,
      Limit: limit,
    }),
  );
  return { items: output.Items ?? [], next: output.LastEvaluatedKey ?? null };
}

/**
 * Every item of one partition whose sort key starts with `sortKeyPrefix`, all pages read, strongly consistent.
 * For partitions read whole: one agreement's reminders, report versions or invitations.
 */
export async function queryPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  sortKeyPrefix = "",
): Promise<Item[]> {
  const items: Item[] = [];
  let exclusiveStartKey: Item | undefined;
  do {
    const page = await queryPartitionPage(client, tableName, partition, { sortKeyPrefix, ...(exclusiveStartKey ? { exclusiveStartKey } : {}) });
    items.push(...page.items);
    exclusiveStartKey = page.next ?? undefined;
  } while (exclusiveStartKey !== undefined);
  return items;
}
