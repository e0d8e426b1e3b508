/**
 * Reading agreements: by id (one or a batch), what the lifecycle needs besides the agreement, and the list
 * queries on the indexes. Every read is a GetItem, BatchGetItem or Query on a key or index, never a Scan.
 */
import { GetCommand, type DynamoDBDocumentClient, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Agreement, Status } from "../domain/agreement";
import { isCalendarDate, yearOf, type CalendarDate } from "../domain/dates";
import { relatedRead, type Action, type AuditEvent, type Related } from "../domain/lifecycle";
import { normaliseOrganisationNumber } from "../domain/organisation-number";
import type { Report } from "../domain/reports";
import { batchGetItems } from "./batch-get";
import type { PageKey } from "./cursor";
import {
  agreementFromItem,
  agreementKey,
  agreementPartition,
  ALL_AGREEMENTS,
  ASSOCIATION_LINK_PREFIX,
  associationLinkFromItem,
  associationNumbers,
  associationPartition,
  endKeyBounds,
  endYearKey,
  EVENT_PREFIX,
  eventFromItem,
  officerKey,
} from "./items";
import { readOverlapGuard, type OverlapGuardRead } from "./overlap-guard";
import { MAX_PAGE_SIZE, type Page, type PageRequest, type PartitionQuery, type TableReader } from "./paging";
import { REPORT_PREFIX, reportFromItem } from "./reports";
import { countActiveEndingBy, readStatusCounts } from "./status-counts";
import { TABLE_DEFINITION } from "./table";

/** Each calendar year in an ending-between range costs one Query, even when nothing ends that year. */
export const MAX_ENDING_RANGE_YEARS = 20;

/** Inclusive bounds on the end date; a missing bound is open. */
export interface EndDateRange {
  from?: CalendarDate;
  to?: CalendarDate;
}

export interface EndDateFilter extends PageRequest {
  /** Only agreements with a period ending in this range (drafts without a period never match). */
  endsBetween?: EndDateRange;
}

/** Outer bounds of the YYYY-MM-DD text form, for a range left open on one side. */
const EARLIEST_DATE = "0000-01-01";
const LATEST_DATE = "9999-12-31";

export type AgreementReads = ReturnType<typeof createAgreementReads>;

/** What a transition needs besides the agreement, and the overlap guards as they were before it was read. */
export type RelatedRead = Related & { overlapGuard: OverlapGuardRead };

export function createAgreementReads(reader: TableReader, { client, tableName }: { client: DynamoDBDocumentClient; tableName: string }) {
  const { queryInput, readInOrder, readPage, readPartitionPage, count } = reader;

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
    const items = await batchGetItems(client, tableName, agreementIds.map(agreementKey));
    const found = new Map(items.map((item) => agreementFromItem(item)).map((agreement) => [agreement.id, agreement]));
    return agreementIds.flatMap((id) => found.get(id) ?? []);
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

  async function findRelated(agreement: Agreement, action: Action): Promise<RelatedRead> {
    const needs = relatedRead(action);
    const readsAssociation = needs.includes("sameAssociation");
    // The guards first: a submission that writes after this read makes this one's transaction fail.
    const overlapGuard = readsAssociation ? await readOverlapGuard(client, tableName, agreement) : new Map<string, number>();
    const [predecessor, sameAssociation] = await Promise.all([
      needs.includes("predecessor") && agreement.renewalOf !== null ? get(agreement.renewalOf) : null,
      readsAssociation ? agreementsSharingAssociation(agreement) : null,
    ]);
    return { ...(predecessor === null ? {} : { predecessor }), ...(sameAssociation === null ? {} : { sameAssociation }), overlapGuard };
  }

  async function listEndingBetween(range: Required<EndDateRange>, request: PageRequest = {}): Promise<Page<Agreement>> {
    const queries = endingBetweenQueries(queryInput, range);
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

  /** Every agreement in the status whose last day to give notice is in the range (both inclusive), soonest first. */
  async function listByNoticeDate(status: Status, range: Required<EndDateRange>): Promise<Agreement[]> {
    const agreements: Agreement[] = [];
    let cursor: string | null = null;
    do {
      const page = await listAgreements({ index: "byNotice", partition: status, sort: { between: endKeyRange(range) } }, { limit: MAX_PAGE_SIZE, cursor });
      agreements.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== null);
    return agreements;
  }

  async function countByStatus(status: Status, range?: EndDateRange): Promise<number> {
    return count({ index: "byStatus", partition: status, ...endDateCondition(range) });
  }

  async function listByOfficer(email: string, request: EndDateFilter = {}): Promise<Page<Agreement>> {
    const officer = officerKey(email);
    if (officer === "") throw new RangeError("An officer's email is required");
    return listAgreements({ index: "byOfficer", partition: officer, ...endDateCondition(request.endsBetween) }, request);
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
    findRelated,
    listNewestFirst: (request: PageRequest = {}) =>
      listAgreements({ index: "byCreation", partition: ALL_AGREEMENTS, descending: true }, request),
    listByStatus,
    countByStatus,
    countsByStatus: () => readStatusCounts(client, tableName),
    countActiveEndingBy: (dates: readonly CalendarDate[]) => countActiveEndingBy(client, tableName, dates),
    listByNoticeDate,
    listByOfficer,
    listEndingBetween,
    listByAssociation,
    events,
    reports,
  };
}

export function associationQuery(organisationNumber: string): PartitionQuery {
  return { partition: associationPartition(organisationNumber), sort: { beginsWith: ASSOCIATION_LINK_PREFIX } };
}

/** Queries of the byEndYear index, year by year, for agreements ending in the range. */
export function endingBetweenQueries(
  queryInput: TableReader["queryInput"],
  range: Required<EndDateRange>,
): (start: PageKey | undefined) => Iterable<QueryCommandInput> {
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
export function endingOnOrBefore(date: CalendarDate | undefined): Pick<PartitionQuery, "sort"> {
  return endDateCondition(date === undefined ? undefined : { to: date });
}
