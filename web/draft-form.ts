/**
 * The draft's sections as forms: which content fields each section edits, the values a form shows (as typed, by
 * field name = the content path, "period.end", "budget.1.amountSek"), how posted values become the changes the
 * update use case takes, and how far each section has come. Pure: no HTTP and no rendering, so the routes, the
 * pages and the tests read sections the same way. Validation is the domain's (functions/domain/agreement.ts):
 * what cannot be read as a number is passed on as typed, and the domain names the problem.
 */
import { agreementContentSchema, DEFAULT_REMINDERS, type Agreement, type AgreementContent, type DraftContent } from "../functions/domain/agreement";
import type { FieldError } from "../functions/domain/errors";
import { completenessErrors } from "../functions/domain/lifecycle";
import type { Language } from "./i18n/catalogue";

export const SECTIONS = ["parties", "purpose", "period", "money", "follow-up", "assessment"] as const;
export type SectionId = (typeof SECTIONS)[number];

/** The content fields each section edits; every field a draft needs belongs to one section. */
export const SECTION_FIELDS: Record<SectionId, readonly (keyof AgreementContent)[]> = {
  parties: ["municipality", "associations", "otherPartners", "responsibleOfficer"],
  purpose: ["title", "purpose", "subEfforts"],
  period: ["period", "noticePeriodMonths"],
  money: ["budget", "coFinancing"],
  "follow-up": ["reportingRequirements", "reminders"],
  assessment: ["procurementAssessment"],
};

export function isSection(value: string): value is SectionId {
  return (SECTIONS as readonly string[]).includes(value);
}

/** The section that edits a content path ("budget.2.year" → money); contacts have no section of their own. */
export function sectionOf(path: string): SectionId | undefined {
  const field = path.split(".")[0];
  return SECTIONS.find((section) => (SECTION_FIELDS[section] as readonly string[]).includes(field ?? ""));
}

/** Repeating items: the list's name and the members of each row, in the order the form shows them. */
export const LISTS = {
  associations: ["name", "organisationNumber", "contact.name", "contact.email"],
  otherPartners: ["name", "role", "organisationNumber"],
  subEfforts: ["name", "description", "activityStatus"],
  budget: ["year", "amountSek"],
  reportingRequirements: ["id", "kind", "description", "dueDates"],
} as const;
export type ListName = keyof typeof LISTS;

/** The member of a list's row a link to the whole list lands on: its first visible field. */
const LIST_FIRST_MEMBER: Record<ListName, string> = {
  associations: "name",
  otherPartners: "name",
  subEfforts: "name",
  budget: "year",
  reportingRequirements: "kind",
};

/** The first field of a group of fields, where a link to the whole group lands. */
const GROUP_FIRST_FIELD: Record<string, string> = {
  municipality: "municipality.organisation",
  responsibleOfficer: "responsibleOfficer.name",
  period: "period.start",
  coFinancing: "coFinancing.description",
  reminders: "reminders.expiryDaysBefore",
};

/** The field a link to `name` lands on: the field itself, or the first field of its list's first row or of its group. */
export function linkTarget(name: string): string {
  if (isList(name)) return `${name}.0.${LIST_FIRST_MEMBER[name]}`;
  return GROUP_FIRST_FIELD[name] ?? name;
}

/** Members whose value is always posted (a choice, a hidden id): a row with only these is empty. */
const PRESET_MEMBERS: ReadonlySet<string> = new Set(["activityStatus", "kind", "id"]);

export const SECTION_LISTS: Record<SectionId, readonly ListName[]> = {
  parties: ["associations", "otherPartners"],
  purpose: ["subEfforts"],
  period: [],
  money: ["budget"],
  "follow-up": ["reportingRequirements"],
  assessment: [],
};

export function isList(value: string): value is ListName {
  return Object.hasOwn(LISTS, value);
}

/** A form's values: what the person typed, by field name. */
export type FormValues = Record<string, string>;

/** The posted fields of a form as values: text only, the first of any repeated name. */
export function formValues(body: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const [name, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first === "string") values[name] = first;
  }
  return values;
}

/** How many rows of a list the values hold. */
export function rowCount(values: FormValues, list: ListName): number {
  let count = 0;
  for (const name of Object.keys(values)) {
    const match = new RegExp(`^${list}\\.(\\d+)\\.`).exec(name);
    if (match) count = Math.max(count, Number(match[1]) + 1);
  }
  return count;
}

function rowValues(values: FormValues, list: ListName, index: number): Record<string, string> {
  return Object.fromEntries(LISTS[list].map((member) => [member, values[`${list}.${index}.${member}`] ?? ""]));
}

function withRows(values: FormValues, list: ListName, rows: readonly Record<string, string>[]): FormValues {
  const kept = Object.fromEntries(Object.entries(values).filter(([name]) => !name.startsWith(`${list}.`)));
  rows.forEach((row, index) => {
    for (const member of LISTS[list]) kept[`${list}.${index}.${member}`] = row[member] ?? "";
  });
  return kept;
}

function rowsOf(values: FormValues, list: ListName): Record<string, string>[] {
  return Array.from({ length: rowCount(values, list) }, (_, index) => rowValues(values, list, index));
}

const isEmptyRow = (row: Record<string, string>) => Object.entries(row).every(([member, value]) => PRESET_MEMBERS.has(member) || value.trim() === "");

/** One more empty row at the end of the list ("add another"); everything typed is kept. */
export function addRow(values: FormValues, list: ListName): FormValues {
  const empty = Object.fromEntries(LISTS[list].map((member) => [member, ""]));
  return withRows(values, list, [...rowsOf(values, list), empty]);
}

/** The values without one row of the list; the rows after it move up. */
export function removeRow(values: FormValues, list: ListName, index: number): FormValues {
  return withRows(values, list, rowsOf(values, list).filter((_, at) => at !== index));
}

/**
 * The values as they are saved: rows left empty are dropped, so the rows the form shows again and the indexes of
 * the domain's field errors ("budget.1.year") are the same.
 */
export function withoutEmptyRows(values: FormValues, lists: readonly ListName[]): FormValues {
  return lists.reduce((result, list) => withRows(result, list, rowsOf(result, list).filter((row) => !isEmptyRow(row))), values);
}

/** Writes amounts and numbers the way people of the language do: "12 500" (sv), "12,500" (en). */
function writtenNumber(value: number | undefined | null, language: Language): string {
  if (value === undefined || value === null) return "";
  return new Intl.NumberFormat(language === "sv" ? "sv-SE" : "en-GB", { useGrouping: true, maximumFractionDigits: 2 })
    .format(value)
    .replace(/[\u00a0\u202f]/g, " ");
}

/**
 * A number as people write it: spaces (and in English commas) group thousands, the decimal sign is a comma in
 * Swedish ("12 500,00") and a point in English; a minus may be "−". Anything else stays the text it was, so the
 * domain says it is not a number.
 */
export function readNumber(text: string, language: Language): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  let normal = trimmed.replace(/[\s\u00a0\u202f]/g, "").replace(/^[−–]/, "-");
  normal = language === "sv" ? normal.replace(/\.(?=\d{3}(\D|$))/g, "").replace(",", ".") : normal.replace(/,(?=\d{3}(\D|$))/g, "");
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : trimmed;
}

/** A list of dates or numbers in one field: separated by commas, semicolons, spaces or new lines. */
function readList(text: string): string[] {
  return text.split(/[\s,;]+/).filter((part) => part !== "");
}

const optionalText = (text: string | undefined): string | undefined => (text === undefined || text.trim() === "" ? undefined : text.trim());

/** Drops the members that are undefined; an object with none left is undefined. */
function compact<T extends Record<string, unknown>>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, member]) => member !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}

/** The values a section's form shows for the stored agreement. */
export function sectionValues(section: SectionId, agreement: Agreement, language: Language): FormValues {
  const values: FormValues = {};
  const list = <K extends ListName>(name: K, rows: readonly Record<string, unknown>[] | undefined, member: (row: Record<string, unknown>, key: string) => string) =>
    (rows ?? []).forEach((row, index) => {
      for (const key of LISTS[name]) values[`${name}.${index}.${key}`] = member(row, key);
    });
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  switch (section) {
    case "parties":
      values["municipality.organisation"] = agreement.municipality?.organisation ?? "";
      values["municipality.decidingBody"] = agreement.municipality?.decidingBody ?? "";
      list("associations", agreement.associations, (row, key) =>
        key.startsWith("contact.") ? text((row.contact as Record<string, unknown> | undefined)?.[key.slice(8)]) : text(row[key]),
      );
      list("otherPartners", agreement.otherPartners, (row, key) => text(row[key]));
      values["responsibleOfficer.name"] = agreement.responsibleOfficer?.name ?? "";
      values["responsibleOfficer.email"] = agreement.responsibleOfficer?.email ?? "";
      values["responsibleOfficer.phone"] = agreement.responsibleOfficer?.phone ?? "";
      break;
    case "purpose":
      values.title = agreement.title ?? "";
      values.purpose = agreement.purpose ?? "";
      list("subEfforts", agreement.subEfforts, (row, key) => text(row[key]));
      break;
    case "period":
      values["period.start"] = agreement.period?.start ?? "";
      values["period.end"] = agreement.period?.end ?? "";
      values.noticePeriodMonths = writtenNumber(agreement.noticePeriodMonths, language);
      break;
    case "money":
      list("budget", agreement.budget, (row, key) => (key === "year" ? String(row.year) : writtenNumber(row.amountSek as number, language)));
      values["coFinancing.description"] = agreement.coFinancing?.description ?? "";
      values["coFinancing.amountSek"] = writtenNumber(agreement.coFinancing?.amountSek, language);
      break;
    case "follow-up": {
      list("reportingRequirements", agreement.reportingRequirements, (row, key) => (key === "dueDates" ? (row.dueDates as string[]).join(", ") : text(row[key])));
      const reminders = agreement.reminders ?? DEFAULT_REMINDERS;
      values["reminders.expiryDaysBefore"] = reminders.expiryDaysBefore.join(", ");
      values["reminders.noticeDaysBefore"] = String(reminders.noticeDaysBefore);
      values["reminders.reportDaysBefore"] = String(reminders.reportDaysBefore);
      values["reminders.notifyAssociationContact"] = reminders.notifyAssociationContact ? "yes" : "";
      break;
    }
    case "assessment":
      values.procurementAssessment = agreement.procurementAssessment ?? "";
      break;
  }
  return values;
}

/** A reporting requirement's id: the one it had, else one made from its kind that no other row has. */
function requirementIds(rows: readonly Record<string, string>[]): string[] {
  const taken = new Set(rows.map((row) => row.id ?? "").filter((id) => id !== ""));
  return rows.map((row, index) => {
    if ((row.id ?? "") !== "") return row.id!;
    let id = `${row.kind || "report"}-${index + 1}`;
    for (let suffix = 2; taken.has(id); suffix++) id = `${row.kind || "report"}-${index + 1}-${suffix}`;
    taken.add(id);
    return id;
  });
}

/**
 * The changes a section's posted values make, for the update use case. A field left empty is not sent (a draft
 * may lack it until it is submitted); a value that is given goes to the domain as typed, for it to judge.
 */
export function sectionChanges(section: SectionId, values: FormValues, language: Language): DraftContent {
  const field = (name: string) => optionalText(values[name]);
  const number = (name: string) => readNumber(values[name] ?? "", language);
  const rows = (list: ListName) => rowsOf(values, list).filter((row) => !isEmptyRow(row));
  // Unreadable values are handed over as they are; the domain's schema refuses them with a field error.
  const changes: Record<string, unknown> = {};
  switch (section) {
    case "parties": {
      changes.municipality = compact({ organisation: field("municipality.organisation"), decidingBody: field("municipality.decidingBody") });
      const associations = rows("associations").map((row) =>
        compact({ name: optionalText(row.name), organisationNumber: optionalText(row.organisationNumber), contact: compact({ name: optionalText(row["contact.name"]), email: optionalText(row["contact.email"]) }) }),
      );
      if (associations.length > 0) changes.associations = associations;
      changes.otherPartners = rows("otherPartners").map((row) => compact({ name: optionalText(row.name), role: optionalText(row.role), organisationNumber: optionalText(row.organisationNumber) }));
      changes.responsibleOfficer = compact({ name: field("responsibleOfficer.name"), email: field("responsibleOfficer.email"), phone: field("responsibleOfficer.phone") });
      break;
    }
    case "purpose":
      changes.title = field("title");
      changes.purpose = field("purpose");
      changes.subEfforts = rows("subEfforts").map((row) => ({ name: optionalText(row.name), description: row.description?.trim() ?? "", activityStatus: row.activityStatus || "planned" }));
      break;
    case "period": {
      changes.period = compact({ start: field("period.start"), end: field("period.end") });
      changes.noticePeriodMonths = number("noticePeriodMonths") ?? null;
      break;
    }
    case "money": {
      const budget = rows("budget").map((row) => ({ year: readNumber(row.year ?? "", language), amountSek: readNumber(row.amountSek ?? "", language) }));
      if (budget.length > 0) changes.budget = budget;
      const description = field("coFinancing.description");
      const amountSek = number("coFinancing.amountSek");
      changes.coFinancing = description === undefined && amountSek === undefined ? null : compact({ description, amountSek });
      break;
    }
    case "follow-up": {
      const requirements = rows("reportingRequirements");
      const ids = requirementIds(requirements);
      changes.reportingRequirements = requirements.map((row, index) => ({
        id: ids[index],
        kind: row.kind || "activity",
        description: row.description?.trim() ?? "",
        dueDates: readList(row.dueDates ?? ""),
      }));
      changes.reminders = {
        expiryDaysBefore: readList(values["reminders.expiryDaysBefore"] ?? "").map((part) => readNumber(part, language)),
        noticeDaysBefore: number("reminders.noticeDaysBefore") ?? DEFAULT_REMINDERS.noticeDaysBefore,
        reportDaysBefore: number("reminders.reportDaysBefore") ?? DEFAULT_REMINDERS.reportDaysBefore,
        notifyAssociationContact: values["reminders.notifyAssociationContact"] === "yes",
      };
      break;
    }
    case "assessment":
      changes.procurementAssessment = field("procurementAssessment");
      break;
  }
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}

export type SectionStatus = "completed" | "inProgress" | "notStarted";

function isFilled(field: keyof AgreementContent, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (field === "reminders") return JSON.stringify(value) !== JSON.stringify(DEFAULT_REMINDERS);
  return true;
}

/**
 * How far a section has come: completed when each of its fields is as submitting needs it (the domain's
 * completeness rules), not started when none of them holds anything but the defaults, in progress otherwise.
 */
export function sectionStatus(section: SectionId, agreement: Agreement): SectionStatus {
  const fields = SECTION_FIELDS[section];
  const complete = fields.every((field) => agreementContentSchema.shape[field].safeParse(agreement[field]).success);
  if (complete && !completenessErrors(agreement).some((error) => sectionOf(error.path) === section)) return "completed";
  return fields.some((field) => isFilled(field, agreement[field])) ? "inProgress" : "notStarted";
}

/** The field a field error points at in a section's form: the nearest field the form has, else its list. */
export function formField(error: FieldError, fieldNames: ReadonlySet<string>): string {
  const parts = error.path.split(".");
  for (let length = parts.length; length > 0; length--) {
    const name = parts.slice(0, length).join(".");
    if (fieldNames.has(name)) return name;
  }
  return error.path;
}
