/**
 * The staff dashboard: what needs attention today, each figure with what it stands for, so the page can link a
 * number to the list behind it. Every figure comes from keys and indexes, a fixed number of reads whatever the
 * number of agreements: statuses and agreements ending soon from their counters; notice dates read from byNotice;
 * reports from the report schedule; failed workflows, uncertain reminders and undeliverable addresses from their
 * registries (with each address's links to the agreements using it); then one BatchGetItem of the agreements named. docs/data-model.md says what each read costs.
 */
import { agreementAddresses, isComplete, type Agreement, type Status } from "../domain/agreement";
import { addDays, stockholmDate, type CalendarDate } from "../domain/dates";
import { noticeDate } from "../domain/reminders";
import type { UncertainReminder } from "../store/reminders";
import type { UndeliverableAddress } from "../store/undeliverable-addresses";
import type { ScheduledReport } from "../store/report-schedule";
import type { ApplicationPorts } from "./ports";
import { permitted, type Principal } from "./principal";

/** The end-date horizons staff plan renewals by, as the expiry reminders do. */
export const ENDING_WITHIN_DAYS = [180, 90, 30] as const;
/** How far ahead a notice date counts as coming up. */
export const NOTICE_WITHIN_DAYS = 90;
/** How far ahead a report counts as due. */
export const REPORTS_DUE_WITHIN_DAYS = 30;

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
  /** Reminders whose send may or may not have gone out: staff check and may send them again on the agreement page. */
  uncertainReminders: { agreement: AgreementRef; reminder: UncertainReminder }[];
  /** Addresses SES could not deliver to, with the agreements in force that name them. */
  undeliverable: (UndeliverableAddress & { agreements: AgreementRef[] })[];
}

export function dashboardUseCases({ store, workflowStates, reminders, undeliverable, reportSchedule, addressLinks, clock }: ApplicationPorts) {
  const refOf = (agreement: Agreement): AgreementRef => ({ id: agreement.id, title: agreement.title ?? null });

  /** The scheduled reports whose agreement is in force and still has that due date (the schedule follows a moment later). */
  const stillDue = (reports: ScheduledReport[], agreements: Map<string, Agreement>): ReportDue[] =>
    reports.flatMap((report) => {
      const agreement = agreements.get(report.agreementId);
      if (agreement?.status !== "active") return [];
      const requirement = agreement.reportingRequirements?.find((candidate) => candidate.id === report.requirementId);
      if (requirement?.dueDates.includes(report.dueDate) !== true) return [];
      return [{ agreement: refOf(agreement), reportId: report.reportId, requirementId: report.requirementId, dueDate: report.dueDate }];
    });

  /** Active agreements ending within each horizon, from the end-date counters. */
  async function endingWithin(today: CalendarDate): Promise<EndingWithin[]> {
    const counts = await store.countActiveEndingBy(ENDING_WITHIN_DAYS.map((days) => addDays(today, days)));
    // The list's endsBefore excludes its date: the day after the horizon's last.
    return ENDING_WITHIN_DAYS.map((days, index) => ({ days, endsBefore: addDays(today, days + 1), count: counts[index]! }));
  }

  return {
    async overview(principal: Principal): Promise<Dashboard> {
      permitted(principal, "read");
      const today = stockholmDate(clock.now());
      const [counts, ending, withNoticeSoon, open, inReview, failed, uncertain, addresses] = await Promise.all([
        store.countsByStatus(),
        endingWithin(today),
        store.listByNoticeDate("active", { from: today, to: addDays(today, NOTICE_WITHIN_DAYS) }),
        reportSchedule.openUntil(addDays(today, REPORTS_DUE_WITHIN_DAYS)),
        reportSchedule.awaitingReview(),
        workflowStates.listFailed(),
        reminders.listUncertain(),
        undeliverable.list(),
      ]);
      const users = await Promise.all(addresses.map((address) => addressLinks.agreementsUsing(address.address)));
      // Every agreement named by an index entry, in one BatchGetItem (per 100): for its title, and to check the
      // entries that follow the agreement a moment later against the agreement itself.
      const named = new Set([...open, ...inReview, ...failed, ...uncertain].map((entry) => entry.agreementId));
      for (const ids of users) for (const id of ids) named.add(id);
      const agreements = new Map((await store.getMany([...named])).map((agreement) => [agreement.id, agreement]));
      const refById = (id: string): AgreementRef => {
        const agreement = agreements.get(id);
        return agreement === undefined ? { id, title: null } : refOf(agreement);
      };
      const openReports = stillDue(open, agreements);
      const byDueDate = (a: ReportDue, b: ReportDue) => a.dueDate.localeCompare(b.dueDate) || a.agreement.id.localeCompare(b.agreement.id);
      const noticeDates = withNoticeSoon.filter(isComplete).flatMap((agreement) => {
        const date = noticeDate(agreement);
        return date === null ? [] : [{ agreement: refOf(agreement), noticeDate: date, endDate: agreement.period.end }];
      });
      return {
        today,
        byStatus: counts,
        ending,
        noticeDates,
        reports: {
          due: openReports.filter((report) => report.dueDate >= today).sort(byDueDate),
          overdue: openReports.filter((report) => report.dueDate < today).sort(byDueDate),
          awaitingReview: stillDue(inReview, agreements).sort(byDueDate),
        },
        failedWorkflows: failed.map((state) => ({ agreement: refById(state.agreementId), at: state.failure.at, error: state.failure.error })),
        uncertainReminders: uncertain.map((reminder) => ({ agreement: refById(reminder.agreementId), reminder })),
        undeliverable: addresses.map((address, index) => ({
          ...address,
          agreements: users[index]!.flatMap((id) => {
            const agreement = agreements.get(id);
            const inForceAndUsing = agreement?.status === "active" && agreementAddresses(agreement).includes(address.address);
            return inForceAndUsing ? [refOf(agreement)] : [];
          }),
        })),
      };
    },
  };
}

export type DashboardUseCases = ReturnType<typeof dashboardUseCases>;
