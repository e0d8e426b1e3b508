import type { z } from "zod";

/** A problem with one input field; `path` follows the field's place in the document, e.g. "period.end". */
export interface FieldError {
  path: string;
  message: string;
}

export function fieldErrorsFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join("."),
    message: issue.message,
  }));
}
