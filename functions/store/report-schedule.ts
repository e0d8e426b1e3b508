/**
 * The report schedule: which reports the dashboard must show, by due date, without reading every agreement's
 * reports. Two registries, each one partition sorted by `<due date>#<agreement id>#<report id>`:
 *
 * - **open** (`REPORTS#OPEN`): one entry per due date of each agreement in force (`active`) whose report has not come
 *   in. Derived from the agreement, so written after its transaction (derived-entries.ts) when the agreement enters
 *   or leaves `active` or its reporting requirements change; the submission of the report deletes it in the
 *   submission's own transaction (reports.ts).
 * - **review** (`REPORTS#REVIEW`): one entry per report `submitted` and not yet reviewed, written in the submission's
 *   transaction and deleted in the review's (reports.ts).
 *
 * Overdue and due-soon reports are one Query of the open partition up to a date; those waiting for review one Query
 * of the other. docs/data-model.md describes the items; dashboard-entries.ts fills them in for agreements written
 * before the schedule existed.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { calendarDateSchema, type Agreement } from "../domain/agreement";
import type { CalendarDate } from "../domain/dates";
import type { Change } from "../domain/lifecycle";
import { hasBeenSubmitted, REPORT_STATUSES, reportIdOf } from "../domain/reports";
import { derivedEntryWrites, lostKeys, sameKeys } from "./derived-entries";
import { agreementPartition, parseItem, type Item, type ItemKey } from "./items";
import { queryPartition } from "./query";

const OPEN_PARTITION = "REPORTS#OPEN";
const REVIEW_PARTITION = "REPORTS#REVIEW";
export const REPORT_ITEM_PREFIX = "REPORT#";

/** A report on the schedule: which agreement, requirement and due date. */
export const scheduledReportSchema = z.object({
  agreementId: z.string(),
  reportId: z.string(),
  requirementId: z.string(),
  dueDate: calendarDateSchema,
});
export type ScheduledReport = z.infer<typeof scheduledReportSchema>;

const reportStatusSchema = z.object({ reportId: z.string(), status: z.enum(REPORT_STATUSES) });

function scheduleKey(partition: string, report: ScheduledReport): ItemKey {
  return { pk: partition, sk: `${report.dueDate}#${report.agreementId}#${report.reportId}` };
}

const entryOf = (report: ScheduledReport) => ({
  agreementId: report.agreementId,
  reportId: report.reportId,
  requirementId: report.requirementId,
  dueDate: report.dueDate,
});

/** The open entry of a report: deleted when the report is submitted. */
export function openReportKey(report: ScheduledReport): ItemKey {
  return scheduleKey(OPEN_PARTITION, report);
}

/** The entry of a report waiting for review: written on submission, deleted on review. */
export function reviewEntry(report: ScheduledReport): Item {
  return { ...scheduleKey(REVIEW_PARTITION, report), ...entryOf(report) };
}

export function reviewKey(report: ScheduledReport): ItemKey {
  return scheduleKey(REVIEW_PARTITION, report);
}

/** Every report an agreement in force is due to give, whether or not it came in; none for any other status. */
function dueReports(agreement: Agreement): ScheduledReport[] {
  if (agreement.status !== "active") return [];
  return (agreement.reportingRequirements ?? []).flatMap((requirement) =>
    requirement.dueDates.map((dueDate) => ({ agreementId: agreement.id, reportId: reportIdOf(requirement.id, dueDate), requirementId: requirement.id, dueDate })),
  );
}

/** The report ids of the agreement that came in: one consistent Query of its reports. */
async function submittedReportIds(client: DynamoDBDocumentClient, tableName: string, agreementId: string): Promise<Set<string>> {
  const items = await queryPartition(client, tableName, agreementPartition(agreementId), REPORT_ITEM_PREFIX);
  const reports = items.map((item) => parseItem(item, reportStatusSchema));
  return new Set(reports.filter(hasBeenSubmitted).map((report) => report.reportId));
}

/** Writes the open entries of one agreement as it is now, and deletes those of due dates it no longer has. */
export async function writeOpenEntries(client: DynamoDBDocumentClient, tableName: string, agreement: Agreement, lost: readonly ItemKey[]): Promise<void> {
  const due = dueReports(agreement);
  const submitted = due.length === 0 ? new Set<string>() : await submittedReportIds(client, tableName, agreement.id);
  const open = due.filter((report) => !submitted.has(report.reportId));
  // A report that came in has no open entry, even one a writer that read an older agreement had put back.
  const cameIn = due.filter((report) => submitted.has(report.reportId)).map(openReportKey);
  const entries = open.map((report) => ({ ...openReportKey(report), ...entryOf(report) }));
  await Promise.all(derivedEntryWrites(client, tableName, agreement.version, entries, [...lost, ...cameIn]));
}

/** Keeps the open entries in line with agreements just written (applyChanges, after its transaction). */
export async function syncReportSchedule(client: DynamoDBDocumentClient, tableName: string, changes: readonly Change[]): Promise<void> {
  await Promise.all(
    changes.map(async ({ before, after }) => {
      const previous = (before === null ? [] : dueReports(before)).map(openReportKey);
      const current = dueReports(after).map(openReportKey);
      if (sameKeys(previous, current)) return;
      await writeOpenEntries(client, tableName, after, lostKeys(previous, current));
    }),
  );
}

export interface ReportSchedule {
  /** Reports due on or before `date` that have not come in, of agreements in force, soonest first. */
  openUntil(date: CalendarDate): Promise<ScheduledReport[]>;
  /** Reports submitted and not yet reviewed, soonest due first. */
  awaitingReview(): Promise<ScheduledReport[]>;
}

export function createReportSchedule({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): ReportSchedule {
  return {
    async openUntil(date) {
      const items = await queryPartition(client, tableName, OPEN_PARTITION, "", { sortKeyAtMost: `${date}#\u{10FFFF}` });
      return items.map((item) => parseItem(item, scheduledReportSchema));
    },
    async awaitingReview() {
      const items = await queryPartition(client, tableName, REVIEW_PARTITION);
      return items.map((item) => parseItem(item, scheduledReportSchema));
    },
  };
}
