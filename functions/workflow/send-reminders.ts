/**
 * Sends an agreement's due reminders exactly once: each is claimed with a conditional write before its email goes
 * out, released for the next attempt when sending fails, and marked sent when SES accepts it.
 */
import type { CompleteAgreement } from "../domain/agreement";
import { stockholmDate, type CalendarDate } from "../domain/dates";
import { agreementLink } from "../domain/links";
import { reminderKey, reminderRecipients, dueReminders } from "../domain/reminders";
import { hasBeenSubmitted, type Report } from "../domain/reports";
import { reminderMessage, type Language } from "../email/reminder-message";
import type { Mailer } from "../email/sender";
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

/** SES refused or could not be reached; the reminder is back to `pending` and the task fails, to be retried. */
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
 * Sends what is due at `now` under the late wake-up rule (functions/domain/reminders.ts: only the newest due
 * reminder of each kind, and none about a date already past; the others are recorded as skipped). Returns the
 * keys of every reminder now handled.
 * @throws ReminderNotSentError when an email could not be sent; reminders sent before it stay sent.
 */
export async function sendDueReminders(
  { agreements, reminders, mailer, mail }: SendRemindersDependencies,
  agreement: CompleteAgreement,
  now: Date,
): Promise<Set<string>> {
  const today = stockholmDate(now);
  const records = await reminders.list(agreement.id);
  const handled = new Set(records.filter((record) => record.status !== "pending").map((record) => record.key));
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
    const message = reminderMessage({ reminder, agreement, today, link: agreementLink(mail.appUrl, agreement.id), language: mail.language });
    let messageId: string;
    try {
      ({ messageId } = await mailer.send({ ...recipients, ...message }));
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await reminders.release(agreement.id, reminder, reason, now);
      throw new ReminderNotSentError(`Reminder ${reminderKey(reminder)} of ${agreement.id} was not sent: ${reason}`, { cause: error });
    }
    await reminders.markSent(agreement.id, reminder, messageId, now);
  }
  return handled;
}
