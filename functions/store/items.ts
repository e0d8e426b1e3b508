/**
 * How domain objects become table items and back: the key of every item type and the index keys an agreement
 * carries. Items hold the domain object's own fields next to the key attributes; reading strips the keys and
 * validates the rest, so data that does not fit the schema is a clear error instead of a wrong answer later.
 */
import * as z from "zod";
import { actorSchema, agreementSchema, isComplete, STATUSES, type Agreement } from "../domain/agreement";
import { fieldChangeSchema } from "../domain/audit";
import { fieldErrorsFromZod } from "../domain/errors";
import { ACTIONS, type AuditEvent } from "../domain/lifecycle";
import { noticeDate } from "../domain/reminders";
import { CorruptItemError } from "./errors";
import { KEY_ATTRIBUTES, TABLE_DEFINITION } from "./table";

export type Item = Record<string, unknown>;

export interface ItemKey {
  pk: string;
  sk: string;
}

const AGREEMENT_PARTITION = "AGREEMENT#";
const ASSOCIATION_PARTITION = "ASSOCIATION#";
const AGREEMENT_SORT_KEY = "AGREEMENT";
export const EVENT_PREFIX = "EVENT#";
export const ASSOCIATION_LINK_PREFIX = "AGREEMENT#";
/** Wide enough that versions sort as numbers for any agreement's life. */
const VERSION_DIGITS = 10;

/** The one partition of the byCreation index. */
export const ALL_AGREEMENTS = "AGREEMENT";
/** End-key stand-in for a draft without a period: letters sort after digits, so such drafts come last. */
const NO_END_DATE = "none";

/** An agreement's partition holds the agreement, its audit events, its reports (reports.ts) and its invitations. */
export function agreementPartition(agreementId: string): string {
  return `${AGREEMENT_PARTITION}${agreementId}`;
}

export function associationPartition(organisationNumber: string): string {
  return `${ASSOCIATION_PARTITION}${organisationNumber}`;
}

export function agreementKey(agreementId: string): ItemKey {
  return { pk: agreementPartition(agreementId), sk: AGREEMENT_SORT_KEY };
}

/** One event per version, zero-padded so that the events of an agreement read back in order with one Query. */
export function eventKey(agreementId: string, version: number): ItemKey {
  return { pk: agreementPartition(agreementId), sk: `${EVENT_PREFIX}${String(version).padStart(VERSION_DIGITS, "0")}` };
}

/** One small item per (association, agreement): an agreement names up to 20 associations, a GSI key holds one. */
export function associationLinkKey(organisationNumber: string, agreementId: string): ItemKey {
  return { pk: associationPartition(organisationNumber), sk: `${ASSOCIATION_LINK_PREFIX}${agreementId}` };
}

/** Sort key shared by the byStatus, byOfficer and byEndYear indexes: end date, then id to keep keys unique. */
function endKey(agreement: Agreement): string {
  return `${agreement.period?.end ?? NO_END_DATE}#${agreement.id}`;
}

/**
 * End keys of the agreements ending from `from` to `to`, both inclusive: "<from>" sorts before every
 * "<from>#<id>", and "$", the character after "#", puts "<to>$" after every "<to>#<id>".
 */
export function endKeyBounds(from: string, to: string): { lower: string; upper: string } {
  return { lower: from, upper: `${to}$` };
}

export function officerKey(email: string): string {
  return email.trim().toLowerCase();
}

export function endYearKey(year: number): string {
  return String(year);
}

/** The distinct organisationsnummer of an agreement's associations (already normalised by the schema). */
export function associationNumbers(agreement: Agreement): Set<string> {
  return new Set((agreement.associations ?? []).map((association) => association.organisationNumber));
}

/**
 * Domain objects are JSON data; the round trip drops `undefined` members, which DynamoDB cannot store, whatever
 * marshalling options the injected client was built with.
 */
function asJsonData<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const { byStatus, byOfficer, byEndYear, byCreation, byNotice } = TABLE_DEFINITION.globalIndexes;

/** Sort key of byNotice: the last day to give notice, then the id; none without a notice period. */
function noticeKey(agreement: Agreement): string | null {
  const date = isComplete(agreement) ? noticeDate(agreement) : null;
  return date === null ? null : `${date}#${agreement.id}`;
}

/** The agreement plus its keys; index attribute names come from the table definition, so the two cannot drift. */
export function agreementItem(agreement: Agreement): Item {
  const end = agreement.period?.end;
  const officer = agreement.responsibleOfficer;
  const notice = noticeKey(agreement);
  return {
    ...asJsonData(agreement),
    ...agreementKey(agreement.id),
    [byStatus.partitionKey]: agreement.status,
    // The one sort key of byStatus, byOfficer, byEndYear and byEnd.
    [byStatus.sortKey]: endKey(agreement),
    ...(officer === undefined ? {} : { [byOfficer.partitionKey]: officerKey(officer.email) }),
    ...(end === undefined ? {} : { [byEndYear.partitionKey]: endYearKey(Number(end.slice(0, 4))) }),
    ...(notice === null ? {} : { [byNotice.sortKey]: notice }),
    // The one partition of byCreation and byEnd.
    [byCreation.partitionKey]: ALL_AGREEMENTS,
    // Re-serialised so every timestamp has the same width and text order is time order.
    [byCreation.sortKey]: `${new Date(agreement.createdAt).toISOString()}#${agreement.id}`,
  };
}

export function eventItem(event: AuditEvent): Item {
  return { ...asJsonData(event), ...eventKey(event.agreementId, event.version) };
}

export function associationLinkItem(organisationNumber: string, agreementId: string): Item {
  return { ...associationLinkKey(organisationNumber, agreementId), agreementId };
}

export function agreementFromItem(item: Item): Agreement {
  return parseItem(item, agreementSchema);
}

export const auditEventSchema = z.object({
  agreementId: z.string(),
  version: z.number().int().min(1),
  at: z.iso.datetime(),
  actor: actorSchema,
  action: z.enum([...ACTIONS, "create", "renewal-approved"]),
  from: z.enum(STATUSES).nullable(),
  to: z.enum(STATUSES),
  fields: z.array(z.string()).meta({ description: "The top-level fields the change touched" }),
  // Events written before changes were recorded read as having none.
  changes: z.array(fieldChangeSchema).default([]).meta({
    description:
      "Each value the change touched, before and after; a list member (a sub-effort, a budget year) by its name or " +
      "id. Empty for the creation, whose fields are the draft's first content",
  }),
  note: z.string().optional(),
}) satisfies z.ZodType<AuditEvent, unknown>;

export function eventFromItem(item: Item): AuditEvent {
  return parseItem(item, auditEventSchema);
}

const associationLinkSchema = z.object({ agreementId: z.string() });

export function associationLinkFromItem(item: Item): string {
  return parseItem(item, associationLinkSchema).agreementId;
}

/** The domain fields of an item (key attributes stripped), validated; {@link CorruptItemError} when they do not fit. */
export function parseItem<T>(item: Item, schema: z.ZodType<T>): T {
  const data = Object.fromEntries(Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.includes(name)));
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = fieldErrorsFromZod(parsed.error)
    .map((error) => `${error.path || "(item)"}: ${error.message}`)
    .join("; ");
  throw new CorruptItemError({ pk: String(item.pk), sk: String(item.sk) }, problems);
}

/** The key attributes of an item that a Query on `keyAttributes`' index needs to continue after it. */
export function pageKeyOf(item: Item, keyAttributes: readonly string[]): Record<string, string> {
  return Object.fromEntries(keyAttributes.map((name) => [name, String(item[name])]));
}
