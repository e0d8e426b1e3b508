/**
 * Staff's view of an agreement's reminders, and sending one again: every reminder in one list with its state
 * (planned, sending, pending, sent, uncertain, skipped and why), from the agreement's schedule
 * (functions/domain/reminders.ts) and what the workflow recorded (functions/store/reminders.ts). Sending again
 * claims the reminder and sends it as the workflow does (functions/workflow/send-reminders.ts).
 */
import { isComplete } from "../domain/agreement";
import type { CalendarDate } from "../domain/dates";
import {
  cancelledReminders,
  plannedReminders,
  reminderKey,
  reminderRecipients,
  type PlannedReminder,
  type ReminderKind,
  type SkipReason,
} from "../domain/reminders";
import type { ReminderRecord, ReminderStatus } from "../store/reminders";
import { sendClaimed, type SendRemindersDependencies } from "../workflow/send-reminders";
import { readAgreement } from "./commands";
import { ReminderNotFoundError, ReminderNotUncertainError, ReminderResendFailedError } from "./errors";
import type { ApplicationPorts } from "./ports";
import { permitted, type Principal } from "./principal";

/** `planned`: not due yet, or due and waiting for the workflow; the other states are the record's. */
export const REMINDER_STATES = ["planned", ...(["sending", "pending", "sent", "uncertain", "skipped"] as const satisfies readonly ReminderStatus[])] as const;
export type ReminderState = (typeof REMINDER_STATES)[number];

export interface ReminderView {
  /** The reminder's key: what it is about and when it goes out. */
  id: string;
  kind: ReminderKind;
  sendOn: CalendarDate;
  concerns: CalendarDate;
  requirementId?: string;
  state: ReminderState;
  /** Why a skipped reminder was not sent. */
  skipReason?: SkipReason;
  /** Who it went (or goes) to, once the workflow took it up. */
  recipients?: string[];
  attempts?: number;
  /** Why the last attempt failed (pending, uncertain). */
  lastError?: string;
  /** When the state last changed; for `sent`, when SES accepted it. */
  updatedAt?: string;
  /** Who asked for it to be sent again. */
  resentBy?: string;
  /** An uncertain reminder: staff may send it again (resendReminder). */
  canResend: boolean;
}

function recordView(record: ReminderRecord): ReminderView {
  const { kind, sendOn, concerns, requirementId, status, skipReason, recipients, attempts, lastError, updatedAt, resentBy } = record;
  return {
    id: reminderKey(record),
    kind,
    sendOn,
    concerns,
    ...(requirementId === undefined ? {} : { requirementId }),
    state: status,
    ...(skipReason === undefined ? {} : { skipReason }),
    ...(status === "skipped" ? {} : { recipients, attempts }),
    ...(lastError === undefined || status === "sent" ? {} : { lastError }),
    updatedAt,
    ...(resentBy === undefined ? {} : { resentBy }),
    canResend: status === "uncertain",
  };
}

/**
 * Every reminder of the agreement in send order: those the workflow recorded as they are recorded, the rest of
 * its schedule as planned, or as skipped when a change of its settings passed them over or its course (a
 * termination, a renewal) cancelled them.
 * @throws AgreementNotFoundError
 */
export async function listReminders(
  { agreements, reminders }: Pick<SendRemindersDependencies, "agreements" | "reminders">,
  agreementId: string,
): Promise<ReminderView[]> {
  const [agreement, records] = await Promise.all([readAgreement(agreements, agreementId), reminders.list(agreementId)]);
  const views = new Map(records.map((record) => [reminderKey(record), recordView(record)]));
  const replannedOn = agreement.remindersReplannedOn;
  const unrecorded = (reminder: PlannedReminder) => !views.has(reminderKey(reminder));
  const skipped = (reminder: PlannedReminder, skipReason: SkipReason): ReminderView => ({ id: reminderKey(reminder), ...reminder, state: "skipped", skipReason, canResend: false });
  if (isComplete(agreement)) {
    for (const reminder of plannedReminders(agreement).filter(unrecorded)) {
      const passedOver = replannedOn !== undefined && reminder.sendOn <= replannedOn;
      views.set(reminderKey(reminder), passedOver ? skipped(reminder, "schedule-changed") : { id: reminderKey(reminder), ...reminder, state: "planned", canResend: false });
    }
    for (const { cancelledBy, ...reminder } of cancelledReminders(agreement).filter(unrecorded)) views.set(reminderKey(reminder), skipped(reminder, cancelledBy));
  }
  return [...views.values()].sort((a, b) => a.sendOn.localeCompare(b.sendOn) || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}

/**
 * Sends an uncertain reminder again, at a person's request, to the agreement's recipients of today, and records
 * who asked. Two requests at once send it once: the reminder is claimed first.
 * @throws AgreementNotFoundError, ReminderNotFoundError, ReminderNotUncertainError, ReminderResendFailedError
 */
async function resendReminder(
  dependencies: SendRemindersDependencies,
  input: { agreementId: string; reminderId: string; resentBy: string; now: Date },
): Promise<ReminderView> {
  const { agreements, reminders, mail } = dependencies;
  const { agreementId, reminderId, resentBy, now } = input;
  const agreement = await readAgreement(agreements, agreementId);
  const record = await reminders.get(agreementId, reminderId);
  if (record === null || !isComplete(agreement)) throw new ReminderNotFoundError(agreementId, reminderId);
  if (record.status !== "uncertain") throw new ReminderNotUncertainError(record.status);
  const recipients = reminderRecipients(agreement, mail.teamMailbox);
  if (!(await reminders.claimUncertain(agreementId, record, [...recipients.to, ...recipients.cc], resentBy, now))) {
    throw new ReminderNotUncertainError("sending");
  }
  const outcome = await sendClaimed(dependencies, agreement, record, now);
  if (outcome !== "sent") {
    // Whatever this attempt did, the first one may have gone: the reminder stays uncertain.
    if (outcome !== "uncertain") await reminders.markUncertain(agreementId, record, outcome.message, now);
    throw new ReminderResendFailedError(outcome !== "uncertain");
  }
  return recordView((await reminders.get(agreementId, reminderId))!);
}

export function reminderUseCases(ports: ApplicationPorts) {
  const { store, reminders, reporting, teamMailbox, appOrigin, clock } = ports;
  const sending: SendRemindersDependencies = {
    agreements: store,
    reminders,
    mailer: reporting.mailer,
    mail: { teamMailbox, appUrl: appOrigin, language: reporting.language },
  };
  return {
    /** Every reminder of the agreement in send order, with its state. */
    async list(principal: Principal, agreementId: string): Promise<ReminderView[]> {
      permitted(principal, "read");
      return listReminders(sending, agreementId);
    },

    /**
     * Sends an uncertain reminder again and records who asked.
     * @throws AgreementNotFoundError, ReminderNotFoundError, ReminderNotUncertainError, ReminderResendFailedError
     */
    async resend(principal: Principal, input: { agreementId: string; reminderId: string }): Promise<ReminderView> {
      const actor = permitted(principal, "edit");
      return resendReminder(sending, { ...input, resentBy: actor.id, now: clock.now() });
    },
  };
}

export type ReminderUseCases = ReturnType<typeof reminderUseCases>;
