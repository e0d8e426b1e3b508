/**
 * What a change did to an agreement, field by field, for the audit trail: each changed value with its value
 * before and after, named so a person can read it ("Språkcafé: activity status: planned → started") and a page
 * can translate it from the path. Pure: two versions of an agreement in, a list of field changes out.
 *
 * Lists of things with a name or an id (sub-efforts, reporting requirements, budget years, associations) are
 * compared member by member, matched on that name or id, so reordering is no change and the change to one
 * sub-effort is told as that sub-effort's, not as "subEfforts changed".
 */
import * as z from "zod";
import type { Agreement } from "./agreement";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface FieldChange {
  /**
   * Where, from the agreement: keys joined by ".", a list member by its name or id in brackets:
   * "subEfforts[Språkcafé].activityStatus", "budget[2025].amountSek", "responsibleOfficer.email".
   */
  path: string;
  /** The same for a person, in English: "Språkcafé: activity status", "Budget 2025: amount (SEK)". */
  label: string;
  /** The value before; null when the field or list member was added. */
  from: JsonValue;
  /** The value after; null when the field or list member was removed. */
  to: JsonValue;
}

// Read back from our own writes, so not checked member by member; a recursive schema would cost the OpenAPI document
// a self-referencing definition for no gain to a reader.
const jsonValueSchema = z.custom<JsonValue>();

export const fieldChangeSchema = z
  .object({
    path: z.string().meta({
      description:
        'Keys joined by ".", a list member by its name or id in brackets: "subEfforts[Språkcafé].activityStatus", ' +
        '"budget[2025].amountSek". Stable, for a page to translate',
    }),
    label: z.string().meta({ description: 'The path for a person, in English: "Språkcafé: activity status"' }),
    from: jsonValueSchema.meta({ description: "The value before, any JSON value; null when the field or list member was added" }),
    to: jsonValueSchema.meta({ description: "The value after, any JSON value; null when the field or list member was removed" }),
  })
  .meta({ description: "One changed value" }) satisfies z.ZodType<FieldChange>;

/** Fields that change with every write and say nothing of their own. */
const BOOKKEEPING: ReadonlySet<string> = new Set(["version", "updatedAt"]);

/** The member of a list that identifies an entry, in order of preference. */
const IDENTITY_KEYS = ["id", "year", "organisationNumber", "name"] as const;

/** Labels camelCase does not spell out well; any other key is spelled out ("activityStatus" → "activity status"). */
const LABELS: Record<string, string> = {
  amountSek: "amount (SEK)",
  subEfforts: "sub-efforts",
  otherPartners: "other partners",
  coFinancing: "co-financing",
  noticePeriodMonths: "notice period (months)",
  procurementAssessment: "procurement and state aid assessment",
  renewalOf: "renews",
};

/** Singular names of list members, for members known by an id or year rather than a name. */
const MEMBER_LABELS: Record<string, string> = {
  budget: "Budget",
  reportingRequirements: "Reporting requirement",
  associations: "Association",
  otherPartners: "Partner",
};

function words(key: string): string {
  return LABELS[key] ?? key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

function capitalised(text: string): string {
  return text.charAt(0).toLocaleUpperCase("sv") + text.slice(1);
}

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function identityKeyOf(list: readonly JsonValue[]): (typeof IDENTITY_KEYS)[number] | null {
  if (list.length === 0 || !list.every(isRecord)) return null;
  const identifies = (key: string) => (member: JsonValue) => ["string", "number"].includes(typeof (member as Record<string, JsonValue>)[key]);
  return IDENTITY_KEYS.find((key) => list.every(identifies(key))) ?? null;
}

/** Members by identity, or null when the list's members have no identity that is unique on both sides. */
function membersByIdentity(before: readonly JsonValue[], after: readonly JsonValue[]): { key: string; members: [Map<string, JsonValue>, Map<string, JsonValue>] } | null {
  const key = identityKeyOf([...before, ...after]);
  if (key === null) return null;
  const index = (list: readonly JsonValue[]) => new Map(list.map((member) => [String((member as Record<string, string | number>)[key]), member]));
  const members: [Map<string, JsonValue>, Map<string, JsonValue>] = [index(before), index(after)];
  if (members[0].size !== before.length || members[1].size !== after.length) return null;
  return { key, members };
}

interface Place {
  path: string;
  /** The label's parts: the list member it is in, if any, and the keys below it. */
  member: string | null;
  keys: string[];
}

function labelOf(place: Place): string {
  const field = place.keys.map(words).join(": ");
  if (place.member === null) return capitalised(field);
  return field === "" ? place.member : `${place.member}: ${field}`;
}

function diff(before: JsonValue | undefined, after: JsonValue | undefined, place: Place, out: FieldChange[]): void {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  if (isRecord(before) && isRecord(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      diff(before[key], after[key], { ...place, path: `${place.path}.${key}`, keys: [...place.keys, key] }, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const matched = membersByIdentity(before, after);
    if (matched !== null) {
      const listKey = place.keys.at(-1) ?? "";
      const [was, is] = matched.members;
      for (const identity of new Set([...was.keys(), ...is.keys()])) {
        const member = matched.key === "name" || MEMBER_LABELS[listKey] === undefined ? identity : `${MEMBER_LABELS[listKey]} ${identity}`;
        diff(was.get(identity), is.get(identity), { path: `${place.path}[${identity}]`, member, keys: [] }, out);
      }
      return;
    }
  }
  out.push({ path: place.path, label: labelOf(place), from: before ?? null, to: after ?? null });
}

/** Every value that differs between two versions of an agreement, the bookkeeping of the write itself left out. */
export function fieldChanges(before: Agreement, after: Agreement): FieldChange[] {
  const changes: FieldChange[] = [];
  const [was, is] = [before, after].map((agreement) => JSON.parse(JSON.stringify(agreement)) as Record<string, JsonValue>) as [
    Record<string, JsonValue>,
    Record<string, JsonValue>,
  ];
  const keys = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter((key) => !BOOKKEEPING.has(key)).sort();
  for (const key of keys) diff(was[key], is[key], { path: key, member: null, keys: [key] }, changes);
  return changes;
}
