/**
 * The agreement store: reads agreements, writes the changes the lifecycle decides on, and answers the list
 * queries. Every read is a GetItem, BatchGetItem or Query on a key or index, never a Scan, so the cost of a call
 * grows with the page it returns, not with the table. docs/data-model.md describes the items and the indexes.
 */
import { ConditionalCheckFailedException, TransactionCanceledException, type CancellationReason } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";
import type { Agreement, Status } from "../domain/agreement";
import type { Report } from "../domain/reports";
import { isCalendarDate, yearOf, type CalendarDate } from "../domain/dates";
import type { AuditEvent, Change, Related } from "../domain/lifecycle";
import { normaliseOrganisationNumber } from "../domain/organisation-number";
import { createCursorCodec, type PageKey } from "./cursor";
import { VersionConflictError } from "./errors";
import {
  agreementFromItem,
  agreementItem,
  agreementKey,
  agreementPartition,
  ALL_AGREEMENTS,
  ASSOCIATION_LINK_PREFIX,
  associationLinkFromItem,
  associationLinkItem,
  associationLinkKey,
  associationNumbers,
  associationPartition,
  endKeyBounds,
  endYearKey,
  EVENT_PREFIX,
  eventFromItem,
  eventItem,
  officerKey,
  pageKeyOf,
  type Item,
} from "./items";
import { REPORT_PREFIX, reportFromItem } from "./reports";
import {
  matchesCriteria,
  sameTextIndexEntries,
  searchCriteria,
  searchSource,
  textCandidate,
  textIndexEntries,
  textItem,
  textKey,
  textPartition,
  type AgreementFilters,
  type SearchSource,
} from "./search";
import { TABLE_DEFINITION, type IndexName } from "./table";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
/** Each calendar year in an ending-between range costs one Query, even when nothing ends that year. */
export const MAX_ENDING_RANGE_YEARS = 20;
/**
 * A search with filters its index does not apply reads at most this many index entries for one page, so a page
 * may hold fewer agreements than asked for (even none) and still have a cursor to continue from.
 */
export const MAX_EXAMINED_PER_PAGE = 200;

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

/** Inclusive bounds on the end date; a missing bound is open. */
export interface EndDateRange {
  from?: CalendarDate;
  to?: CalendarDate;
}

export interface EndDateFilter extends PageRequest {
  /** Only agreements with a period ending in this range (drafts without a period never match). */
  endsBetween?: EndDateRange;
}

export interface AgreementStore {
  get(agreementId: string): Promise<Agreement | null>;
  /** The agreements with these ids that exist, in the order of the ids; BatchGetItem, 100 keys a call. */
  getMany(agreementIds: readonly string[]): Promise<Agreement[]>;
  /**
   * Writes the changes of one lifecycle result in one transaction: each agreement only if it is still at the
   * version it was read at (or does not exist yet, for a new one), its audit event, and its association links.
   * @throws VersionConflictError when any agreement changed since it was read; then nothing was written.
   */
  applyChanges(changes: readonly Change[]): Promise<void>;
  /** What `transition` needs besides the agreement: its predecessor and the agreements sharing an association. */
  findRelated(agreement: Agreement): Promise<Related>;
  /** Every agreement, newest first. */
  listNewestFirst(request?: PageRequest): Promise<Page<Agreement>>;
  /** Ordered by end date, soonest first; agreements without a period last. */
  listByStatus(status: Status, request?: EndDateFilter): Promise<Page<Agreement>>;
  /** By the responsible officer's email (any letter case), ordered by end date; without a period last. */
  listByOfficer(email: string, request?: EndDateFilter): Promise<Page<Agreement>>;
  /** Agreements in any status whose period ends from `from` to `to` inclusive, by end date. */
  listEndingBetween(range: Required<EndDateRange>, request?: PageRequest): Promise<Page<Agreement>>;
  /** Agreements naming the association, by agreement id. */
  listByAssociation(organisationNumber: string, request?: PageRequest): Promise<Page<Agreement>>;
  /**
   * Agreements matching every filter, read from the most selective index (search.ts) and checked one by one;
   * in the order of that index. Reads at most {@link MAX_EXAMINED_PER_PAGE} entries per page.
   */
  search(filters: AgreementFilters, request?: PageRequest): Promise<Page<Agreement>>;
  /** The audit trail of an agreement, oldest first. */
  events(agreementId: string, request?: PageRequest): Promise<Page<AuditEvent>>;
  /** The reports of an agreement, by report id (so by due date): functions/store/reports.ts has the rest. */
  reports(agreementId: string, request?: PageRequest): Promise<Page<Report>>;
}

export interface AgreementStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Signs paging cursors: at least 32 bytes, the same for every process serving the table. */
  cursorSecret: string | Uint8Array;
}

/** A Query on one partition of the table or of an index. */
interface PartitionQuery {
  index?: IndexName;
  partition: string;
  sort?: { between: { lower: string; upper: string } } | { beginsWith: string };
  descending?: boolean;
}

/** Outer bounds of the YYYY-MM-DD text form, for a range left open on one side. */
const EARLIEST_DATE = "0000-01-01";
const LATEST_DATE = "9999-12-31";
const MAX_BATCH_GET_KEYS = 100;
/** Attempts for a transaction cancelled only because another transaction held an item at the same moment. */
const MAX_TRANSACTION_ATTEMPTS = 4;
const MAX_BATCH_GET_ATTEMPTS = 8;
const BASE_RETRY_DELAY_MS = 20;

export function createAgreementStore({ client, tableName, cursorSecret }: AgreementStoreOptions): AgreementStore {
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

  /** Key attributes DynamoDB needs to continue a query on `index` after a given item. */
  function pageKeyAttributes(index: IndexName | undefined): string[] {
    const tableKeys = [TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey];
    if (index === undefined) return tableKeys;
    const indexKeys = TABLE_DEFINITION.globalIndexes[index];
    return [...tableKeys, indexKeys.partitionKey, indexKeys.sortKey];
  }

  /**
   * Reads items from the queries in turn (`start` continues the first one) until `wanted` are found or the
   * queries run out. DynamoDB may stop a Query early at 1 MB, hence the inner loop.
   */
  async function readInOrder(queries: Iterable<QueryCommandInput>, start: PageKey | undefined, wanted?: number): Promise<Item[]> {
    const items: Item[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined = start;
    for (const query of queries) {
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

  /**
   * One page of a query that may span several partitions. Reading one item more than the page shows whether
   * another page follows, so the last page never carries a cursor to an empty page.
   */
  async function readPage(
    queryIdentity: string,
    request: PageRequest,
    index: IndexName | undefined,
    queriesFrom: (start: PageKey | undefined) => Iterable<QueryCommandInput>,
  ): Promise<Page<Item>> {
    const limit = pageSize(request.limit);
    const start = request.cursor == null ? undefined : cursors.decode(queryIdentity, request.cursor);
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

  async function listAgreements(query: PartitionQuery, request: PageRequest): Promise<Page<Agreement>> {
    const page = await readPartitionPage(query, request);
    return { items: page.items.map(agreementFromItem), cursor: page.cursor };
  }

  async function get(agreementId: string): Promise<Agreement | null> {
    const output = await client.send(new GetCommand({ TableName: tableName, Key: agreementKey(agreementId), ConsistentRead: true }));
    return output.Item === undefined ? null : agreementFromItem(output.Item);
  }

  /** The agreements with these ids that exist, in the order of `agreementIds`. */
  async function getMany(agreementIds: readonly string[]): Promise<Agreement[]> {
    const found = new Map<string, Agreement>();
    for (let offset = 0; offset < agreementIds.length; offset += MAX_BATCH_GET_KEYS) {
      let keys: Record<string, unknown>[] = agreementIds.slice(offset, offset + MAX_BATCH_GET_KEYS).map((id) => ({ ...agreementKey(id) }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > MAX_BATCH_GET_ATTEMPTS) throw new Error(`DynamoDB left ${keys.length} agreements unread after ${MAX_BATCH_GET_ATTEMPTS} attempts`);
        if (attempt > 1) await sleep(retryDelay(attempt));
        const output = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of output.Responses?.[tableName] ?? []) {
          const agreement = agreementFromItem(item);
          found.set(agreement.id, agreement);
        }
        // Unprocessed keys are what DynamoDB had no capacity for this time; ask again after a pause.
        keys = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
    return agreementIds.flatMap((id) => found.get(id) ?? []);
  }

  function associationQuery(organisationNumber: string): PartitionQuery {
    return { partition: associationPartition(organisationNumber), sort: { beginsWith: ASSOCIATION_LINK_PREFIX } };
  }

  async function agreementsSharingAssociation(agreement: Agreement): Promise<Agreement[]> {
    const linkedIds = await Promise.all(
      [...associationNumbers(agreement)].map(async (organisationNumber) =>
        (await readInOrder([queryInput(associationQuery(organisationNumber))], undefined)).map(associationLinkFromItem),
      ),
    );
    const otherIds = [...new Set(linkedIds.flat())].filter((id) => id !== agreement.id);
    return getMany(otherIds);
  }

  function transactionItems(change: Change) {
    const { before, after, event } = change;
    const lock =
      before === null
        ? { ConditionExpression: `attribute_not_exists(${TABLE_DEFINITION.partitionKey})` }
        : {
            ConditionExpression: "#version = :readVersion",
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":readVersion": before.version },
          };
    const linkedBefore = before === null ? new Set<string>() : associationNumbers(before);
    const linkedAfter = associationNumbers(after);
    // The lock makes `before` exactly what is stored, so its links are exactly the ones to compare with.
    const linksAdded = [...linkedAfter].filter((number) => !linkedBefore.has(number));
    const linksRemoved = [...linkedBefore].filter((number) => !linkedAfter.has(number));
    return [
      { Put: { TableName: tableName, Item: agreementItem(after), ...lock } },
      // Append-only audit trail: an event, once written, is never replaced, even by a write that slipped past the lock.
      {
        Put: {
          TableName: tableName,
          Item: eventItem(event),
          ConditionExpression: `attribute_not_exists(${TABLE_DEFINITION.partitionKey})`,
        },
      },
      ...linksAdded.map((number) => ({ Put: { TableName: tableName, Item: associationLinkItem(number, after.id) } })),
      ...linksRemoved.map((number) => ({ Delete: { TableName: tableName, Key: { ...associationLinkKey(number, after.id) } } })),
    ];
  }

  async function applyChanges(changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    const perChange = changes.map((change) => ({ change, items: transactionItems(change) }));
    const transactItems = perChange.flatMap(({ items }) => items);
    // Which change each transaction item belongs to, to name the agreement behind a cancellation reason.
    const owners = perChange.flatMap(({ change, items }) => items.map(() => change));

    for (let attempt = 1; ; attempt++) {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: transactItems }));
        break;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons: CancellationReason[] = error.CancellationReasons ?? [];
        const failedCheck = reasons.findIndex((reason) => reason.Code === "ConditionalCheckFailed");
        const stale = failedCheck === -1 ? undefined : owners[failedCheck];
        if (stale !== undefined) {
          throw new VersionConflictError(stale.after.id, stale.before?.version ?? null, { cause: error });
        }
        // Cancelled because a concurrent transaction held one of the items: nothing was written and the outcome
        // is still open, so try again; the version conditions then decide.
        const contended = reasons.some((reason) => reason.Code === "TransactionConflict");
        if (!contended || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
        await sleep(retryDelay(attempt));
      }
    }
    await syncTextIndex(changes);
  }

  /**
   * Brings the text index in line with agreements just written. It is written after the transaction rather than
   * in it, because an agreement's words could take it past DynamoDB's 100 items; like an index, it follows the
   * table a moment later. When an agreement's words change, all of its text items are written again, which also
   * repairs any left behind by a process that stopped between the two writes. Each item carries the agreement
   * version it reflects, and is only replaced or deleted by a newer one, so concurrent writers cannot go back.
   */
  async function syncTextIndex(changes: readonly Change[]): Promise<void> {
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

  async function findRelated(agreement: Agreement): Promise<Related> {
    const [predecessor, sameAssociation] = await Promise.all([
      agreement.renewalOf === null ? null : get(agreement.renewalOf),
      agreementsSharingAssociation(agreement),
    ]);
    return predecessor === null ? { sameAssociation } : { predecessor, sameAssociation };
  }

  /** Queries of the byEndYear index, year by year, for agreements ending in the range. */
  function endingBetweenQueries(range: Required<EndDateRange>): (start: PageKey | undefined) => Iterable<QueryCommandInput> {
    const bounds = endKeyRange(range);
    const [firstYear, lastYear] = [yearOf(range.from), yearOf(range.to)];
    if (lastYear - firstYear + 1 > MAX_ENDING_RANGE_YEARS) {
      throw new RangeError(`An end-date range may span at most ${MAX_ENDING_RANGE_YEARS} calendar years`);
    }
    const endYearKeyName = TABLE_DEFINITION.globalIndexes.byEndYear.partitionKey;
    return function* (start) {
      // A cursor's key names the year partition the previous page stopped in.
      const resumeYear = start === undefined ? firstYear : Number(start[endYearKeyName]);
      for (let year = resumeYear; year <= lastYear; year++) {
        yield queryInput({ index: "byEndYear", partition: endYearKey(year), sort: { between: bounds } });
      }
    };
  }

  async function listEndingBetween(range: Required<EndDateRange>, request: PageRequest = {}): Promise<Page<Agreement>> {
    const queries = endingBetweenQueries(range);
    const page = await readPage(JSON.stringify({ endingBetween: endKeyRange(range) }), request, "byEndYear", queries);
    return { items: page.items.map(agreementFromItem), cursor: page.cursor };
  }

  async function listByAssociation(organisationNumber: string, request: PageRequest = {}): Promise<Page<Agreement>> {
    const normalised = normaliseOrganisationNumber(organisationNumber);
    if (normalised === null) throw new RangeError(`Not a valid organisationsnummer: ${organisationNumber}`);
    const links = await readPartitionPage(associationQuery(normalised), request);
    const agreements = await getMany(links.items.map(associationLinkFromItem));
    // Links and agreements are read one after the other; drop an agreement whose associations changed between.
    const stillLinked = agreements.filter((agreement) => associationNumbers(agreement).has(normalised));
    return { items: stillLinked, cursor: links.cursor };
  }

  async function listByStatus(status: Status, request: EndDateFilter = {}): Promise<Page<Agreement>> {
    return listAgreements({ index: "byStatus", partition: status, ...endDateCondition(request.endsBetween) }, request);
  }

  async function listByOfficer(email: string, request: EndDateFilter = {}): Promise<Page<Agreement>> {
    const officer = officerKey(email);
    if (officer === "") throw new RangeError("An officer's email is required");
    return listAgreements({ index: "byOfficer", partition: officer, ...endDateCondition(request.endsBetween) }, request);
  }

  /** How to read a search source: its index and its queries in order, resuming after a page key. */
  function sourceReader(source: SearchSource): {
    index: IndexName | undefined;
    queriesFrom: (start: PageKey | undefined) => Iterable<QueryCommandInput>;
  } {
    const single = (query: PartitionQuery) => ({ index: query.index, queriesFrom: () => [queryInput(query)] });
    switch (source.kind) {
      case "association":
        return single(associationQuery(source.organisationNumber));
      case "text":
        return single({ partition: textPartition(source.term) });
      case "officer":
        return single({ index: "byOfficer", partition: source.officer, ...endingOnOrBefore(source.endsOnOrBefore) });
      case "status":
        return single({ index: "byStatus", partition: source.status, ...endingOnOrBefore(source.endsOnOrBefore) });
      case "ending": {
        // Without a lower bound, the range reaches back as far as one range may span.
        const from = `${yearOf(source.endsOnOrBefore) - MAX_ENDING_RANGE_YEARS + 1}-01-01`;
        return { index: "byEndYear", queriesFrom: endingBetweenQueries({ from, to: source.endsOnOrBefore }) };
      }
      case "all":
        return single({ index: "byCreation", partition: ALL_AGREEMENTS, descending: true });
    }
  }

  /** The agreement behind each item a source read (null where there is none to check), in the items' order. */
  async function agreementsBehind(source: SearchSource, items: Item[]): Promise<(Agreement | null)[]> {
    if (source.kind !== "association" && source.kind !== "text") return items.map(agreementFromItem);
    const ids = items.map((item) => (source.kind === "text" ? textCandidate(item, source.term) : associationLinkFromItem(item)));
    const byId = new Map((await getMany(ids.filter((id) => id !== null))).map((agreement) => [agreement.id, agreement]));
    return ids.map((id) => (id === null ? null : (byId.get(id) ?? null)));
  }

  async function search(filters: AgreementFilters, request: PageRequest = {}): Promise<Page<Agreement>> {
    const criteria = searchCriteria(filters);
    const source = searchSource(criteria);
    const { index, queriesFrom } = sourceReader(source);
    const limit = pageSize(request.limit);
    // The criteria are the query: a cursor is valid only for the same filters.
    const queryIdentity = JSON.stringify({ search: criteria });
    const keyAttributes = pageKeyAttributes(index);
    let position = request.cursor == null ? undefined : cursors.decode(queryIdentity, request.cursor);
    const found: Agreement[] = [];
    let lastFoundAt: PageKey | undefined;
    let examined = 0;
    while (examined < MAX_EXAMINED_PER_PAGE) {
      // One item more than the page shows whether another page follows; reading on in small steps would cost a
      // Query per step, so later reads take at least a page's worth.
      const wanted = Math.min(Math.max(limit + 1 - found.length, limit), MAX_EXAMINED_PER_PAGE - examined);
      const items = await readInOrder(queriesFrom(position), position, wanted);
      const agreements = await agreementsBehind(source, items);
      for (const [offset, item] of items.entries()) {
        const agreement = agreements[offset];
        if (agreement != null && matchesCriteria(agreement, criteria)) {
          if (found.length === limit) return { items: found, cursor: cursors.encode(queryIdentity, lastFoundAt!) };
          found.push(agreement);
          lastFoundAt = pageKeyOf(item, keyAttributes);
        }
        position = pageKeyOf(item, keyAttributes);
        examined++;
      }
      if (items.length < wanted) return { items: found, cursor: null };
    }
    return { items: found, cursor: cursors.encode(queryIdentity, position!) };
  }

  async function events(agreementId: string, request: PageRequest = {}): Promise<Page<AuditEvent>> {
    const page = await readPartitionPage({ partition: agreementPartition(agreementId), sort: { beginsWith: EVENT_PREFIX } }, request);
    return { items: page.items.map(eventFromItem), cursor: page.cursor };
  }

  async function reports(agreementId: string, request: PageRequest = {}): Promise<Page<Report>> {
    const page = await readPartitionPage({ partition: agreementPartition(agreementId), sort: { beginsWith: REPORT_PREFIX } }, request);
    return { items: page.items.map(reportFromItem), cursor: page.cursor };
  }

  return {
    get,
    getMany,
    applyChanges,
    findRelated,
    listNewestFirst: (request = {}) =>
      listAgreements({ index: "byCreation", partition: ALL_AGREEMENTS, descending: true }, request),
    listByStatus,
    listByOfficer,
    listEndingBetween,
    listByAssociation,
    search,
    events,
    reports,
  };
}

/** A text index write that lost to a newer version of the agreement: the newer write already did its job. */
function ignoreNewerVersion(error: unknown): void {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
}

function pageSize(limit = DEFAULT_PAGE_SIZE): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`A page holds 1 to ${MAX_PAGE_SIZE} items, not ${limit}`);
  }
  return limit;
}

function endKeyRange(range: EndDateRange): { lower: string; upper: string } {
  for (const date of [range.from, range.to]) {
    if (date !== undefined && !isCalendarDate(date)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  }
  const { from = EARLIEST_DATE, to = LATEST_DATE } = range;
  if (from > to) throw new RangeError(`The range starts (${from}) after it ends (${to})`);
  return endKeyBounds(from, to);
}

function endDateCondition(range: EndDateRange | undefined): Pick<PartitionQuery, "sort"> {
  return range === undefined ? {} : { sort: { between: endKeyRange(range) } };
}

/** No condition without a date: agreements without a period sort last and would fall outside any range. */
function endingOnOrBefore(date: CalendarDate | undefined): Pick<PartitionQuery, "sort"> {
  return endDateCondition(date === undefined ? undefined : { to: date });
}

/** Exponential backoff with full jitter, so that contenders do not retry in step. */
function retryDelay(attempt: number): number {
  return Math.random() * BASE_RETRY_DELAY_MS * 2 ** attempt;
}
