import { QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Item } from "./items";
import { TABLE_DEFINITION } from "./table";

/**
 * Every item of one partition whose sort key starts with `sortKeyPrefix`, all pages read, strongly consistent.
 * For partitions read whole: one agreement's reminders, report versions or invitations; the open workflows.
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
      }),
    );
    items.push(...(output.Items ?? []));
    exclusiveStartKey = output.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
  return items;
}
