/**
 * Errors as RFC 9457 problem details (`application/problem+json`), in one place: the shape of a problem, and which
 * error of the domain or the store becomes which status. Every problem carries the request id, so what a user
 * reports can be found in the logs. docs/api.md lists the statuses and when each is used.
 */
import type { Context } from "hono";
import * as z from "zod";
import { VALIDATION_CODES, type FieldError } from "../domain/errors";
import type { Action, LifecycleError, LifecycleErrorCode } from "../domain/lifecycle";
import type { ReportError } from "../domain/reports";
import { LifecycleRefusedError, RateLimitedError, ReportRefusedError, UseCaseError, type RefusalKind } from "../app/errors";
import { InvalidCursorError, StoreUnavailableError, VersionConflictError } from "../store/errors";
import { ReportConflictError } from "../store/reports";
import { localizedFieldErrors } from "../domain/validation-messages";
import type { Language } from "../email/reminder-message";
import { fromAcceptLanguage } from "./accept-language";
import type { AppEnv } from "./env";

export const PROBLEM_MEDIA_TYPE = "application/problem+json";
/** Field messages of the API when Accept-Language names neither catalogue: the language of its titles and details. */
const API_DEFAULT_LANGUAGE: Language = "en";

/** Lifecycle actions a client can ask for through the API; `activate`, `expire` and `end` are the workflow's. */
const API_ACTIONS = ["update", "submit", "decide", "withdraw", "renew", "terminate"] as const satisfies readonly Action[];

export const fieldErrorSchema = z.object({
  path: z.string().meta({ description: 'Where in the input, as a dotted path: "period.end", "budget.0.amountSek"' }),
  message: z.string().meta({ description: "For people, in the language Accept-Language asks for (sv or en; en when it names neither)" }),
  code: z.enum(VALIDATION_CODES).optional().meta({ description: 'What is wrong, for programs: "required", "tooLong", …' }),
});

export const problemSchema = z.object({
  type: z.literal("about:blank"),
  title: z.string().meta({ description: "A short summary; the same for every occurrence of the same problem" }),
  status: z.number().int(),
  detail: z.string().meta({ description: "What went wrong this time, and what to do about it" }),
  requestId: z.string().meta({ description: "Also in the X-Request-Id header and in every log line of the request" }),
  errors: z.array(fieldErrorSchema).optional().meta({ description: "Problems with individual input fields" }),
  allowedActions: z
    .array(z.enum(API_ACTIONS))
    .optional()
    .meta({ description: "With 409 for the agreement's status: the actions it allows now" }),
});
export type Problem = z.infer<typeof problemSchema>;

interface ProblemOptions {
  errors?: readonly FieldError[];
  allowedActions?: readonly Action[];
  headers?: Record<string, string>;
}

/** An error a route throws to answer with a problem; anything else thrown becomes a 500. */
export class ApiProblem extends Error {
  override readonly name = "ApiProblem";

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly options: ProblemOptions = {},
  ) {
    super(detail);
  }
}

export function problemResponse(
  c: Context,
  status: number,
  title: string,
  detail: string,
  errors?: readonly FieldError[],
  options: Omit<ProblemOptions, "errors"> = {},
): Response {
  const allowed = options.allowedActions?.filter((action): action is (typeof API_ACTIONS)[number] =>
    (API_ACTIONS as readonly string[]).includes(action),
  );
  const language = fromAcceptLanguage(c.req.header("Accept-Language")) ?? API_DEFAULT_LANGUAGE;
  const fieldErrors = localizedFieldErrors(errors ?? [], language).map(({ path, message, code }) => ({
    path,
    message,
    ...(code === undefined ? {} : { code }),
  }));
  const problem: Problem = {
    type: "about:blank",
    title,
    status,
    detail,
    requestId: (c as Context<AppEnv>).get("requestId"),
    ...(fieldErrors.length === 0 ? {} : { errors: fieldErrors }),
    ...(allowed === undefined ? {} : { allowedActions: allowed }),
  };
  // Through the context, so headers set earlier in the request (e.g. WWW-Authenticate) are kept.
  const headers = { ...options.headers, "Content-Type": PROBLEM_MEDIA_TYPE, ...(fieldErrors.length === 0 ? {} : { "Content-Language": language }) };
  return c.body(JSON.stringify(problem), status as 400, headers);
}

const REFUSALS: Record<LifecycleErrorCode, { status: number; title: string }> = {
  not_allowed: { status: 409, title: "Not allowed in this status" },
  too_early: { status: 409, title: "Too early" },
  overlap: { status: 409, title: "Overlaps another agreement" },
  predecessor: { status: 409, title: "Renewed agreement not in order" },
  invalid: { status: 400, title: "Invalid input" },
  incomplete: { status: 400, title: "Draft not complete" },
  locked_field: { status: 400, title: "Field locked after the decision" },
};

/**
 * The lifecycle's refusal as a problem. Refusals of the agreement's state are 409 with the actions allowed now;
 * refusals of the input are 400 with field errors (already named after the input the caller gave).
 */
function refusalProblem(refusal: LifecycleError): ApiProblem {
  const { status, title } = REFUSALS[refusal.code];
  return new ApiProblem(status, title, refusal.message, {
    errors: refusal.fieldErrors,
    ...(status === 409 ? { allowedActions: refusal.allowedActions } : {}),
  });
}

/** The refusal of a report rule as a problem: the report's state is 409, the input 400. */
function reportRefusal(error: ReportError): ApiProblem {
  const status = error.code === "not_allowed" || error.code === "too_many_attachments" ? 409 : 400;
  const title = { not_allowed: "Not allowed in this status", incomplete: "Report not complete", invalid: "Invalid input", too_many_attachments: "Too many attachments", unknown_attachment: "No such attachment" }[error.code];
  return new ApiProblem(error.code === "unknown_attachment" ? 404 : status, title, error.message, { errors: error.fieldErrors });
}

const STATUS_OF_REFUSAL: Record<RefusalKind, number> = {
  "not-found": 404,
  invalid: 400,
  conflict: 409,
  stale: 412,
  forbidden: 403,
  "rate-limited": 429,
  unavailable: 502,
};

/** How long a client waits before trying again when the database could not be reached: it is back, or still away. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The problem for an error a use case, the domain, the store or a route raised; null for anything unexpected. */
export function problemFor(error: unknown): ApiProblem | null {
  if (error instanceof ApiProblem) return error;
  if (error instanceof LifecycleRefusedError) return refusalProblem(error.refusal);
  if (error instanceof ReportRefusedError) return reportRefusal(error.refusal);
  if (error instanceof UseCaseError) {
    return new ApiProblem(STATUS_OF_REFUSAL[error.kind], error.title, error.message, {
      errors: error.fieldErrors,
      ...(error instanceof RateLimitedError ? { headers: { "Retry-After": String(error.retryAfterSeconds) } } : {}),
    });
  }
  if (error instanceof VersionConflictError) {
    return new ApiProblem(409, "Edit conflict", `${error.message}: someone saved a change at the same moment; reload it and try again`);
  }
  // Another write to the report in between: the caller can reload and retry.
  if (error instanceof ReportConflictError) return new ApiProblem(409, "Edit conflict", `${error.message}; reload it and try again`);
  if (error instanceof StoreUnavailableError) {
    return new ApiProblem(503, "Temporarily unavailable", `The database could not be reached; try again in ${STORE_RETRY_AFTER_SECONDS} seconds`, {
      headers: { "Retry-After": String(STORE_RETRY_AFTER_SECONDS) },
    });
  }
  if (error instanceof InvalidCursorError) {
    return new ApiProblem(400, "Invalid cursor", error.message, { errors: [{ path: "cursor", message: error.message }] });
  }
  // The store's refusal of an argument it cannot serve (a page size, a date range).
  if (error instanceof RangeError) return new ApiProblem(400, "Invalid request", error.message);
  return null;
}
