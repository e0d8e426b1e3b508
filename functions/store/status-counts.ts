/**
 * The dashboard's counters, changed in the same transaction as the agreements (agreement-writes.ts): how many
 * agreements each status has, one item per status; and how many active agreements end on each date, one item per
 * date. Counting on an index reads every agreement counted: with 10,000 agreements the dashboard's nine status counts
 * took 15 s on DynamoDB Local, and its count of agreements ending within 180 days 165 ms (both timed by hand); in
 * AWS each view would pay read units for every agreement (docs/benchmarks.md). A counter is one small item, whatever the
 * number of agreements; the end dates up to a horizon are at most one item a day.
 *
 * A table written before the counters existed, or loaded around the store, is counted once on start
 * (`recountIfOutdated`), before anything else writes to it.
 */
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { STATUSES, type Agreement, type Status } from "../domain/agreement";
import type { CalendarDate } from "../domain/dates";
import type { Change } from "../domain/lifecycle";
import { forEachPage, unlessAtFormat } from "./derived-entries";
import type { PageRequest, Page } from "./paging";
import { queryPartition } from "./query";
import { TABLE_DEFINITION } from "./table";

const COUNTER_PARTITION = "STATUS_COUNTS";
const ACTIVE_ENDS_PARTITION = "ACTIVE_ENDS";
const FORMAT_MARKER = { pk: "STATUS_COUNTS_FORMAT", sk: "FORMAT" } as const;
/** The format of the counters; a table whose marker names another, or none, is counted again. 2: end dates. */
const STATUS_COUNTS_FORMAT = 2;

function counterKey(partition: string, sortKey: string) {
  return { [TABLE_DEFINITION.partitionKey]: partition, [TABLE_DEFINITION.sortKey]: sortKey };
}

/** The end date an agreement counts under: an active agreement's last day; none for any other. */
function activeEnd(agreement: Agreement | null): CalendarDate | undefined {
  return agreement?.status === "active" ? agreement.period?.end : undefined;
}

interface CounterMove {
  key: ReturnType<typeof counterKey>;
  delta: number;
}

/** The counters `changes` move, by item, and by how much: each status's, and each end date's of active agreements. */
function counterChanges(changes: readonly Pick<Change, "before" | "after">[]): Map<string, CounterMove> {
  const deltas = new Map<string, CounterMove>();
  const add = (partition: string, sortKey: string, delta: number) => {
    const id = `${partition}\n${sortKey}`;
    deltas.set(id, { key: counterKey(partition, sortKey), delta: (deltas.get(id)?.delta ?? 0) + delta });
  };
  for (const { before, after } of changes) {
    if (before?.status !== after.status) {
      if (before !== null) add(COUNTER_PARTITION, before.status, -1);
      add(COUNTER_PARTITION, after.status, 1);
    }
    const [endBefore, endAfter] = [activeEnd(before), activeEnd(after)];
    if (endBefore !== endAfter) {
      if (endBefore !== undefined) add(ACTIVE_ENDS_PARTITION, endBefore, -1);
      if (endAfter !== undefined) add(ACTIVE_ENDS_PARTITION, endAfter, 1);
    }
  }
  return new Map([...deltas].filter(([, { delta }]) => delta !== 0));
}

/**
 * The updates that move the counters as `changes` do, one per counter (a transaction may name an item only once),
 * for a transaction. Unconditional: in agreement-writes.ts the agreements' own version conditions decide whether the
 * transaction happens at all.
 */
export function counterUpdates(tableName: string, changes: readonly Pick<Change, "before" | "after">[]) {
  return [...counterChanges(changes).values()].map(({ key, delta }) => ({
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: "ADD #agreements :delta",
      ExpressionAttributeNames: { "#agreements": "agreements" },
      ExpressionAttributeValues: { ":delta": delta },
    },
  }));
}

/**
 * How many active agreements end on or before each of `dates`, from one Query of the end-date counters up to the
 * latest: at most one item a day that an agreement ever ended on, whatever the number of agreements.
 */
export async function countActiveEndingBy(client: DynamoDBDocumentClient, tableName: string, dates: readonly CalendarDate[]): Promise<number[]> {
  if (dates.length === 0) return [];
  const latest = [...dates].sort().at(-1)!;
  const items = await queryPartition(client, tableName, ACTIVE_ENDS_PARTITION, "", { sortKeyAtMost: latest });
  const counted = items.map((item) => ({ end: item[TABLE_DEFINITION.sortKey] as string, agreements: Number(item.agreements) }));
  return dates.map((date) => counted.reduce((sum, { end, agreements }) => (end <= date ? sum + agreements : sum), 0));
}

/** Every status's count, in one Query of the counters; a status no agreement has ever had counts 0. */
export async function readStatusCounts(client: DynamoDBDocumentClient, tableName: string): Promise<Record<Status, number>> {
  const items = await queryPartition(client, tableName, COUNTER_PARTITION);
  const stored = new Map(items.map((item) => [item[TABLE_DEFINITION.sortKey] as string, Number(item.agreements)]));
  return Object.fromEntries(STATUSES.map((status) => [status, stored.get(status) ?? 0])) as Record<Status, number>;
}

/**
 * Unless the table's marker names the counters' format: counts every status on its index (`countOnIndex`) and the
 * active agreements' end dates (`listActive`, page by page), writes the counters, then the marker. Every write
 * sets a counter whole, so a recount that was interrupted runs again on the next start. Run before anything else
 * writes to the table, as `npm start` does: a transition between a count and its counter's write would be lost.
 * Returns how many agreements it counted by status (0 also when the table was at the format).
 */
export async function recountIfOutdated(
  client: DynamoDBDocumentClient,
  tableName: string,
  countOnIndex: (status: Status) => Promise<number>,
  listActive: (request: PageRequest) => Promise<Page<Agreement>>,
): Promise<number> {
  return unlessAtFormat({ client, tableName }, { marker: FORMAT_MARKER, format: STATUS_COUNTS_FORMAT }, async () => {
    let counted = 0;
    for (const status of STATUSES) {
      const agreements = await countOnIndex(status);
      await client.send(new PutCommand({ TableName: tableName, Item: { ...counterKey(COUNTER_PARTITION, status), agreements } }));
      counted += agreements;
    }
    const ends = new Map<CalendarDate, number>();
    await forEachPage(listActive, (agreements) => {
      for (const end of agreements.map(activeEnd)) if (end !== undefined) ends.set(end, (ends.get(end) ?? 0) + 1);
    });
    for (const [end, agreements] of ends) {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...counterKey(ACTIVE_ENDS_PARTITION, end), agreements } }));
    }
    return counted;
  });
}
