/**
 * Settles the reminder sends a killed runtime left half done. A reminder is claimed (`sending`) before its email
 * goes to the mail catcher and marked `sent` after; a runtime killed in between leaves the record `sending`, which
 * the workflow never claims again, since in AWS nobody can tell whether SES took the email. Locally the answer is
 * known: the catcher runs in the runtime's own process and keeps on disk what it took (functions/local/mail.ts). An
 * email with the reminder's header among what it kept means it was sent; none means it died with the process and
 * reached nobody, so it is sent again. Each agreement's records are settled once, the first time the workflow
 * lists them after the start, and only records written before the start: a send of this run is never touched.
 */
import { reminderHeader } from "../workflow/send-reminders";
import type { ReminderStore } from "../store/reminders";

/** The id of the message the mail catcher kept with this REMINDER_HEADER value, or null. */
export type KeptReminderEmail = (headerValue: string) => string | null;

export function settlingInterruptedSends(reminders: ReminderStore, kept: KeptReminderEmail, now: () => Date): ReminderStore {
  const startedAt = now();
  const settled = new Set<string>();
  return {
    ...reminders,
    async list(agreementId) {
      const records = await reminders.list(agreementId);
      if (settled.has(agreementId)) return records;
      settled.add(agreementId);
      const interrupted = records.filter((record) => record.status === "sending" && new Date(record.updatedAt) < startedAt);
      if (interrupted.length === 0) return records;
      for (const record of interrupted) {
        const messageId = kept(reminderHeader(agreementId, record));
        if (messageId === null) await reminders.release(agreementId, record, "The runtime stopped before the mail catcher took the email", now());
        else await reminders.markSent(agreementId, record, messageId, now());
      }
      return reminders.list(agreementId);
    },
  };
}
