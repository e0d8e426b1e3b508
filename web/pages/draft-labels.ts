/**
 * The names people read for a draft's fields, from the catalogue by the field's own name (web/i18n/draft.ts):
 * "Slutdatum", "År 2: Belopp i kronor". Shared by the section forms, their error summaries, the comparison after a
 * stale save, and check your answers, so a field is called the same everywhere.
 */
import type { FieldError } from "../../functions/domain/errors";
import { fieldId } from "../components/fields";
import type { SummaryError } from "../components/error-summary";
import { formField, isList, LISTS, linkTarget, sectionOf, type ListName } from "../draft-form";
import { CATALOGUES, type MessageKey, type Messages } from "../i18n/catalogue";

function isKey(key: string): key is MessageKey {
  return Object.hasOwn(CATALOGUES.sv, key);
}

/** The label of a field, a group of fields ("period") or a list ("budget"); a row's member names its row. */
export function fieldLabel(messages: Messages, name: string): string {
  const { t } = messages;
  const member = /^(\w+)\.(\d+)\.(.+)$/.exec(name);
  if (member !== null && isList(member[1]!)) {
    const [, list, index, rest] = member as unknown as [string, ListName, string, string];
    const row = t(`draft.row.${list}`, { number: Number(index) + 1 });
    const key = `draft.field.${list}.${rest.split(".").slice(0, (LISTS[list] as readonly string[]).includes(rest) ? undefined : 1).join(".")}`;
    return isKey(key) ? `${row}: ${t(key)}` : row;
  }
  if (isList(name)) return t(`draft.list.${name}`);
  const key = `draft.field.${name}`;
  return isKey(key) ? t(key) : name;
}

/** A field's hint, when the catalogue has one ("draft.field.period.end.hint"). */
export function fieldHint(messages: Messages, key: string): string | undefined {
  const hint = `${key}.hint`;
  return isKey(hint) ? messages.t(hint) : undefined;
}

/**
 * The error summary of a draft's errors: each links to the field it is about, on this page (`href` undefined) or
 * on the section that has it (`onSection`, for check your answers). `fieldNames` are the fields the errors may name.
 */
export function draftSummary(
  errors: readonly FieldError[],
  messages: Messages,
  fieldNames: ReadonlySet<string>,
  onSection?: (section: string) => string,
): SummaryError[] {
  const seen = new Set<string>();
  const summary: SummaryError[] = [];
  for (const error of errors) {
    const field = formField(error, fieldNames);
    const message = `${fieldLabel(messages, field)}: ${messages.fieldError(error)}`;
    if (seen.has(message)) continue;
    seen.add(message);
    const target = `#${fieldId(linkTarget(field))}`;
    const section = sectionOf(field);
    summary.push({ field, message, href: onSection === undefined || section === undefined ? target : `${onSection(section)}${target}` });
  }
  return summary;
}

/** The message beside each field: the first error that names it. */
export function inlineErrors(errors: readonly FieldError[], messages: Messages, fieldNames: ReadonlySet<string>): Map<string, string> {
  const byField = new Map<string, string>();
  for (const error of errors) {
    const field = formField(error, fieldNames);
    if (!byField.has(field)) byField.set(field, messages.fieldError(error));
  }
  return byField;
}
