/**
 * How many agreements each status has, as one counter item per status, changed in the same transaction as the
 * agreements (agreement-writes.ts). Counting a status on its index reads every agreement in it: with 10,000
 * agreements the dashboard's nine counts took 15 s on DynamoDB Local, and in AWS each view would pay read units for
 * every agreement (docs/benchmarks.md). A counter is one small item, whatever the number of agreements.
 *
 * A table written before the counters existed, or loaded around the store, is counted once on start
 * (`recountStatusesIfOutdated`), before anything else writes to it.
 */
import { QueryCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { STATUSES, type Status } from "../domain/agreement";
import type { Change } from "../domain/lifecycle";
import { unlessAtFormat } from "./derived-entries";
import { TABLE_DEFINITION } from "./table";

const COUNTER_PARTITION = "STATUS_COUNTS";
const FORMAT_MARKER = { pk: "STATUS_COUNTS_FORMAT", sk: "FORMAT" } as const;
/** The format of the counters; a table whose marker names another, or none, is counted again. */
export const STATUS_COUNTS_FORMAT = 1;

function counterKey(status: Status) {
  return { [TABLE_DEFINITION.partitionKey]: COUNTER_PARTITION, [TABLE_DEFINITION.sortKey]: status };
}

/** What `changes` add to each status's count: a new agreement one to its status, a transition one from and one to. */
export function statusCountChanges(changes: readonly Change[]): Map<Status, number> {
  const deltas = new Map<Status, number>();
  const add = (status: Status, delta: number) => deltas.set(status, (deltas.get(status) ?? 0) + delta);
  for (const { before, after } of changes) {
    if (before?.status === after.status) continue;
    if (before !== null) add(before.status, -1);
    add(after.status, 1);
  }
  return new Map([...deltas].filter(([, delta]) => delta !== 0));
}

/**
 * The updates that add `deltas` to the counters, one per status (a transaction may name an item only once), for a
 * transaction. Unconditional: in agreement-writes.ts the agreements' own version conditions decide whether the
 * transaction happens at all.
 */
export function statusCountUpdates(tableName: string, deltas: ReadonlyMap<Status, number>) {
  return [...deltas].map(([status, delta]) => ({
    Update: {
      TableName: tableName,
      Key: counterKey(status),
      UpdateExpression: "ADD #agreements :delta",
      ExpressionAttributeNames: { "#agreements": "agreements" },
      ExpressionAttributeValues: { ":delta": delta },
    },
  }));
}

/** Every status's count, in one Query of the counters; a status no agreement has ever had counts 0. */
export async function readStatusCounts(client: DynamoDBDocumentClient, tableName: string): Promise<Record<Status, number>> {
  const output = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: "#pk = :counters",
      ExpressionAttributeNames: { "#pk": TABLE_DEFINITION.partitionKey },
      ExpressionAttributeValues: { ":counters": COUNTER_PARTITION },
    }),
  );
  const stored = new Map((output.Items ?? []).map((item) => [item[TABLE_DEFINITION.sortKey] as string, Number(item.agreements)]));
  return Object.fromEntries(STATUSES.map((status) => [status, stored.get(status) ?? 0])) as Record<Status, number>;
}

/**
 * Unless the table's marker names the counters' format: counts every status on its index (`countOnIndex`), writes
 * the counters, then the marker. Interrupted, it runs again on the next start. Run before anything else writes to
 * the table, as `npm start` does: a transition between a count and its counter's write would be lost. Returns
 * how many agreements it counted (0 also when the table was at the format).
 */
export async function recountStatusesIfOutdated(
  client: DynamoDBDocumentClient,
  tableName: string,
  countOnIndex: (status: Status) => Promise<number>,
): Promise<number> {
  return unlessAtFormat({ client, tableName }, { marker: FORMAT_MARKER, format: STATUS_COUNTS_FORMAT }, async () => {
    let counted = 0;
    for (const status of STATUSES) {
      const agreements = await countOnIndex(status);
      await client.send(new PutCommand({ TableName: tableName, Item: { ...counterKey(status), agreements } }));
      counted += agreements;
    }
    return counted;
  });
}
