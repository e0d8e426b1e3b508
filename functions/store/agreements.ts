/**
 * The agreement store: reads agreements (agreement-reads.ts), writes the changes the lifecycle decides on
 * (agreement-writes.ts, text-index.ts), and answers the list queries and searches (agreement-search.ts), a page at a
 * time (paging.ts). Every read is a GetItem, BatchGetItem or Query on a key or index, never a Scan, so the cost of a
 * call grows with the page it returns, not with the table. docs/data-model.md describes the items and the indexes.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Agreement, Status } from "../domain/agreement";
import type { CalendarDate } from "../domain/dates";
import type { Action, AuditEvent, Change } from "../domain/lifecycle";
import type { Report } from "../domain/reports";
import { createAgreementReads, type EndDateFilter, type EndDateRange, type RelatedRead } from "./agreement-reads";
import { createAgreementSearch } from "./agreement-search";
import { createAgreementWrites } from "./agreement-writes";
import { createTableReader, type Page, type PageRequest } from "./paging";
import type { OverlapGuardRead } from "./overlap-guard";
import type { AgreementFilters } from "./search";
import type { WorkflowNotice } from "./workflow-outbox";

export interface AgreementStore {
  get(agreementId: string): Promise<Agreement | null>;
  /** The agreements with these ids that exist, in the order of the ids; BatchGetItem, 100 keys a call. */
  getMany(agreementIds: readonly string[]): Promise<Agreement[]>;
  /**
   * Writes the changes of one lifecycle result in one transaction: each agreement only if it is still at the
   * version it was read at (or does not exist yet, for a new one), its audit event, its association links, and the
   * workflow notices the change calls for (workflow-outbox.ts). A submission also writes its overlap guards
   * (overlap-guard.ts), conditioned on `overlapGuard`, the versions `findRelated` read before the rule was checked.
   * @throws VersionConflictError when any agreement changed since it was read; then nothing was written.
   * @throws OverlapGuardConflictError when a submission that could overlap was written since; nothing was written.
   */
  applyChanges(changes: readonly Change[], notices?: readonly WorkflowNotice[], overlapGuard?: OverlapGuardRead): Promise<void>;
  /**
   * What `transition` needs besides the agreement to run `action` (relatedRead in functions/domain/lifecycle.ts):
   * its predecessor, the agreements sharing an association; and, read before them, the overlap guards to hand to
   * `applyChanges`.
   */
  findRelated(agreement: Agreement, action: Action): Promise<RelatedRead>;
  /** Every agreement, newest first. */
  listNewestFirst(request?: PageRequest): Promise<Page<Agreement>>;
  /** Ordered by end date, soonest first; agreements without a period last. */
  listByStatus(status: Status, request?: EndDateFilter): Promise<Page<Agreement>>;
  /**
   * How many agreements are in the status (with a period ending in `range`, when given), counted on the byStatus
   * index: DynamoDB reads every agreement it counts. For every status's total, `countsByStatus`.
   */
  countByStatus(status: Status, range?: EndDateRange): Promise<number>;
  /** How many agreements each status has, from the status counters (status-counts.ts): one Query however many there are. */
  countsByStatus(): Promise<Record<Status, number>>;
  /** How many active agreements end on or before each of `dates`, from the end-date counters (status-counts.ts). */
  countActiveEndingBy(dates: readonly CalendarDate[]): Promise<number[]>;
  /** Every agreement in the status whose last day to give notice is in the range, soonest first (byNotice, all pages). */
  listByNoticeDate(status: Status, range: Required<EndDateRange>): Promise<Agreement[]>;
  /** By the responsible officer's email (any letter case), ordered by end date; without a period last. */
  listByOfficer(email: string, request?: EndDateFilter): Promise<Page<Agreement>>;
  /** Agreements in any status whose period ends from `from` to `to` inclusive, by end date. */
  listEndingBetween(range: Required<EndDateRange>, request?: PageRequest): Promise<Page<Agreement>>;
  /** Agreements naming the association, by agreement id. */
  listByAssociation(organisationNumber: string, request?: PageRequest): Promise<Page<Agreement>>;
  /**
   * Agreements matching every filter, read from the most selective index (search.ts) and checked one by one;
   * in the order of that index. Reads at most MAX_EXAMINED_PER_PAGE entries per page.
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

export function createAgreementStore(options: AgreementStoreOptions): AgreementStore {
  const reader = createTableReader(options);
  const reads = createAgreementReads(reader, options);
  return {
    ...reads,
    applyChanges: createAgreementWrites(options),
    search: createAgreementSearch(reader, reads),
  };
}
