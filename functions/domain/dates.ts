/**
 * Calendar dates ("YYYY-MM-DD") as they are meant in Europe/Stockholm. Agreements speak in calendar dates:
 * a period's end date is inclusive, so an agreement ending 2026-12-31 is in force until midnight in Stockholm.
 * Nothing here reads the clock: instants are passed in.
 */

export type CalendarDate = string;

export const TIME_ZONE = "Europe/Stockholm";

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = new Date(Date.UTC(year, month - 1, day));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
}

function toUtcMidnight(date: CalendarDate): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day);
}

function fromUtcMidnight(ms: number): CalendarDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtcMidnight(toUtcMidnight(date) + days * MS_PER_DAY);
}

/** Adds calendar months, clamping to the month's last day (2026-01-31 + 1 month = 2026-02-28). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const firstOfTarget = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth() + 1, 0)).getUTCDate();
  firstOfTarget.setUTCDate(Math.min(day, lastDay));
  return fromUtcMidnight(firstOfTarget.getTime());
}

export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toUtcMidnight(to) - toUtcMidnight(from)) / MS_PER_DAY);
}

export function yearOf(date: CalendarDate): number {
  return Number(date.slice(0, 4));
}

const stockholmParts = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function localDateTime(instant: Date): { date: CalendarDate; time: string } {
  const parts = Object.fromEntries(stockholmParts.formatToParts(instant).map((part) => [part.type, part.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** The calendar date in Stockholm at an instant. */
export function stockholmDate(instant: Date): CalendarDate {
  return localDateTime(instant).date;
}

/** The instant a calendar date begins in Stockholm (CET is UTC+1, CEST is UTC+2; DST never moves midnight). */
export function startOfDay(date: CalendarDate): Date {
  const utcMidnight = toUtcMidnight(date);
  for (const offsetHours of [2, 1]) {
    const candidate = new Date(utcMidnight - offsetHours * 3_600_000);
    const local = localDateTime(candidate);
    if (local.date === date && local.time === "00:00") return candidate;
  }
  throw new Error(`No Stockholm midnight found for ${date}`);
}

/** The instant an inclusive end date is over: midnight at the start of the following day. */
export function endOfDay(date: CalendarDate): Date {
  return startOfDay(addDays(date, 1));
}
