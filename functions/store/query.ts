import { QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Item } from "./items";
import { TABLE_DEFINITION, type IndexName } from "./table";

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
  { index, descending = false }: { index?: IndexName; descending?: boolean } = {},
): Promise<Item[]> {
  const keys = index === undefined ? TABLE_DEFINITION : TABLE_DEFINITION.globalIndexes[index];
  const items: Item[] = [];
  let exclusiveStartKey: Item | undefined;
  do {
    const output = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index,
        // DynamoDB refuses an empty string in a key condition, so no prefix means no sort-key condition.
        ...(sortKeyPrefix === ""
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
      }),
    );
    items.push(...(output.Items ?? []));
    exclusiveStartKey = output.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
  return items;
}
