/**
 * The audit trail in the page's language: each event's action, actor and changed values, translated from the
 * change's path ("subEfforts[Språkcafé].activityStatus" → "Delinsatser: Språkcafé: aktivitetsstatus") and its
 * values written as the page writes them (dates, amounts, statuses). functions/domain/audit.ts makes the changes.
 */
import type { AuditEvent } from "../../functions/domain/lifecycle";
import type { JsonValue } from "../../functions/domain/audit";
import { isCalendarDate } from "../../functions/domain/dates";
import type { TimelineChange, TimelineEntry } from "../components/timeline";
import { CATALOGUES, type MessageKey, type Messages } from "../i18n/catalogue";

export function agreementPath(id: string): string {
  return `/agreements/${encodeURIComponent(id)}`;
}

function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(CATALOGUES.sv, key);
}

/** A field's name from the catalogue, or the key itself for a field the catalogue does not name. */
function fieldName(key: string, messages: Messages): string {
  const messageKey = `agreement.field.${key}`;
  return isMessageKey(messageKey) ? messages.t(messageKey) : key;
}

/** "subEfforts[Språkcafé].activityStatus" → ["subEfforts", "Språkcafé", "activityStatus"], a member kept as named. */
function pathParts(path: string): { key: string; member: boolean }[] {
  return [...path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)].map((match) => (match[2] === undefined ? { key: match[1]!, member: false } : { key: match[2], member: true }));
}

function fieldLabel(path: string, messages: Messages): string {
  return pathParts(path)
    .map((part) => (part.member ? part.key : fieldName(part.key, messages)))
    .join(": ");
}

/** Values whose words the catalogue has, by the key they are stored under. */
const TRANSLATED_VALUES: Record<string, string> = { activityStatus: "activity", status: "status", outcome: "agreement.outcome", ground: "agreement.ground", kind: "agreement.reportKind" };

function valueText(value: JsonValue, key: string, messages: Messages): string {
  const { t, date, amount, number } = messages;
  if (value === null) return "–";
  if (typeof value === "boolean") return t(value ? "agreement.yes" : "agreement.no");
  if (typeof value === "number") return key === "amountSek" ? amount(value) : number(value);
  if (typeof value === "string") {
    const prefix = TRANSLATED_VALUES[key];
    const translated = prefix === undefined ? undefined : `${prefix}.${value}`;
    if (translated !== undefined && isMessageKey(translated)) return t(translated);
    return isCalendarDate(value) ? date(value) : value;
  }
  if (Array.isArray(value)) return value.map((member) => valueText(member, key, messages)).join(", ");
  return Object.entries(value)
    .map(([member, inner]) => `${fieldName(member, messages)}: ${valueText(inner, member, messages)}`)
    .join("; ");
}

function changeOf(path: string, from: JsonValue, to: JsonValue, messages: Messages): TimelineChange {
  const last = pathParts(path).filter((part) => !part.member).at(-1)?.key ?? path;
  return { field: fieldLabel(path, messages), from: valueText(from, last, messages), to: valueText(to, last, messages) };
}

/** The audit trail, oldest first, as the timeline shows it. */
export function timelineEntries(events: readonly AuditEvent[], messages: Messages): TimelineEntry[] {
  const { t, dateTime } = messages;
  return events.map((event) => {
    const statusChange = event.from !== null && event.from !== event.to ? [changeOf("status", event.from, event.to, messages)] : [];
    // The status is told once, above; a field change of `status` would repeat it.
    const changes = event.changes.filter((change) => change.path !== "status").map((change) => changeOf(change.path, change.from, change.to, messages));
    return {
      what: t(`agreement.event.${event.action}`),
      when: dateTime(new Date(event.at)),
      at: event.at,
      who: event.actor.kind === "system" ? t("agreement.event.system") : (event.actor.email ?? event.actor.id),
      changes: [...statusChange, ...changes],
      note: event.note,
    };
  });
}
