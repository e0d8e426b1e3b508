/**
 * The calendar side of the lifecycle: which transition a date calls for, and when an agreement next needs
 * attention (a reminder, its start, its end). Pure: the caller passes the instant and what was already handled.
 */
import { lastDayInForce, type CompleteAgreement } from "./agreement";
import { endOfDay, startOfDay, stockholmDate } from "./dates";
import { nextReminderDate } from "./reminders";

export type CalendarTransition = "activate" | "expire" | "end";

/**
 * `activate` from the start date on; once the last day in force is over (Europe/Stockholm), `end` when a
 * termination set that day and `expire` otherwise; null when nothing is due.
 */
export function dueTransition(agreement: CompleteAgreement, now: Date): CalendarTransition | null {
  const today = stockholmDate(now);
  if (agreement.status === "approved" && today >= agreement.period.start) return "activate";
  if (agreement.status === "active" && today > lastDayInForce(agreement)) return agreement.termination === null ? "expire" : "end";
  return null;
}

/**
 * The next instant after `now` at which something is due: the start of the day of the next reminder not yet
 * handled, the start of the period (approved), or the end of its last day in force (active). Null when nothing is ahead.
 */
export function nextDueInstant(agreement: CompleteAgreement, now: Date, handled: ReadonlySet<string>): Date | null {
  const candidates: Date[] = [];
  const reminderDay = nextReminderDate(agreement, stockholmDate(now), handled);
  if (reminderDay !== null) candidates.push(startOfDay(reminderDay));
  if (agreement.status === "approved") candidates.push(startOfDay(agreement.period.start));
  if (agreement.status === "active") candidates.push(endOfDay(lastDayInForce(agreement)));
  const ahead = candidates.filter((instant) => instant > now).sort((a, b) => a.getTime() - b.getTime());
  return ahead[0] ?? null;
}
