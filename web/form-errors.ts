/**
 * A form's field errors as a page shows them: the same message, from the catalogue, in the error summary and
 * beside the field. The errors themselves come from the domain (functions/domain/errors.ts).
 */
import type { FieldError } from "../functions/domain/errors";
import type { SummaryError } from "./components/error-summary";
import type { Messages } from "./i18n/catalogue";

export interface FormErrors {
  /** For the error summary, one per field, in the order of the errors. */
  summary: SummaryError[];
  /** The message beside the field with this name; undefined when it has none. */
  of(field: string): string | undefined;
}

/**
 * `labels` names each field in the summary ("Avtalets slutdatum: Obligatoriskt"), where the message stands away
 * from its field; beside the field the message alone is enough.
 */
export function formErrors(errors: readonly FieldError[], messages: Messages, labels: Record<string, string> = {}): FormErrors {
  const byField = new Map<string, string>();
  for (const error of errors) if (!byField.has(error.path)) byField.set(error.path, messages.fieldError(error));
  return {
    summary: [...byField].map(([field, message]) => ({ field, message: labels[field] === undefined ? message : `${labels[field]}: ${message}` })),
    of: (field) => byField.get(field),
  };
}

export const NO_ERRORS: readonly FieldError[] = [];
