/**
 * Field errors: what is wrong with one input field, for people. Zod's own messages are written for programmers
 * ("Invalid input: expected string, received undefined"), so each issue is also given a `code` naming the
 * message a person should read ("Required"); the API and the pages look the code up in the message catalogue of
 * the request's language (web/i18n). Pure: no catalogue, no language here.
 */
import type { z } from "zod";

/** The validation messages every catalogue holds, as `validation.<code>`. */
export const VALIDATION_CODES = [
  "required",
  "tooShort",
  "tooLong",
  "tooSmall",
  "tooLarge",
  "notText",
  "notANumber",
  "wholeNumber",
  "notAList",
  "tooFewItems",
  "tooManyItems",
  "invalidDate",
  "invalidEmail",
  "invalidFormat",
  "chooseOne",
  "unknownField",
  "endBeforeStart",
  "organisationNumber",
  "notAfter",
  "outsidePeriod",
  "noticeTooShort",
  "noticePastEnd",
  "budgetYearTwice",
  "budgetYearMissing",
  "budgetYearOutsidePeriod",
  "reportingRequirementMissing",
  "dueBeforeStart",
  "renewalStart",
  "overlap",
  "searchWords",
  "tooManySearchWords",
  "sortWithSearch",
  "invalid",
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

/** A problem with one input field; `path` follows the field's place in the document, e.g. "period.end". */
export interface FieldError {
  path: string;
  /** Plain English, for logs and for callers that ask for no language. */
  message: string;
  /** The catalogue message for people; absent for rules that still speak English only. */
  code?: ValidationCode;
  /** Values the message names: `{ max: 200 }` for "At most 200 characters". */
  params?: Record<string, string | number>;
}

export function fieldErrorsFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path].map(String);
    // One error per unknown key, each at its own path, so a page or client can point at it.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...path, key].join("."), message: "Not a field of this request", code: "unknownField" as const }));
    }
    const named = validationCode(issue);
    if (named === null) return [{ path: path.join("."), message: issue.message }];
    const { code, params } = named;
    return [{ path: path.join("."), message: code === "required" ? "Required" : issue.message, code, ...(params === undefined ? {} : { params }) }];
  });
}

type Issue = z.ZodError["issues"][number];

/**
 * The message a person should read for a zod issue: its code, and the limits it names; null for a schema's own
 * rule that names no code, whose English message is kept.
 */
export function validationCode(issue: Issue): { code: ValidationCode; params?: Record<string, number> } | null {
  switch (issue.code) {
    case "invalid_type":
      // Zod drops the input from its issues; its message is the one place that says the field was missing.
      if (/received undefined$/.test(issue.message)) return { code: "required" };
      // `.int()` on a number reports a fraction as the wrong type, marked with the integer format it wanted.
      if ("format" in issue && issue.expected === "int") return { code: "wholeNumber" };
      if (issue.expected === "number" || issue.expected === "int" || issue.expected === "bigint") return { code: "notANumber" };
      if (issue.expected === "array") return { code: "notAList" };
      if (issue.expected === "string") return { code: "notText" };
      return { code: "invalid" };
    case "too_small": {
      const minimum = Number(issue.minimum);
      if (issue.origin === "string") return minimum <= 1 ? { code: "required" } : { code: "tooShort", params: { min: minimum } };
      if (issue.origin === "array" || issue.origin === "set") {
        return minimum <= 1 ? { code: "required" } : { code: "tooFewItems", params: { min: minimum } };
      }
      return { code: "tooSmall", params: { min: minimum } };
    }
    case "too_big": {
      const maximum = Number(issue.maximum);
      if (issue.origin === "string") return { code: "tooLong", params: { max: maximum } };
      if (issue.origin === "array" || issue.origin === "set") return { code: "tooManyItems", params: { max: maximum } };
      return { code: "tooLarge", params: { max: maximum } };
    }
    case "not_multiple_of":
      return issue.divisor === 1 ? { code: "wholeNumber" } : { code: "invalid" };
    case "invalid_format":
      return { code: issue.format === "email" ? "invalidEmail" : issue.format === "date" ? "invalidDate" : "invalidFormat" };
    case "invalid_value":
      return { code: "chooseOne" };
    case "custom": {
      // A schema's own rule names its message in `params.code` (functions/domain/agreement.ts), and the limits
      // the message names beside it.
      const { code, ...values } = (issue.params ?? {}) as Record<string, unknown>;
      if (!isValidationCode(code)) return null;
      const limits = Object.entries(values).filter((entry): entry is [string, number] => typeof entry[1] === "number");
      return limits.length === 0 ? { code } : { code, params: Object.fromEntries(limits) };
    }
    default:
      return { code: "invalid" };
  }
}

function isValidationCode(value: unknown): value is ValidationCode {
  return typeof value === "string" && (VALIDATION_CODES as readonly string[]).includes(value);
}
