/**
 * Reading the table page by page: Query inputs for a partition of the table or an index, reads that continue
 * across DynamoDB's 1 MB stops and across several partitions, and signed cursors that resume exactly after the
 * last item shown. Every list of the store reads through here, so paging works the same everywhere.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { createCursorCodec, type CursorCodec, type PageKey } from "./cursor";
import { pageKeyOf, type Item } from "./items";
import { TABLE_DEFINITION, type IndexName } from "./table";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  /** 1 to {@link MAX_PAGE_SIZE}; {@link DEFAULT_PAGE_SIZE} when left out. */
  limit?: number;
  /** The `cursor` of the previous page; absent or null for the first page. */
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  /** Continues after the last item; null on the last page. */
  cursor: string | null;
}

/** A Query on one partition of the table or of an index. */
export interface PartitionQuery {
  index?: IndexName;
  partition: string;
  sort?: { between: { lower: string; upper: string } } | { beginsWith: string };
  descending?: boolean;
}

export interface TableReader {
  cursors: CursorCodec;
  queryInput(query: PartitionQuery): QueryCommandInput;
  /** Key attributes DynamoDB needs to continue a query on `index` after a given item. */
  pageKeyAttributes(index: IndexName | undefined): string[];
  /**
   * Reads items from the queries in turn (`start` continues the first one) until `wanted` are found or the
   * queries run out.
   */
  readInOrder(queries: Iterable<QueryCommandInput>, start: PageKey | undefined, wanted?: number): Promise<Item[]>;
  /**
   * One page of a query that may span several partitions; `queryIdentity` is what its cursors are bound to.
   */
  readPage(
    queryIdentity: string,
    request: PageRequest,
    index: IndexName | undefined,
    queriesFrom: (start: PageKey | undefined) => Iterable<QueryCommandInput>,
  ): Promise<Page<Item>>;
  /** One page of one partition's items. */
  readPartitionPage(query: PartitionQuery, request: PageRequest): Promise<Page<Item>>;
  /** How many items the query matches: the whole range is read (DynamoDB counts what it reads), none returned. */
  count(query: PartitionQuery): Promise<number>;
}

export function createTableReader({
  client,
  tableName,
  cursorSecret,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
  cursorSecret: string | Uint8Array;
}): TableReader {
  const cursors = createCursorCodec(cursorSecret);

  function queryInput({ index, partition, sort, descending = false }: PartitionQuery): QueryCommandInput {
    const keys = index === undefined ? TABLE_DEFINITION : TABLE_DEFINITION.globalIndexes[index];
    const names: Record<string, string> = { "#partition": keys.partitionKey };
    const values: Record<string, string> = { ":partition": partition };
    let condition = "#partition = :partition";
    if (sort !== undefined) {
      names["#sort"] = keys.sortKey;
      if ("between" in sort) {
        condition += " AND #sort BETWEEN :lower AND :upper";
        values[":lower"] = sort.between.lower;
        values[":upper"] = sort.between.upper;
      } else {
        condition += " AND begins_with(#sort, :prefix)";
        values[":prefix"] = sort.beginsWith;
      }
    }
    return {
      TableName: tableName,
      IndexName: index,
      KeyConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !descending,
      // Indexes are eventually consistent by nature; the table itself can be read consistently.
      ConsistentRead: index === undefined,
    };
  }

  function pageKeyAttributes(index: IndexName | undefined): string[] {
    const tableKeys = [TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey];
    if (index === undefined) return tableKeys;
    const indexKeys = TABLE_DEFINITION.globalIndexes[index];
    return [...tableKeys, indexKeys.partitionKey, indexKeys.sortKey];
  }

  async function readInOrder(queries: Iterable<QueryCommandInput>, start: PageKey | undefined, wanted?: number): Promise<Item[]> {
    const items: Item[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined = start;
    for (const query of queries) {
      // DynamoDB may stop a Query early at 1 MB, hence the inner loop.
      do {
        const output = await client.send(
          new QueryCommand({
            ...query,
            ExclusiveStartKey: exclusiveStartKey,
            Limit: wanted === undefined ? undefined : wanted - items.length,
          }),
        );
        items.push(...(output.Items ?? []));
        exclusiveStartKey = output.LastEvaluatedKey;
      } while (exclusiveStartKey !== undefined && (wanted === undefined || items.length < wanted));
      if (wanted !== undefined && items.length >= wanted) break;
    }
    return items;
  }

  async function readPage(
    queryIdentity: string,
    request: PageRequest,
    index: IndexName | undefined,
    queriesFrom: (start: PageKey | undefined) => Iterable<QueryCommandInput>,
  ): Promise<Page<Item>> {
    const limit = pageSize(request.limit);
    const start = request.cursor == null ? undefined : cursors.decode(queryIdentity, request.cursor);
    // Reading one item more than the page shows whether another page follows, so the last page never carries a
    // cursor to an empty page.
    const items = await readInOrder(queriesFrom(start), start, limit + 1);
    const page = items.slice(0, limit);
    const last = page.at(-1);
    const more = items.length > limit && last !== undefined;
    return { items: page, cursor: more ? cursors.encode(queryIdentity, pageKeyOf(last, pageKeyAttributes(index))) : null };
  }

  function readPartitionPage(query: PartitionQuery, request: PageRequest): Promise<Page<Item>> {
    // The query itself (index, partition, sort condition, direction) is what a cursor is bound to.
    return readPage(JSON.stringify(query), request, query.index, () => [queryInput(query)]);
  }

  async function count(query: PartitionQuery): Promise<number> {
    let total = 0;
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const output = await client.send(new QueryCommand({ ...queryInput(query), Select: "COUNT", ExclusiveStartKey: exclusiveStartKey }));
      total += output.Count ?? 0;
      exclusiveStartKey = output.LastEvaluatedKey;
    } while (exclusiveStartKey !== undefined);
    return total;
  }

  return { cursors, queryInput, pageKeyAttributes, readInOrder, readPage, readPartitionPage, count };
}

export function pageSize(limit = DEFAULT_PAGE_SIZE): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`A page holds 1 to ${MAX_PAGE_SIZE} items, not ${limit}`);
  }
  return limit;
}
