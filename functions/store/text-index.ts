/**
 * Keeps the text index (search.ts says what it holds) in line with agreements just written. It is written after
 * the transaction rather than in it, because an agreement's words could take it past DynamoDB's 100 items; like an
 * index, it follows the table a moment later. When an agreement's words change, all of its text items are written
 * again, which also repairs any left behind by a process that stopped between the two writes. Each item carries the
 * agreement version it reflects, and is only replaced or deleted by a newer one, so concurrent writers cannot go back.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Change } from "../domain/lifecycle";
import { sameTextIndexEntries, textIndexEntries, textItem, textKey } from "./search";

export async function syncTextIndex(client: DynamoDBDocumentClient, tableName: string, changes: readonly Change[]): Promise<void> {
  const writes = changes.flatMap(({ before, after }) => {
    const previous = before === null ? new Map<string, string[]>() : textIndexEntries(before);
    const current = textIndexEntries(after);
    if (sameTextIndexEntries(previous, current)) return [];
    const fromNewerVersion = {
      ConditionExpression: "attribute_not_exists(#version) OR #version < :version",
      ExpressionAttributeNames: { "#version": "version" },
      ExpressionAttributeValues: { ":version": after.version },
    };
    const puts = [...current].map(([bucket, words]) =>
      client.send(new PutCommand({ TableName: tableName, Item: textItem(bucket, after.id, words, after.version), ...fromNewerVersion })),
    );
    const deletes = [...previous.keys()]
      .filter((bucket) => !current.has(bucket))
      .map((bucket) => client.send(new DeleteCommand({ TableName: tableName, Key: { ...textKey(bucket, after.id) }, ...fromNewerVersion })));
    return [...puts, ...deletes].map((write) => write.catch(ignoreNewerVersion));
  });
  await Promise.all(writes);
}

/** A text index write that lost to a newer version of the agreement: the newer write already did its job. */
function ignoreNewerVersion(error: unknown): void {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
}
