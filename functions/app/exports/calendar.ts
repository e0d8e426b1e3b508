/**
 * An officer's agreement dates as an iCalendar feed (RFC 5545) that calendar apps subscribe to: end dates, the
 * last day to give notice, and report due dates, each an all-day event. UIDs are derived from the agreement and
 * the date's meaning, so a refreshed feed updates events in place instead of adding copies.
 */
import { isComplete, isReportStillDue, lastDayInForce, type Agreement, type ReportingRequirement } from "../../domain/agreement";
import { addDays, type CalendarDate } from "../../domain/dates";
import { noticeDate } from "../../domain/reminders";

export interface CalendarEvent {
  uid: string;
  date: CalendarDate;
  summary: string;
  description: string;
  url: string;
  /** When the event's information last changed: the agreement's last change. */
  stamp: Date;
}

/** Not a host name: UIDs need only be unique, and the agreement id already makes them so. */
const UID_DOMAIN = "iop-lifecycle";
const MAX_LINE_OCTETS = 75;

const REPORT_KINDS_SV: Record<ReportingRequirement["kind"], string> = {
  activity: "verksamhetsrapport",
  financial: "ekonomisk redovisning",
  final: "slutrapport",
  other: "rapport",
};

/**
 * The dates an agreement puts in its officer's calendar. The last day in force and the notice date while the
 * agreement is approved or running (notice not once a renewal is approved or a termination recorded); report due
 * dates also after it has ended, since reports on the last period are due after its end, except those due after a
 * termination took effect.
 */
export function agreementEvents(agreement: Agreement, agreementUrl: string): CalendarEvent[] {
  if (!isComplete(agreement)) return [];
  const { id, title, status, termination } = agreement;
  const stamp = new Date(agreement.updatedAt);
  const partners = agreement.associations.map((association) => association.name).join(", ");
  const event = (meaning: string, date: CalendarDate, summary: string, description: string): CalendarEvent => ({
    uid: `${id}-${meaning}@${UID_DOMAIN}`,
    date,
    summary: `${summary}: ${title}`,
    description: `${description}\n\n${title}\n${partners}`,
    url: agreementUrl,
    stamp,
  });

  const events: CalendarEvent[] = [];
  const running = status === "approved" || status === "active";
  if (running) {
    const lastDay = lastDayInForce(agreement);
    const ending = termination === null ? "IOP-avtalet gäller" : "IOP-avtalet är uppsagt och gäller";
    events.push(event("end", lastDay, "Avtalet upphör", `${ending} till och med ${lastDay}.`));
    const notice = noticeDate(agreement);
    if (notice !== null && agreement.renewedBy === null && termination === null) {
      events.push(
        event("notice", notice, "Sista dag att säga upp", `Uppsägningstiden är ${agreement.noticePeriodMonths} månader; avtalet upphör ${lastDay}.`),
      );
    }
  }
  if (running || status === "expired" || status === "renewed" || status === "terminated") {
    for (const requirement of agreement.reportingRequirements) {
      for (const due of requirement.dueDates.filter((date) => isReportStillDue(agreement, date))) {
        const kind = REPORT_KINDS_SV[requirement.kind];
        const what = requirement.description === "" ? kind : `${kind}: ${requirement.description}`;
        events.push(event(`report-${requirement.id}-${due}`, due, `Rapport ska in (${kind})`, `Föreningen lämnar ${what}.`));
      }
    }
  }
  return events;
}

export function icsCalendar(name: string, events: readonly CalendarEvent[]): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//IOP Lifecycle//Avtalskalender//SV",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(name)}`,
    ...events.flatMap((event) => [
      "BEGIN:VEVENT",
      `UID:${event.uid}`,
      `DTSTAMP:${utcStamp(event.stamp)}`,
      `DTSTART;VALUE=DATE:${basicDate(event.date)}`,
      // DTEND is exclusive: an all-day event ends when the next day begins.
      `DTEND;VALUE=DATE:${basicDate(addDays(event.date, 1))}`,
      `SUMMARY:${escapeText(event.summary)}`,
      `DESCRIPTION:${escapeText(event.description)}`,
      `URL:${event.url}`,
      "TRANSP:TRANSPARENT",
      "END:VEVENT",
    ]),
    "END:VCALENDAR",
  ];
  return lines.map(folded).join("");
}

/** TEXT values escape backslash, semicolon and comma, and write line breaks as \n (RFC 5545 §3.3.11). */
function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (character) => `\\${character}`).replace(/\r\n|\r|\n/g, "\\n");
}

function basicDate(date: CalendarDate): string {
  return date.replaceAll("-", "");
}

function utcStamp(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replace(/[-:]/g, "")}Z`;
}

/**
 * A content line ending in CRLF, folded so that no line is longer than 75 octets: each continuation starts with
 * a space (RFC 5545 §3.1). Folds fall between characters, never inside a UTF-8 sequence.
 */
function folded(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const character of line) {
    const size = Buffer.byteLength(character, "utf8");
    if (octets + size > MAX_LINE_OCTETS) {
      parts.push(current);
      current = " ";
      octets = 1;
    }
    current += character;
    octets += size;
  }
  parts.push(current);
  return parts.map((part) => `${part}\r\n`).join("");
}
