/**
 * Sends an agreement's due reminders exactly once: each is claimed with a conditional write before its email goes
 * out, marked sent when SES accepts it, released for the next attempt when SES surely did not, and marked
 * uncertain when nobody can know. A claim whose attempt died (a killed process, a Lambda timeout) is settled once
 * no attempt can still hold it: sent when the mail service shows the email, uncertain otherwise, never sent again.
 */
import type { CompleteAgreement } from "../domain/agreement";
import { stockholmDate, type CalendarDate } from "../domain/dates";
import { agreementLink } from "../domain/links";
import { dueReminders, reminderKey, reminderRecipients, type PlannedReminder } from "../domain/reminders";
import { hasBeenSubmitted, type Report } from "../domain/reports";
import { reminderMessage, type Language } from "../email/reminder-message";
import { EmailRefusedError, REMINDER_HEADER, type Mailer } from "../email/sender";
import type { AgreementStore } from "../store/agreements";
import type { ReminderRecord, ReminderStore } from "../store/reminders";

export interface ReminderMailSettings {
  /** Gets every reminder in copy. */
  teamMailbox: string;
  /** The app's public origin; the email links to `<appUrl>/agreements/<id>`. */
  appUrl: string;
  language: Language;
}

export interface SendRemindersDependencies {
  agreements: AgreementStore;
  reminders: ReminderStore;
  mailer: Mailer;
  mail: ReminderMailSettings;
}

/**
 * How long an attempt may hold a reminder's claim (`sending`). Longer than any attempt lives: a workflow task's
 * Lambda function ends after 60 s and the API's after 20 s (infra/), and SES's answer is awaited 15 s at most
 * (functions/email/sender.ts). A claim older than this was left by an attempt that died, and is settled.
 */
export const CLAIM_TIMEOUT_MS = 5 * 60_000;

/** What the attempt settling an abandoned claim records as the reason it is uncertain. */
export const ABANDONED_CLAIM_ERROR =
  "The attempt sending it stopped before it was known whether the email went, and the mail service cannot say; check the mailbox before sending it again";

/** The value of an email's REMINDER_HEADER. */
export function reminderHeader(agreementId: string, reminder: PlannedReminder): string {
  return `${agreementId} ${reminderKey(reminder)}`;
}

/** SES surely did not take a reminder; it is back to `pending` and the task fails, to be retried. */
export class ReminderNotSentError extends Error {
  override readonly name = "ReminderNotSentError";
}

/**
 * Whether a report came in for a requirement's due date: the association submitted it at least once (a draft it
 * is still writing does not count; a report sent back for a supplement did come in).
 */
function reportCameIn(reports: readonly Report[], requirementId: string, due: CalendarDate): boolean {
  return reports.some((report) => report.requirementId === requirementId && report.dueDate === due && hasBeenSubmitted(report));
}

async function allReports(agreements: AgreementStore, agreementId: string): Promise<Report[]> {
  const reports: Report[] = [];
  let cursor: string | null = null;
  do {
    const page = await agreements.reports(agreementId, { limit: 100, cursor });
    reports.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  return reports;
}

/** What a catch-up did with the agreement's reminders. */
export interface RemindersHandled {
  /** The keys of every reminder handled: sent, skipped, uncertain, or claimed by an attempt. */
  handled: Set<string>;
  /** When the earliest claim still held by another attempt times out, to be settled then; null when none is held. */
  settleAt: Date | null;
}

/**
 * Settles the claims of attempts that are gone (older than CLAIM_TIMEOUT_MS at `now`): `sent` when the mail
 * service shows the email (the local mail catcher; SES cannot say), `uncertain` otherwise, for a person to check
 * and send again. Returns when the earliest claim still young times out, or null.
 */
async function settleAbandonedClaims(
  { reminders, mailer }: SendRemindersDependencies,
  agreementId: string,
  records: readonly ReminderRecord[],
  now: Date,
): Promise<Date | null> {
  let settleAt: Date | null = null;
  for (const record of records.filter((candidate) => candidate.status === "sending")) {
    const timesOut = new Date(new Date(record.updatedAt).getTime() + CLAIM_TIMEOUT_MS);
    if (timesOut > now) {
      if (settleAt === null || timesOut < settleAt) settleAt = timesOut;
      continue;
    }
    const messageId = await mailer.findSent({ name: REMINDER_HEADER, value: reminderHeader(agreementId, record) });
    await reminders.settleAbandoned(record, messageId === null ? { error: ABANDONED_CLAIM_ERROR } : { messageId }, now);
  }
  return settleAt;
}

/**
 * Sends what is due at `now` under the rules of functions/domain/reminders.ts (dueReminders); what they skip is
 * recorded as skipped, with the reason; abandoned claims are settled first.
 *
 * A reminder whose send failed so that nobody can know whether SES took it is recorded as `uncertain` and left
 * for a person to send again: sending it again by itself could send it twice.
 * @throws ReminderNotSentError when SES surely did not take an email; reminders sent before it stay sent.
 */
export async function sendDueReminders(
  dependencies: SendRemindersDependencies,
  agreement: CompleteAgreement,
  now: Date,
): Promise<RemindersHandled> {
  const { agreements, reminders, mail } = dependencies;
  const today = stockholmDate(now);
  const records = await reminders.list(agreement.id);
  const settleAt = await settleAbandonedClaims(dependencies, agreement.id, records, now);
  // Keys recomputed from what each record describes, so records written under an earlier key format still count.
  const handled = new Set(records.filter((record) => record.status !== "pending").map(reminderKey));
  const reports = agreement.reportingRequirements.length > 0 ? await allReports(agreements, agreement.id) : [];
  const { send, skip } = dueReminders(agreement, today, handled, (requirementId, due) => reportCameIn(reports, requirementId, due));

  for (const reminder of skip) {
    await reminders.skip(agreement.id, reminder, now);
    handled.add(reminderKey(reminder));
  }
  const recipients = reminderRecipients(agreement, mail.teamMailbox);
  for (const reminder of send) {
    handled.add(reminderKey(reminder));
    // Someone else holds or finished this reminder: another generation, a replay, or an earlier attempt.
    if (!(await reminders.claim(agreement.id, reminder, [...recipients.to, ...recipients.cc], now))) continue;
    const outcome = await sendClaimed(dependencies, agreement, reminder, now);
    if (outcome instanceof EmailRefusedError) {
      await reminders.release(agreement.id, reminder, outcome.message, now);
      throw new ReminderNotSentError(`Reminder ${reminderKey(reminder)} of ${agreement.id} was not sent: ${outcome.message}`, { cause: outcome });
    }
  }
  return { handled, settleAt };
}

/**
 * Sends a reminder this caller has claimed and records what became of it: `sent`, or `uncertain` when nobody can
 * know whether SES took it. When SES surely did not take it, returns the error and leaves the record `sending`
 * for the caller to decide.
 */
export async function sendClaimed(
  { reminders, mailer, mail }: SendRemindersDependencies,
  agreement: CompleteAgreement,
  reminder: PlannedReminder,
  now: Date,
): Promise<"sent" | "uncertain" | EmailRefusedError> {
  const message = reminderMessage({ reminder, agreement, today: stockholmDate(now), link: agreementLink(mail.appUrl, agreement.id), language: mail.language });
  let messageId: string;
  try {
    ({ messageId } = await mailer.send({ ...reminderRecipients(agreement, mail.teamMailbox), ...message, headers: { [REMINDER_HEADER]: reminderHeader(agreement.id, reminder) } }));
  } catch (error) {
    if (error instanceof EmailRefusedError) return error;
    await reminders.markUncertain(agreement.id, reminder, error instanceof Error ? error.message : String(error), now);
    return "uncertain";
  }
  await reminders.markSent(agreement.id, reminder, messageId, now);
  return "sent";
}
