/**
 * The errors a use case throws when it refuses: typed, so the JSON API (functions/api/problems.ts) turns each into
 * one problem and a page into one error summary, and carrying field errors that name the input the caller gave.
 * No HTTP here: `kind` says what sort of refusal it is; the adapters decide how to answer it.
 */
import type { Permission, StaffPrincipal } from "../api/auth/principal";
import type { FieldError } from "../domain/errors";
import type { LifecycleError } from "../domain/lifecycle";
import type { ReportError } from "../domain/reports";
import type { ReminderState } from "./reminders";

/**
 * not-found: the thing asked for does not exist (or must look so); invalid: the input; conflict: the state of what
 * is changed; stale: the caller acted on a version that has moved on; forbidden: the principal lacks the
 * permission; rate-limited: asked too often; unavailable: a service the use case needs did not answer.
 */
export type RefusalKind = "not-found" | "invalid" | "conflict" | "stale" | "forbidden" | "rate-limited" | "unavailable";

export class UseCaseError extends Error {
  override readonly name: string = "UseCaseError";
  constructor(
    readonly kind: RefusalKind,
    /** A short summary, the same for every occurrence of the same refusal. */
    readonly title: string,
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

/** The principal has none of the roles that grant the permission the use case needs. */
export class NotPermittedError extends UseCaseError {
  override readonly name = "NotPermittedError";
  constructor(principal: Pick<StaffPrincipal, "roles">, readonly permission: Permission) {
    super("forbidden", "Not permitted", `This needs the ${permission} permission, which none of your roles (${principal.roles.join(", ") || "none"}) has`);
  }
}

export class AgreementNotFoundError extends UseCaseError {
  override readonly name = "AgreementNotFoundError";
  constructor(readonly agreementId: string) {
    super("not-found", "Not found", `No agreement ${agreementId}`);
  }
}

/** The caller acted on a version it read earlier, and the agreement has changed since (a stale If-Match). */
export class StaleVersionError extends UseCaseError {
  override readonly name = "StaleVersionError";
  constructor(
    readonly agreementId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super("stale", "Changed since you read it", `Agreement ${agreementId} is at version ${currentVersion}, not ${expectedVersion}: reload it and try again`);
  }
}

/**
 * The lifecycle refused the command; `refusal` says why and which actions are allowed now. With `inputField`
 * (the command member the caller's input became, e.g. "changes"), field paths follow the input as given.
 */
export class LifecycleRefusedError extends Error {
  override readonly name = "LifecycleRefusedError";
  readonly refusal: LifecycleError;
  constructor(refusal: LifecycleError, inputField?: string) {
    super(refusal.message);
    const prefix = inputField === undefined ? undefined : `${inputField}.`;
    this.refusal = {
      ...refusal,
      fieldErrors: refusal.fieldErrors.map((error) =>
        prefix !== undefined && error.path.startsWith(prefix) ? { ...error, path: error.path.slice(prefix.length) } : error,
      ),
    };
  }
}

/** A report rule refused the change (functions/domain/reports.ts); `refusal.code` says which. */
export class ReportRefusedError extends Error {
  override readonly name = "ReportRefusedError";
  constructor(readonly refusal: ReportError) {
    super(refusal.message);
  }
}

/** A report link that is unknown, expired or revoked: which one is never said. */
export class ReportLinkNotWorkingError extends UseCaseError {
  override readonly name = "ReportLinkNotWorkingError";
  constructor() {
    super("not-found", "Link not working", "This report link does not work (any more). Ask for a fresh link with your email address.");
  }
}

/**
 * An attachment refused: not a type accepted (`type`), over the size limit (`size`), empty (`empty`), or its content
 * is not what its type requires (`content`; the file was deleted). `reason` lets a page say which in its language.
 */
export class AttachmentRefusedError extends UseCaseError {
  override readonly name = "AttachmentRefusedError";
  constructor(
    /** "missing": no file was chosen; "failed": nothing was stored where the upload should be. */
    readonly reason: "type" | "size" | "empty" | "content" | "missing" | "failed",
    message: string,
  ) {
    super("invalid", "File refused", message);
  }
}

export class RateLimitedError extends UseCaseError {
  override readonly name = "RateLimitedError";
  constructor(readonly retryAfterSeconds: number) {
    super("rate-limited", "Too many requests", `Too many link requests; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`);
  }
}

/** The email service did not take an email; what it carried (a link) never reached anyone. */
export class EmailNotSentError extends UseCaseError {
  override readonly name = "EmailNotSentError";
  constructor(options?: ErrorOptions) {
    super("unavailable", "Email not sent", "The email service did not take the email; try again in a while");
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/**
 * Submissions for the same association and title kept overtaking this one (functions/store/overlap-guard.ts): rare
 * enough to ask the person to try again.
 */
export class SubmittedTogetherError extends UseCaseError {
  override readonly name = "SubmittedTogetherError";
  constructor(options?: ErrorOptions) {
    super("conflict", "Submitted at the same moment", "Another agreement for the same association and title was submitted at the same moment; try again");
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** No reminder with this id was recorded for the agreement. */
export class ReminderNotFoundError extends UseCaseError {
  override readonly name = "ReminderNotFoundError";
  constructor(agreementId: string, reminderId: string) {
    super("not-found", "Not found", `Agreement ${agreementId} has no recorded reminder ${reminderId}`);
  }
}

/** Only an uncertain reminder may be sent again: any other was sent, skipped, or is the workflow's to send. */
export class ReminderNotUncertainError extends UseCaseError {
  override readonly name = "ReminderNotUncertainError";
  constructor(readonly state: ReminderState) {
    super("conflict", "Not uncertain", `Only a reminder whose sending is uncertain can be sent again; this one is ${state}`);
  }
}

/** The email service did not confirm the new send; the reminder stays uncertain. */
export class ReminderResendFailedError extends UseCaseError {
  override readonly name = "ReminderResendFailedError";
  constructor(readonly surelyNotSent: boolean) {
    super(
      "unavailable",
      "Email not sent",
      surelyNotSent
        ? "The email service did not take the reminder; it was not sent again. Try again in a while."
        : "The email service did not answer, so the reminder may or may not have been sent again. Ask the recipients before trying once more.",
    );
  }
}
