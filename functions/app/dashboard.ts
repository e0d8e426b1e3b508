/**
 * The staff dashboard: what needs attention today, each figure with what it stands for, so the page can link a
 * number to the list behind it. Every figure comes from keys and indexes: statuses and end dates are counted on
 * the byStatus index; notice dates and reports are worked out from the agreements in force (one read of the active
 * status, and one Query of each one's reports); failed workflows from the open-workflows registry; undeliverable
 * addresses from their own partition. docs/data-model.md says what each read costs.
 */
import { isComplete, STATUSES, type Agreement, type CompleteAgreement, type Status } from "../domain/agreement";
import { addDays, stockholmDate, type CalendarDate } from "../domain/dates";
import { noticeDate } from "../domain/reminders";
import { hasBeenSubmitted, reportIdOf, type Report } from "../domain/reports";
import type { UndeliverableAddress } from "../store/undeliverable-addresses";
import { MAX_PAGE_SIZE } from "../store/paging";
import type { ApplicationPorts } from "./ports";
import { permitted, type Principal } from "./principal";

/** The end-date horizons staff plan renewals by, as the expiry reminders do. */
export const ENDING_WITHIN_DAYS = [180, 90, 30] as const;
/** How far ahead a notice date counts as coming up. */
export const NOTICE_WITHIN_DAYS = 90;
/** How far ahead a report counts as due. */
export const REPORTS_DUE_WITHIN_DAYS = 30;
/** Reports partitions read at the same time. */
const REPORT_READS_IN_PARALLEL = 16;

/** Active agreements ending within `days`: the list of `status=active&endsBefore=<endsBefore>`. */
export interface EndingWithin {
  days: number;
  /** The first day after the horizon: the list's `endsBefore`. */
  endsBefore: CalendarDate;
  count: number;
}

/** An agreement named on the dashboard, with what brought it there. */
export interface AgreementRef {
  id: string;
  title: string | null;
}

export interface ReportDue {
  agreement: AgreementRef;
  reportId: string;
  requirementId: string;
  dueDate: CalendarDate;
}

export interface Dashboard {
  today: CalendarDate;
  byStatus: Record<Status, number>;
  ending: EndingWithin[];
  /** Active agreements whose last day to give notice is within {@link NOTICE_WITHIN_DAYS}, soonest first. */
  noticeDates: { agreement: AgreementRef; noticeDate: CalendarDate; endDate: CalendarDate }[];
  reports: {
    /** Due within {@link REPORTS_DUE_WITHIN_DAYS} and not yet in. */
    due: ReportDue[];
    /** Past their due date and not in. */
    overdue: ReportDue[];
    /** Submitted, waiting for staff to accept it or ask for a supplement. */
    awaitingReview: ReportDue[];
  };
  failedWorkflows: { agreement: AgreementRef; at: string; error: string }[];
  /** Addresses SES could not deliver to, with the agreements in force that name them. */
  undeliverable: (UndeliverableAddress & { agreements: AgreementRef[] })[];
}

export function dashboardUseCases({ store, workflowStates, undeliverable, clock }: ApplicationPorts) {
  const refOf = (agreement: Agreement): AgreementRef => ({ id: agreement.id, title: agreement.title ?? null });

  async function everyActive(): Promise<CompleteAgreement[]> {
    const agreements: Agreement[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listByStatus("active", { limit: MAX_PAGE_SIZE, cursor });
      agreements.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== null);
    return agreements.filter(isComplete);
  }

  async function everyReport(agreement: Agreement): Promise<Report[]> {
    const reports: Report[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.reports(agreement.id, { limit: MAX_PAGE_SIZE, cursor });
      reports.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== null);
    return reports;
  }

  async function reportsOf(active: CompleteAgreement[], today: CalendarDate): Promise<Dashboard["reports"]> {
    const due: ReportDue[] = [];
    const overdue: ReportDue[] = [];
    const awaitingReview: ReportDue[] = [];
    const reporting = active.filter((agreement) => agreement.reportingRequirements.length > 0);
    for (let offset = 0; offset < reporting.length; offset += REPORT_READS_IN_PARALLEL) {
      const batch = reporting.slice(offset, offset + REPORT_READS_IN_PARALLEL);
      const reports = await Promise.all(batch.map(everyReport));
      batch.forEach((agreement, index) => {
        const byId = new Map(reports[index]!.map((report) => [report.reportId, report]));
        for (const requirement of agreement.reportingRequirements) {
          for (const dueDate of requirement.dueDates) {
            const reportId = reportIdOf(requirement.id, dueDate);
            const report = byId.get(reportId);
            const entry = { agreement: refOf(agreement), reportId, requirementId: requirement.id, dueDate };
            if (report?.status === "submitted") awaitingReview.push(entry);
            else if (report !== undefined && hasBeenSubmitted(report)) continue;
            else if (dueDate < today) overdue.push(entry);
            else if (dueDate <= addDays(today, REPORTS_DUE_WITHIN_DAYS)) due.push(entry);
          }
        }
      });
    }
    const byDueDate = (a: ReportDue, b: ReportDue) => a.dueDate.localeCompare(b.dueDate) || a.agreement.id.localeCompare(b.agreement.id);
    return { due: due.sort(byDueDate), overdue: overdue.sort(byDueDate), awaitingReview: awaitingReview.sort(byDueDate) };
  }

  /** The addresses an agreement's email goes to: its officer, its contacts and its associations' contacts. */
  const addressesOf = (agreement: CompleteAgreement): string[] =>
    [
      agreement.responsibleOfficer.email,
      ...agreement.contacts.map((contact) => contact.email),
      ...agreement.associations.map((association) => association.contact?.email),
    ].flatMap((address) => (address === undefined ? [] : [address.toLowerCase()]));

  return {
    async overview(principal: Principal): Promise<Dashboard> {
      permitted(principal, "read");
      const today = stockholmDate(clock.now());
      const [counts, ending, active, failed, addresses] = await Promise.all([
        Promise.all(STATUSES.map((status) => store.countByStatus(status))),
        Promise.all(
          ENDING_WITHIN_DAYS.map(async (days) => {
            // The list's endsBefore excludes its date: the horizon's last day is the day before.
            const endsBefore = addDays(today, days + 1);
            return { days, endsBefore, count: await store.countByStatus("active", { to: addDays(endsBefore, -1) }) };
          }),
        ),
        everyActive(),
        workflowStates.listFailed(),
        undeliverable.list(),
      ]);
      const noticeDates = active
        .map((agreement) => ({ agreement: refOf(agreement), noticeDate: noticeDate(agreement), endDate: agreement.period.end }))
        .filter((entry): entry is { agreement: AgreementRef; noticeDate: CalendarDate; endDate: CalendarDate } =>
          entry.noticeDate !== null && entry.noticeDate >= today && entry.noticeDate <= addDays(today, NOTICE_WITHIN_DAYS),
        )
        .sort((a, b) => a.noticeDate.localeCompare(b.noticeDate));
      const failedAgreements = new Map((await store.getMany(failed.map((state) => state.agreementId))).map((agreement) => [agreement.id, agreement]));
      return {
        today,
        byStatus: Object.fromEntries(STATUSES.map((status, index) => [status, counts[index]!])) as Record<Status, number>,
        ending,
        noticeDates,
        reports: await reportsOf(active, today),
        failedWorkflows: failed.map((state) => {
          const agreement = failedAgreements.get(state.agreementId);
          return { agreement: agreement === undefined ? { id: state.agreementId, title: null } : refOf(agreement), at: state.failure.at, error: state.failure.error };
        }),
        undeliverable: addresses.map((address) => ({
          ...address,
          agreements: active.filter((agreement) => addressesOf(agreement).includes(address.address)).map(refOf),
        })),
      };
    },
  };
}

export type DashboardUseCases = ReturnType<typeof dashboardUseCases>;
