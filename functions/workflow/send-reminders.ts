/**
 * Sends an agreement's due reminders exactly once: each is claimed with a conditional write before its email goes
 * out, marked sent when SES accepts it, released for the next attempt when SES surely did not, and marked
 * uncertain when nobody can know.
 */
import type { CompleteAgreement } from "../domain/agreement";
import { stockholmDate, type CalendarDate } from "../domain/dates";
import { agreementLink } from "../domain/links";
import { dueReminders, reminderKey, reminderRecipients, type PlannedReminder } from "../domain/reminders";
import { hasBeenSubmitted, type Report } from "../domain/reports";
import { reminderMessage, type Language } from "../email/reminder-message";
import { EmailRefusedError, REMINDER_HEADER, type Mailer } from "../email/sender";
import type { AgreementStore } from "../store/agreements";
import type { ReminderStore } from "../store/reminders";

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

/**
 * Sends what is due at `now` under the rules of functions/domain/reminders.ts (dueReminders); what they skip is
 * recorded as skipped, with the reason. Returns the keys of every reminder now handled.
 *
 * A reminder whose send failed so that nobody can know whether SES took it is recorded as `uncertain` and left
 * for a person to send again: sending it again by itself could send it twice.
 * @throws ReminderNotSentError when SES surely did not take an email; reminders sent before it stay sent.
 */
export async function sendDueReminders(
  dependencies: SendRemindersDependencies,
  agreement: CompleteAgreement,
  now: Date,
): Promise<Set<string>> {
  const { agreements, reminders, mail } = dependencies;
  const today = stockholmDate(now);
  const records = await reminders.list(agreement.id);
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
  return handled;
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
