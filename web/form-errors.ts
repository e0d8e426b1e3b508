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

export function formErrors(errors: readonly FieldError[], messages: Messages): FormErrors {
  const byField = new Map<string, string>();
  for (const error of errors) if (!byField.has(error.path)) byField.set(error.path, messages.fieldError(error));
  return {
    summary: [...byField].map(([field, message]) => ({ field, message })),
    of: (field) => byField.get(field),
  };
}

export const NO_ERRORS: readonly FieldError[] = [];
