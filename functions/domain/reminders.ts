/**
 * Which reminders an agreement should get and when. Pure: the caller says what day it is and what was handled.
 *
 * Each reminder is identified by (agreement, kind, the date it is about, send date, reporting requirement), so
 * recording it before sending makes it exactly-once. When the workflow wakes late, only the most recent due
 * reminder of each kind is sent; older ones that were missed are skipped, since a burst of stale "180 days left"
 * mails helps nobody. A change of the reminder settings or the reporting requirements is never a reason to send:
 * whatever the new settings put on the day of the change or earlier counts as handled.
 */
import { isReportStillDue, type Agreement, type CompleteAgreement } from "./agreement";
import { addDays, addMonths, type CalendarDate } from "./dates";

export const REMINDER_KINDS = ["expiry", "notice", "report-due", "report-overdue"] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** What takes reminders away before their day: a recorded termination, or an approved renewal. */
export const CANCELLATIONS = ["termination", "renewal"] as const;
export type Cancellation = (typeof CANCELLATIONS)[number];

/**
 * Why a reminder is not sent:
 * - `woke-late`: its day passed while the workflow was not running (the system was down, the clock jumped) and a
 *   newer reminder of its kind was due, or the date it is about had passed;
 * - `report-received`: an overdue-report reminder whose report came in;
 * - `schedule-changed`: the reminder settings or reporting requirements changed on or after its day;
 * - `termination`, `renewal`: cancelled by a termination or superseded by an approved renewal (CANCELLATIONS).
 */
export const SKIP_REASONS = ["woke-late", "report-received", "schedule-changed", ...CANCELLATIONS] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface PlannedReminder {
  kind: ReminderKind;
  /** The day the reminder is sent. */
  sendOn: CalendarDate;
  /** The date it is about: the end date, the notice date or a report's due date. */
  concerns: CalendarDate;
  /** For report reminders: the reporting requirement. */
  requirementId?: string;
}

export interface SkippedReminder extends PlannedReminder {
  reason: SkipReason;
}

/**
 * A reminder's identity, what it is about as much as the day it goes out: "expiry.2026-12-31.2026-12-01",
 * "report-due.2025-03-31.2025-03-17.arsrapport". It is also the reminder's id in the API, so it needs no escaping.
 */
export function reminderKey(reminder: PlannedReminder): string {
  return [reminder.kind, reminder.concerns, reminder.sendOn, ...(reminder.requirementId === undefined ? [] : [reminder.requirementId])].join(".");
}

/** The last day notice can be given: the end date less the notice period. */
export function noticeDate(agreement: CompleteAgreement): CalendarDate | null {
  return agreement.noticePeriodMonths ? addMonths(agreement.period.end, -agreement.noticePeriodMonths) : null;
}

/**
 * Expiry and notice reminders stop once a renewal is approved, a termination is recorded (the end date and the
 * notice date no longer apply) or the agreement ends.
 */
function remindsOfExpiry(agreement: Agreement): boolean {
  return (agreement.status === "approved" || agreement.status === "active") && agreement.renewedBy === null && agreement.termination === null;
}

function remindsOfReports(agreement: Agreement): boolean {
  return ["approved", "active", "expired", "renewed", "terminated"].includes(agreement.status);
}

/** Every reminder the agreement's settings call for, in send order. */
export function plannedReminders(agreement: CompleteAgreement): PlannedReminder[] {
  const { reminders, period } = agreement;
  const planned: PlannedReminder[] = [];
  if (remindsOfExpiry(agreement)) {
    for (const daysBefore of reminders.expiryDaysBefore) {
      planned.push({ kind: "expiry", sendOn: addDays(period.end, -daysBefore), concerns: period.end });
    }
    const notice = noticeDate(agreement);
    if (notice) planned.push({ kind: "notice", sendOn: addDays(notice, -reminders.noticeDaysBefore), concerns: notice });
  }
  if (remindsOfReports(agreement)) {
    for (const requirement of agreement.reportingRequirements) {
      for (const due of requirement.dueDates.filter((date) => isReportStillDue(agreement, date))) {
        planned.push({ kind: "report-due", sendOn: addDays(due, -reminders.reportDaysBefore), concerns: due, requirementId: requirement.id });
        planned.push({ kind: "report-overdue", sendOn: addDays(due, 1), concerns: due, requirementId: requirement.id });
      }
    }
  }
  return planned.sort((a, b) => a.sendOn.localeCompare(b.sendOn) || a.kind.localeCompare(b.kind));
}

/**
 * The reminders an agreement's settings called for that a recorded termination or an approved renewal took away:
 * expiry and notice reminders, and, after a termination, those of reports due after it takes effect. Whether
 * one of them went out before the cancellation is the reminder records' to say.
 */
export function cancelledReminders(agreement: CompleteAgreement): (PlannedReminder & { cancelledBy: Cancellation })[] {
  const cancelledBy: Cancellation | null = agreement.termination !== null ? "termination" : agreement.renewedBy !== null ? "renewal" : null;
  if (cancelledBy === null) return [];
  const planned = new Set(plannedReminders(agreement).map(reminderKey));
  return plannedReminders({ ...agreement, status: "active", termination: null, renewedBy: null })
    .filter((reminder) => !planned.has(reminderKey(reminder)))
    .map((reminder) => ({ ...reminder, cancelledBy }));
}

/**
 * The day a change replans the reminders: `today` when the change touches the reminder settings or the reporting
 * requirements of an agreement that has a schedule; otherwise what it was. Reminders the new settings put on that
 * day or earlier then count as handled, so a change never sends anything at once.
 */
export function remindersReplannedOn(before: Agreement, after: Agreement, today: CalendarDate): CalendarDate | undefined {
  const changed = (["reminders", "reportingRequirements"] as const).some((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
  return changed && remindsOfReports(before) ? today : before.remindersReplannedOn;
}

/**
 * What to send today, and what to record as skipped. `handled` holds the keys of reminders already sent or
 * skipped; `submitted` tells whether a report came in for a requirement's due date (an overdue reminder is only
 * for missing reports).
 *
 * Whatever falls on or before the day the reminders were last replanned is skipped (`schedule-changed`). After a
 * late wake-up only the newest due reminder of each kind is sent (per requirement for report reminders), and none
 * about a date that has already passed: "the report is due in 14 days" about a report due months ago helps
 * nobody. An overdue reminder is about a past date by design and is kept. The rest is skipped (`woke-late`).
 */
export function dueReminders(
  agreement: CompleteAgreement,
  today: CalendarDate,
  handled: ReadonlySet<string>,
  submitted: (requirementId: string, due: CalendarDate) => boolean,
): { send: PlannedReminder[]; skip: SkippedReminder[] } {
  const replannedOn = agreement.remindersReplannedOn;
  const skip: SkippedReminder[] = [];
  const candidates: PlannedReminder[] = [];
  for (const reminder of plannedReminders(agreement)) {
    if (reminder.sendOn > today || handled.has(reminderKey(reminder))) continue;
    if (replannedOn !== undefined && reminder.sendOn <= replannedOn) skip.push({ ...reminder, reason: "schedule-changed" });
    else if (reminder.kind === "report-overdue" && submitted(reminder.requirementId!, reminder.concerns)) skip.push({ ...reminder, reason: "report-received" });
    else candidates.push(reminder);
  }
  const newestByGroup = new Map<string, PlannedReminder>();
  for (const reminder of candidates) newestByGroup.set(`${reminder.kind}#${reminder.requirementId ?? ""}`, reminder);
  const outdated = (reminder: PlannedReminder) => reminder.kind !== "report-overdue" && reminder.concerns < today;
  const send = [...newestByGroup.values()].filter((reminder) => !outdated(reminder));
  skip.push(...candidates.filter((reminder) => !send.includes(reminder)).map((reminder) => ({ ...reminder, reason: "woke-late" as const })));
  return { send, skip };
}

/** The next day something is due: a reminder not yet handled, or null when nothing is left. */
export function nextReminderDate(agreement: CompleteAgreement, today: CalendarDate, handled: ReadonlySet<string>): CalendarDate | null {
  const next = plannedReminders(agreement).find((reminder) => reminder.sendOn > today && !handled.has(reminderKey(reminder)));
  return next?.sendOn ?? null;
}

/**
 * Who gets an agreement's reminders: its responsible officer and, when its settings say so, the contacts of its
 * associations; the team mailbox in copy. Each address once, whatever its letter case.
 */
export function reminderRecipients(agreement: CompleteAgreement, teamMailbox: string): { to: string[]; cc: string[] } {
  const seen = new Set<string>();
  const unseen = (address: string) => {
    const key = address.trim().toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const contacts = agreement.reminders.notifyAssociationContact
    ? agreement.associations.flatMap((association) => association.contact?.email ?? [])
    : [];
  const to = [agreement.responsibleOfficer.email, ...contacts].filter(unseen);
  return { to, cc: [teamMailbox].filter(unseen) };
}
