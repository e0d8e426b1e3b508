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
  lastDayInForce,
  NOTICE_GROUNDS,
  OPERATIONAL_FIELDS,
  terminationSchema,
  type Actor,
  type Agreement,
  type AgreementContent,
  type CompleteAgreement,
  type DraftContent,
  type Period,
  type Status,
  type Termination,
} from "./agreement";
import { fieldChanges, type FieldChange } from "./audit";
import { addDays, addMonths, daysBetween, stockholmDate, yearOf, type CalendarDate } from "./dates";
import { fieldErrorsFromZod, type FieldError } from "./errors";
import { remindersReplannedOn } from "./reminders";

/**
 * `activate`, `expire` and `end` are the workflow's: the start date has come, the end date is over, a recorded
 * termination has taken effect.
 */
export const ACTIONS = ["update", "submit", "decide", "withdraw", "activate", "renew", "terminate", "expire", "end"] as const;
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
  z.object({ type: z.literal("end") }),
]);
export type Command = z.infer<typeof commandSchema>;

const ALLOWED: Record<Status, readonly Action[]> = {
  draft: ["update", "submit", "withdraw"],
  proposed: ["decide", "withdraw"],
  approved: ["update", "activate", "terminate"],
  active: ["update", "renew", "terminate", "expire", "end"],
  expired: [],
  renewed: [],
  terminated: [],
  rejected: [],
  withdrawn: [],
};

export function allowedActions(status: Status): readonly Action[] {
  return ALLOWED[status];
}

/**
 * Once a termination is recorded the agreement ends by it: it can no longer be renewed, terminated again or
 * expire; until then there is no termination to take effect.
 */
const RULED_OUT_BY_TERMINATION: readonly Action[] = ["renew", "terminate", "expire"];

/** What the agreement allows now: its status's actions, narrowed by a recorded termination. */
export function availableActions(agreement: Pick<Agreement, "status" | "termination">): readonly Action[] {
  const terminating = agreement.termination != null;
  return allowedActions(agreement.status).filter((action) =>
    terminating ? !RULED_OUT_BY_TERMINATION.includes(action) : action !== "end",
  );
}

function describeState(agreement: Pick<Agreement, "status" | "termination">): string {
  const termination = agreement.termination;
  if (termination == null || agreement.status === "terminated") return agreement.status;
  return `${agreement.status} and terminated, in force until the end of ${termination.effectiveDate}`;
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
  /** Each value the change touched, before and after (functions/domain/audit.ts); empty for a creation. */
  changes: FieldChange[];
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

/**
 * The related agreements each action's rules read; the caller loads only these. The workflow's actions read none:
 * on a day when hundreds of agreements start, activating one must not read every agreement of its association.
 */
const RELATED_READ: Record<Action, readonly (keyof Related)[]> = {
  update: [],
  submit: ["predecessor", "sameAssociation"],
  decide: ["predecessor"],
  withdraw: [],
  activate: [],
  renew: [],
  terminate: [],
  expire: [],
  end: [],
};

export function relatedRead(action: Action): readonly (keyof Related)[] {
  return RELATED_READ[action];
}

export type TransitionResult =
  | { ok: true; agreement: Agreement; changes: Change[] }
  | { ok: false; error: LifecycleError };

function failure(
  agreement: Pick<Agreement, "status" | "termination">,
  code: LifecycleErrorCode,
  message: string,
  fieldErrors: FieldError[] = [],
): TransitionResult {
  return { ok: false, error: { code, message, allowedActions: availableActions(agreement), fieldErrors } };
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
    changes: fieldChanges(before, after),
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
  if (!parsed.success) return failure({ status: "draft", termination: null }, "invalid", "The draft has invalid fields", fieldErrorsFromZod(parsed.error));
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
    changes: [],
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
  if (budgetYears.size !== content.budget.length) errors.push({ path: "budget", message: "Each year may appear only once", code: "budgetYearTwice" });
  for (let year = yearOf(start); year <= yearOf(end); year++) {
    if (!budgetYears.has(year)) errors.push({ path: "budget", message: `No budget for ${year}, a year of the period`, code: "budgetYearMissing", params: { year } });
  }
  content.budget.forEach((entry, index) => {
    if (entry.year < yearOf(start) || entry.year > yearOf(end)) {
      errors.push({ path: `budget.${index}.year`, message: `${entry.year} is outside the period`, code: "budgetYearOutsidePeriod", params: { year: entry.year } });
    }
  });
  if (content.reportingRequirements.length === 0) {
    errors.push({
      path: "reportingRequirements",
      message: "At least one reporting requirement: how the association reports on its work",
      code: "reportingRequirementMissing",
    });
  }
  content.reportingRequirements.forEach((requirement, index) => {
    requirement.dueDates.forEach((due, dueIndex) => {
      if (due < start) {
        errors.push({ path: `reportingRequirements.${index}.dueDates.${dueIndex}`, message: "A report cannot be due before the period starts", code: "dueBeforeStart" });
      }
    });
  });
  if (agreement.renewalOf !== null) {
    const predecessor = related.predecessor;
    if (predecessor?.id === agreement.renewalOf && predecessor.period) {
      const expectedStart = addDays(predecessor.period.end, 1);
      if (start !== expectedStart) {
        errors.push({
          path: "period.start",
          message: `A renewal starts the day after its predecessor ends: ${expectedStart}`,
          code: "renewalStart",
          params: { date: expectedStart },
        });
      }
    }
  }
  return errors;
}

/** The title as the overlap rule compares it: two agreements have the same title when these are equal. */
export function overlapTitle(agreement: Pick<Agreement, "title">): string {
  return (agreement.title ?? "").trim().toLocaleLowerCase("sv");
}

function sameTitle(a: Agreement, b: Agreement): boolean {
  return overlapTitle(a) === overlapTitle(b);
}

/**
 * Whether the overlap rule counts the agreement against others: submitted and not ended. Its terms (title,
 * associations, period) are locked from then on, so an agreement comes under the rule only by being submitted.
 */
export function underOverlapRule(agreement: Pick<Agreement, "status">): boolean {
  return agreement.status !== "draft" && !isTerminal(agreement.status);
}

function sharesAssociation(a: Agreement, b: Agreement): boolean {
  const numbers = new Set((a.associations ?? []).map((association) => association.organisationNumber));
  return (b.associations ?? []).some((association) => numbers.has(association.organisationNumber));
}

/** Periods as far as they are in force: a recorded termination ends one early. */
function periodsOverlap(a: Agreement, b: Agreement): boolean {
  if (!a.period || !b.period) return false;
  return a.period.start <= lastDayInForce({ ...b, period: b.period }) && b.period.start <= lastDayInForce({ ...a, period: a.period });
}

/** A non-terminal, submitted agreement for the same association and title whose period overlaps, if any. */
export function findOverlap(agreement: Agreement, others: readonly Agreement[]): Agreement | undefined {
  return others.find(
    (other) =>
      other.id !== agreement.id &&
      underOverlapRule(other) &&
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
  if (predecessor.termination !== null) {
    return `The agreement it renews is terminated, in force until the end of ${predecessor.termination.effectiveDate}; a terminated agreement cannot be renewed`;
  }
  return null;
}

/**
 * The successor's period, and how its dates move: by whole years when the predecessor ends on 31 December (as many
 * calendar years as the predecessor's length, rounded), by whole months when the predecessor runs whole months
 * (2024-03-15 to 2025-03-14), otherwise by the predecessor's length in days.
 */
function renewalPeriod(period: Period): { period: Period; move: (date: CalendarDate) => CalendarDate } {
  const start = addDays(period.end, 1);
  const lengthInDays = daysBetween(period.start, period.end) + 1;
  if (period.end.endsWith("-12-31")) {
    const years = Math.max(1, Math.round(lengthInDays / 365.25));
    return { period: { start, end: `${yearOf(period.end) + years}-12-31` }, move: (date) => addMonths(date, 12 * years) };
  }
  const months = (yearOf(start) - yearOf(period.start)) * 12 + Number(start.slice(5, 7)) - Number(period.start.slice(5, 7));
  if (months > 0 && addMonths(period.start, months) === start) {
    return { period: { start, end: addDays(addMonths(start, months), -1) }, move: (date) => addMonths(date, months) };
  }
  return { period: { start, end: addDays(period.end, lengthInDays) }, move: (date) => addDays(date, lengthInDays) };
}

/** The years of the predecessor's period in its title, moved to the successor's: "2024–2026" becomes "2027–2029". */
function renewalTitle(title: string, period: Period, yearShift: number): string {
  return title.replace(/(?<!\d)\d{4}(?!\d)/g, (text) => {
    const year = Number(text);
    return year >= yearOf(period.start) && year <= yearOf(period.end) ? String(year + yearShift) : text;
  });
}

/** The successor draft's content: the predecessor's, moved on by one period. */
function renewalContent(content: AgreementContent): AgreementContent {
  const { period, move } = renewalPeriod(content.period);
  const yearShift = yearOf(period.end) - yearOf(content.period.end);
  const lastBudget = content.budget.at(-1)?.amountSek ?? 0;
  const budget = Array.from({ length: yearOf(period.end) - yearOf(period.start) + 1 }, (_, index) => {
    const year = yearOf(period.start) + index;
    return { year, amountSek: content.budget.find((entry) => entry.year === year - yearShift)?.amountSek ?? lastBudget };
  });
  const reportingRequirements = content.reportingRequirements.map((requirement) => ({ ...requirement, dueDates: requirement.dueDates.map(move) }));
  return { ...content, title: renewalTitle(content.title, content.period, yearShift), period, budget, reportingRequirements };
}

/** What makes a termination impossible as given, as field errors; empty when it can be recorded. */
function terminationErrors(agreement: CompleteAgreement, termination: Termination, today: CalendarDate): FieldError[] {
  const { start, end } = agreement.period;
  const { ground, givenOn, effectiveDate } = termination;
  const errors: FieldError[] = [];
  if (givenOn > today) errors.push({ path: "termination.givenOn", message: `Cannot be after today, ${today}`, code: "notAfter", params: { date: today } });
  if (effectiveDate < start || effectiveDate > end) {
    errors.push({ path: "termination.effectiveDate", message: `Must be from ${start} to ${end}, the agreement's period`, code: "outsidePeriod", params: { start, end } });
  } else if (NOTICE_GROUNDS.includes(ground)) {
    const months = agreement.noticePeriodMonths ?? 0;
    const earliest = addMonths(givenOn, months);
    if (effectiveDate < earliest) {
      const notice = months === 0 ? "Notice given" : `With ${months} months' notice, notice given`;
      const params = { months, givenOn, earliest, end };
      errors.push(
        earliest > end
          ? {
              path: "termination.effectiveDate",
              message: `${notice} on ${givenOn} cannot take effect before the agreement ends on ${end}: the earliest possible date, ${earliest}, is after it`,
              code: "noticePastEnd",
              params,
            }
          : { path: "termination.effectiveDate", message: `${notice} on ${givenOn} takes effect on ${earliest} at the earliest`, code: "noticeTooShort", params },
      );
    }
  }
  return errors;
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
  if (!availableActions(agreement).includes(command.type)) {
    const allowed = availableActions(agreement);
    return failure(
      agreement,
      "not_allowed",
      `Cannot ${command.type} an agreement that is ${describeState(agreement)}. ` +
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
      const replannedOn = remindersReplannedOn(agreement, { ...agreement, ...parsed.data }, today);
      return single(apply(agreement, { ...parsed.data, ...(replannedOn === undefined ? {} : { remindersReplannedOn: replannedOn }) }, "update", actor, now));
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
          [{ path: "period", message: "Overlaps another agreement for the same association and title", code: "overlap", params: { title: overlap.title ?? "", start: overlap.period?.start ?? "", end: overlap.period?.end ?? "" } }],
        );
      }
      return single(apply(agreement, { status: "proposed" }, "submit", actor, now));
    }

    case "decide": {
      const parsed = decisionSchema.safeParse(command.decision);
      if (!parsed.success) return failure(agreement, "invalid", "The decision is invalid", fieldErrorsFromZod(parsed.error, ["decision"]));
      const decision = parsed.data;
      if (decision.date > today) {
        return failure(agreement, "invalid", "A decision cannot be dated in the future", [
          { path: "decision.date", message: `Must be on or before ${today}`, code: "notAfter", params: { date: today } },
        ]);
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

    case "end": {
      const lastDay = lastDayInForce(agreement as CompleteAgreement);
      if (today <= lastDay) {
        return failure(agreement, "too_early", `The termination takes effect after ${lastDay}; today is ${today}`);
      }
      return single(apply(agreement, { status: "terminated" }, "end", actor, now));
    }

    case "renew": {
      // Parsing keeps the content fields only, dropping status, decision and the other bookkeeping.
      const parsed = agreementContentSchema.safeParse(agreement);
      if (!parsed.success) return failure(agreement, "incomplete", "The agreement lacks content to renew from");
      return createDraft(command.successorId, renewalContent(parsed.data), actor, now, agreement.id);
    }

    case "terminate": {
      const parsed = terminationSchema.safeParse(command.termination);
      if (!parsed.success) return failure(agreement, "invalid", "The termination is invalid", fieldErrorsFromZod(parsed.error, ["termination"]));
      const termination = parsed.data;
      const errors = terminationErrors(agreement as CompleteAgreement, termination, today);
      if (errors.length) return failure(agreement, "invalid", errors.map((error) => error.message).join("; "), errors);
      // In force through the effective date: a termination taking effect today or later leaves it to the workflow.
      if (termination.effectiveDate >= today) {
        return single(apply(agreement, { termination }, "terminate", actor, now, termination.reason));
      }
      const recordedLate = `Recorded on ${today}, after it took effect: in force until the end of ${termination.effectiveDate}`;
      const note = termination.reason ? `${recordedLate}. ${termination.reason}` : recordedLate;
      return single(apply(agreement, { status: "terminated", termination }, "terminate", actor, now, note));
    }
  }
}
