/**
 * Running a search: the filters (search.ts) pick the most selective source, which is read in its index's order,
 * and every agreement read is checked against all the filters. A page reads at most {@link MAX_EXAMINED_PER_PAGE}
 * entries, so its cost is bounded whatever the filters.
 */
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Agreement } from "../domain/agreement";
import { yearOf } from "../domain/dates";
import type { AgreementReads } from "./agreement-reads";
import { associationQuery, endingBetweenQueries, endingOnOrBefore, MAX_ENDING_RANGE_YEARS } from "./agreement-reads";
import type { PageKey } from "./cursor";
import { agreementFromItem, ALL_AGREEMENTS, associationLinkFromItem, pageKeyOf, type Item } from "./items";
import { pageSize, type Page, type PageRequest, type PartitionQuery, type TableReader } from "./paging";
import { matchesCriteria, searchCriteria, searchSource, textCandidate, textPartition, type AgreementFilters, type SearchSource } from "./search";
import type { IndexName } from "./table";

/**
 * A search with filters its index does not apply reads at most this many index entries for one page, so a page
 * may hold fewer agreements than asked for (even none) and still have a cursor to continue from.
 */
export const MAX_EXAMINED_PER_PAGE = 200;

export type SearchAgreements = (filters: AgreementFilters, request?: PageRequest) => Promise<Page<Agreement>>;

export function createAgreementSearch(reader: TableReader, reads: Pick<AgreementReads, "getMany">): SearchAgreements {
  const { cursors, queryInput, readInOrder, pageKeyAttributes } = reader;

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
        return single({ partition: textPartition(source.term), sort: { beginsWith: source.term } });
      case "officer":
        return single({ index: "byOfficer", partition: source.officer, ...endingOnOrBefore(source.endsOnOrBefore) });
      case "status":
        return single({ index: "byStatus", partition: source.status, ...endingOnOrBefore(source.endsOnOrBefore) });
      case "ending": {
        // Without a lower bound, the range reaches back as far as one range may span.
        const from = `${yearOf(source.endsOnOrBefore) - MAX_ENDING_RANGE_YEARS + 1}-01-01`;
        return { index: "byEndYear", queriesFrom: endingBetweenQueries(queryInput, { from, to: source.endsOnOrBefore }) };
      }
      case "all":
        return single({ index: "byCreation", partition: ALL_AGREEMENTS, descending: true });
      case "allByEnd":
        return single({ index: "byEnd", partition: ALL_AGREEMENTS });
    }
  }

  /** The agreement behind each item a source read (null where there is none to check), in the items' order. */
  async function agreementsBehind(source: SearchSource, items: Item[]): Promise<(Agreement | null)[]> {
    if (source.kind !== "association" && source.kind !== "text") return items.map(agreementFromItem);
    const ids = items.map((item) => (source.kind === "text" ? textCandidate(item, source.term) : associationLinkFromItem(item)));
    const byId = new Map((await reads.getMany(ids.filter((id) => id !== null))).map((agreement) => [agreement.id, agreement]));
    return ids.map((id) => (id === null ? null : (byId.get(id) ?? null)));
  }

  return async function search(filters, request = {}) {
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
  };
}
