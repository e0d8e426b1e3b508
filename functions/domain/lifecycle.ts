/**
 * The agreement lifecycle: every rule about which action may happen when, and what it changes.
 * Pure: the current time and any related agreements are passed in; the result says what to write.
 */
import * as z from "zod";
import {
  agreementContentSchema,
  decisionSchema,
  DEFAULT_REMINDERS,
  draftContentSchema,
  isTerminal,
  OPERATIONAL_FIELDS,
  terminationSchema,
  type Actor,
  type Agreement,
  type CompleteAgreement,
  type DraftContent,
  type Status,
} from "./agreement";
import { addDays, daysBetween, stockholmDate, yearOf } from "./dates";
import { fieldErrorsFromZod, type FieldError } from "./errors";

export const ACTIONS = ["update", "submit", "decide", "withdraw", "activate", "renew", "terminate", "expire"] as const;
export type Action = (typeof ACTIONS)[number];

export const commandSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("update"), changes: draftContentSchema }),
  z.object({ type: z.literal("submit") }),
  z.object({ type: z.literal("decide"), decision: decisionSchema }),
  z.object({ type: z.literal("withdraw"), reason: z.string().trim().max(2000).optional() }),
  z.object({ type: z.literal("activate") }),
  z.object({ type: z.literal("renew"), successorId: z.string().min(1).max(64) }),
  z.object({ type: z.literal("terminate"), termination: terminationSchema }),
  z.object({ type: z.literal("expire") }),
]);
export type Command = z.infer<typeof commandSchema>;

const ALLOWED: Record<Status, readonly Action[]> = {
  draft: ["update", "submit", "withdraw"],
  proposed: ["decide", "withdraw"],
  approved: ["update", "activate", "terminate"],
  active: ["update", "renew", "terminate", "expire"],
  expired: [],
  renewed: [],
  terminated: [],
  rejected: [],
  withdrawn: [],
};

export function allowedActions(status: Status): readonly Action[] {
  return ALLOWED[status];
}

export type LifecycleErrorCode =
  | "not_allowed"
  | "invalid"
  | "incomplete"
  | "locked_field"
  | "too_early"
  | "overlap"
  | "predecessor";

export interface LifecycleError {
  code: LifecycleErrorCode;
  message: string;
  allowedActions: readonly Action[];
  fieldErrors: FieldError[];
}

export interface AuditEvent {
  agreementId: string;
  /** The agreement's version after the change: one event per version. */
  version: number;
  at: string;
  actor: Actor;
  action: Action | "create" | "renewal-approved";
  from: Status | null;
  to: Status;
  /** Top-level fields the change touched. */
  fields: string[];
  note?: string;
}

export interface Change {
  /** null when the change creates the agreement. */
  before: Agreement | null;
  after: Agreement;
  event: AuditEvent;
}

/** Agreements a rule needs besides the one acted on; the caller loads them. */
export interface Related {
  /** The agreement this one renews, when `renewalOf` is set. */
  predecessor?: Agreement;
  /** Other agreements that share an association with this one, for the overlap rule. */
  sameAssociation?: readonly Agreement[];
}

export type TransitionResult =
  | { ok: true; agreement: Agreement; changes: Change[] }
  | { ok: false; error: LifecycleError };

function failure(
  agreement: Pick<Agreement, "status">,
  code: LifecycleErrorCode,
  message: string,
  fieldErrors: FieldError[] = [],
): TransitionResult {
  return { ok: false, error: { code, message, allowedActions: allowedActions(agreement.status), fieldErrors } };
}

function changedFields(before: Agreement, after: Agreement): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete("version");
  keys.delete("updatedAt");
  return [...keys].filter((key) => JSON.stringify(before[key as keyof Agreement]) !== JSON.stringify(after[key as keyof Agreement])).sort();
}

function apply(
  before: Agreement,
  patch: Partial<Agreement>,
  action: AuditEvent["action"],
  actor: Actor,
  now: Date,
  note?: string,
): Change {
  const after: Agreement = { ...before, ...patch, version: before.version + 1, updatedAt: now.toISOString() };
  const event: AuditEvent = {
    agreementId: before.id,
    version: after.version,
    at: now.toISOString(),
    actor,
    action,
    from: before.status,
    to: after.status,
    fields: changedFields(before, after),
    ...(note === undefined ? {} : { note }),
  };
  return { before, after, event };
}

function single(change: Change): TransitionResult {
  return { ok: true, agreement: change.after, changes: [change] };
}

/** Creates a draft. Every field given must be valid; completeness is checked on submit. */
export function createDraft(
  id: string,
  content: DraftContent,
  actor: Actor,
  now: Date,
  renewalOf: string | null = null,
): TransitionResult {
  const parsed = draftContentSchema.strict().safeParse(content);
  if (!parsed.success) return failure({ status: "draft" }, "invalid", "The draft has invalid fields", fieldErrorsFromZod(parsed.error));
  const at = now.toISOString();
  const agreement: Agreement = {
    reminders: DEFAULT_REMINDERS,
    otherPartners: [],
    subEfforts: [],
    contacts: [],
    reportingRequirements: [],
    coFinancing: null,
    noticePeriodMonths: null,
    ...parsed.data,
    id,
    version: 1,
    status: "draft",
    decision: null,
    termination: null,
    renewalOf,
    renewedBy: null,
    createdAt: at,
    updatedAt: at,
  };
  const event: AuditEvent = {
    agreementId: id,
    version: 1,
    at,
    actor,
    action: "create",
    from: null,
    to: "draft",
    fields: Object.keys(parsed.data).sort(),
  };
  return { ok: true, agreement, changes: [{ before: null, after: agreement, event }] };
}

/** Every reason a draft is not ready to submit, as field errors; empty when it is complete. */
export function completenessErrors(agreement: Agreement, related: Related = {}): FieldError[] {
  const parsed = agreementContentSchema.safeParse(agreement);
  if (!parsed.success) {
    return fieldErrorsFromZod(parsed.error).map((error) =>
      error.message.startsWith("Invalid input") ? { ...error, message: "Required" } : error,
    );
  }
  const content = parsed.data;
  const errors: FieldError[] = [];
  const { start, end } = content.period;
  const budgetYears = new Set(content.budget.map((entry) => entry.year));
  if (budgetYears.size !== content.budget.length) errors.push({ path: "budget", message: "Each year may appear only once" });
  for (let year = yearOf(start); year <= yearOf(end); year++) {
    if (!budgetYears.has(year)) errors.push({ path: "budget", message: `No budget for ${year}, a year of the period` });
  }
  content.budget.forEach((entry, index) => {
    if (entry.year < yearOf(start) || entry.year > yearOf(end)) {
      errors.push({ path: `budget.${index}.year`, message: `${entry.year} is outside the period` });
    }
  });
  content.reportingRequirements.forEach((requirement, index) => {
    requirement.dueDates.forEach((due, dueIndex) => {
      if (due < start) errors.push({ path: `reportingRequirements.${index}.dueDates.${dueIndex}`, message: "A report cannot be due before the period starts" });
    });
  });
  if (agreement.renewalOf !== null) {
    const predecessor = related.predecessor;
    if (predecessor?.id === agreement.renewalOf && predecessor.period) {
      const expectedStart = addDays(predecessor.period.end, 1);
      if (start !== expectedStart) {
        errors.push({ path: "period.start", message: `A renewal starts the day after its predecessor ends: ${expectedStart}` });
      }
    }
  }
  return errors;
}

function sameTitle(a: Agreement, b: Agreement): boolean {
  return (a.title ?? "").trim().toLocaleLowerCase("sv") === (b.title ?? "").trim().toLocaleLowerCase("sv");
}

function sharesAssociation(a: Agreement, b: Agreement): boolean {
  const numbers = new Set((a.associations ?? []).map((association) => association.organisationNumber));
  return (b.associations ?? []).some((association) => numbers.has(association.organisationNumber));
}

function periodsOverlap(a: Agreement, b: Agreement): boolean {
  if (!a.period || !b.period) return false;
  return a.period.start <= b.period.end && b.period.start <= a.period.end;
}

/** A non-terminal, submitted agreement for the same association and title whose period overlaps, if any. */
export function findOverlap(agreement: Agreement, others: readonly Agreement[]): Agreement | undefined {
  return others.find(
    (other) =>
      other.id !== agreement.id &&
      other.status !== "draft" &&
      !isTerminal(other.status) &&
      sameTitle(agreement, other) &&
      sharesAssociation(agreement, other) &&
      periodsOverlap(agreement, other),
  );
}

function predecessorProblem(agreement: Agreement, related: Related): string | null {
  if (agreement.renewalOf === null) return null;
  const predecessor = related.predecessor;
  if (!predecessor || predecessor.id !== agreement.renewalOf) return `The agreement it renews (${agreement.renewalOf}) was not found`;
  if (predecessor.status !== "active" && predecessor.status !== "approved") {
    return `The agreement it renews is ${predecessor.status}; only an approved or active agreement can be renewed`;
  }
  if (predecessor.renewedBy !== null && predecessor.renewedBy !== agreement.id) {
    return `The agreement it renews is already renewed by ${predecessor.renewedBy}`;
  }
  return null;
}

/**
 * Applies one command. On success `agreement` is the agreement the command produced (for `renew`, the new
 * successor draft) and `changes` lists every agreement to write, each with its audit event, in one transaction.
 */
export function transition(
  agreement: Agreement,
  command: Command,
  actor: Actor,
  now: Date,
  related: Related = {},
): TransitionResult {
  if (!allowedActions(agreement.status).includes(command.type)) {
    const allowed = allowedActions(agreement.status);
    return failure(
      agreement,
      "not_allowed",
      `Cannot ${command.type} an agreement that is ${agreement.status}. ` +
        (allowed.length ? `Allowed now: ${allowed.join(", ")}.` : "No action is allowed in this status."),
    );
  }
  const today = stockholmDate(now);

  switch (command.type) {
    case "update": {
      const parsed = draftContentSchema.strict().safeParse(command.changes);
      if (!parsed.success) return failure(agreement, "invalid", "Some fields are invalid", fieldErrorsFromZod(parsed.error, ["changes"]));
      const fields = Object.keys(parsed.data);
      if (agreement.status !== "draft") {
        const locked = fields.filter((field) => !(OPERATIONAL_FIELDS as readonly string[]).includes(field));
        if (locked.length) {
          return failure(
            agreement,
            "locked_field",
            `Once decided, only ${OPERATIONAL_FIELDS.join(", ")} can change; the terms need a new agreement`,
            locked.map((field) => ({ path: `changes.${field}`, message: "Cannot change after the decision" })),
          );
        }
      }
      return single(apply(agreement, parsed.data, "update", actor, now));
    }

    case "submit": {
      const missing = completenessErrors(agreement, related);
      if (missing.length) return failure(agreement, "incomplete", "The draft is not complete", missing);
      const problem = predecessorProblem(agreement, related);
      if (problem) return failure(agreement, "predecessor", problem);
      const overlap = findOverlap(agreement, related.sameAssociation ?? []);
      if (overlap) {
        return failure(
          agreement,
          "overlap",
          `"${overlap.title}" (${overlap.id}, ${overlap.status}) already covers this association from ${overlap.period?.start} to ${overlap.period?.end}`,
          [{ path: "period", message: "Overlaps another agreement for the same association and title" }],
        );
      }
      return single(apply(agreement, { status: "proposed" }, "submit", actor, now));
    }

    case "decide": {
      const parsed = decisionSchema.safeParse(command.decision);
      if (!parsed.success) return failure(agreement, "invalid", "The decision is invalid", fieldErrorsFromZod(parsed.error, ["decision"]));
      const decision = parsed.data;
      if (decision.date > today) {
        return failure(agreement, "invalid", "A decision cannot be dated in the future", [{ path: "decision.date", message: `Must be on or before ${today}` }]);
      }
      if (decision.outcome === "rejected") {
        return single(apply(agreement, { status: "rejected", decision }, "decide", actor, now));
      }
      const problem = predecessorProblem(agreement, related);
      if (problem) return failure(agreement, "predecessor", problem);
      const decided = apply(agreement, { status: "approved", decision }, "decide", actor, now);
      if (agreement.renewalOf === null || !related.predecessor) return single(decided);
      const predecessor = apply(related.predecessor, { renewedBy: agreement.id }, "renewal-approved", actor, now, `Renewed by ${agreement.id}`);
      return { ok: true, agreement: decided.after, changes: [decided, predecessor] };
    }

    case "withdraw":
      return single(apply(agreement, { status: "withdrawn" }, "withdraw", actor, now, command.reason));

    case "activate": {
      const complete = agreement as CompleteAgreement;
      if (today < complete.period.start) {
        return failure(agreement, "too_early", `The agreement starts on ${complete.period.start}; today is ${today}`);
      }
      return single(apply(agreement, { status: "active" }, "activate", actor, now));
    }

    case "expire": {
      const complete = agreement as CompleteAgreement;
      if (today <= complete.period.end) {
        return failure(agreement, "too_early", `The agreement is in force until the end of ${complete.period.end}; today is ${today}`);
      }
      const status: Status = agreement.renewedBy === null ? "expired" : "renewed";
      return single(apply(agreement, { status }, "expire", actor, now));
    }

    case "renew": {
      // Parsing keeps the content fields only, dropping status, decision and the other bookkeeping.
      const parsed = agreementContentSchema.safeParse(agreement);
      if (!parsed.success) return failure(agreement, "incomplete", "The agreement lacks content to renew from");
      const content = parsed.data;
      const shiftInDays = daysBetween(content.period.start, content.period.end) + 1;
      const start = addDays(content.period.end, 1);
      const end = addDays(content.period.end, shiftInDays);
      const lastBudget = content.budget.at(-1)?.amountSek ?? 0;
      const budget = Array.from({ length: yearOf(end) - yearOf(start) + 1 }, (_, index) => ({
        year: yearOf(start) + index,
        amountSek: content.budget.find((entry) => entry.year === yearOf(content.period.start) + index)?.amountSek ?? lastBudget,
      }));
      const reportingRequirements = content.reportingRequirements.map((requirement) => ({
        ...requirement,
        dueDates: requirement.dueDates.map((due) => addDays(due, shiftInDays)),
      }));
      return createDraft(
        command.successorId,
        { ...content, period: { start, end }, budget, reportingRequirements },
        actor,
        now,
        agreement.id,
      );
    }

    case "terminate": {
      const parsed = terminationSchema.safeParse(command.termination);
      if (!parsed.success) return failure(agreement, "invalid", "The termination is invalid", fieldErrorsFromZod(parsed.error, ["termination"]));
      const complete = agreement as CompleteAgreement;
      const { effectiveDate } = parsed.data;
      if (effectiveDate < complete.period.start || effectiveDate > complete.period.end) {
        return failure(agreement, "invalid", "The effective date must fall within the agreement's period", [
          { path: "termination.effectiveDate", message: `Between ${complete.period.start} and ${complete.period.end}` },
        ]);
      }
      return single(apply(agreement, { status: "terminated", termination: parsed.data }, "terminate", actor, now, parsed.data.reason));
    }
  }
}
