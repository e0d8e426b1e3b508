/**
 * How long an execution may wait and live, and the step the state machine takes next. Pure: the catch-up task
 * computes the step; the Choice state routes on it (functions/workflow/agreement.asl.json).
 */
import type { Status } from "../domain/agreement";

const MS_PER_DAY = 86_400_000;

export interface WorkflowTiming {
  /**
   * The longest single wait. An execution re-reads its agreement at least this often, so a change nobody told the
   * workflow about is picked up within this time.
   */
  maxWaitDays: number;
  /** How long AwaitDecision waits for its callback before it catches up and waits again. */
  decisionTimeoutDays: number;
  /** A generation continues as new when its next wake-up would come later than this after it started. */
  generationDays: number;
}

/**
 * A Standard execution may run for a year; 300 days leaves two months to spare. 120 days keeps an agreement
 * under ~25 state transitions a year (docs/benchmarks.md).
 */
export const DEFAULT_WORKFLOW_TIMING: WorkflowTiming = { maxWaitDays: 120, decisionTimeoutDays: 60, generationDays: 300 };

/** Refuses timings that would make an execution outlive a generation on its own wait. */
export function checkedTiming(timing: WorkflowTiming): WorkflowTiming {
  for (const [name, days] of Object.entries(timing)) {
    if (!Number.isInteger(days) || days < 1) throw new Error(`Workflow timing ${name} must be a whole number of days >= 1, got ${days}`);
  }
  if (timing.maxWaitDays >= timing.generationDays || timing.decisionTimeoutDays >= timing.generationDays) {
    throw new Error("Workflow timing: maxWaitDays and decisionTimeoutDays must be shorter than generationDays");
  }
  return timing;
}

export function decisionTimeoutSeconds(timing: WorkflowTiming): number {
  return timing.decisionTimeoutDays * 86_400;
}

export type NextStep = "wait" | "continue-as-new" | "done";

/** What the catch-up task returns; the state machine keeps it at `$.step`. */
export interface Step {
  status: Status;
  /** "wait" means AwaitDecision (proposed), WaitUntilStart (approved) or WaitForNextWake (otherwise). */
  next: NextStep;
  /** When to catch up again (ISO 8601, UTC): the Wait states' TimestampPath, and the decision timeout. */
  wakeAt: string;
}

/** Statuses whose agreement can still have something due: a start, an end or a reminder. */
const WAITING_STATUSES: readonly Status[] = ["approved", "active", "expired", "renewed", "terminated"];

function afterDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * MS_PER_DAY);
}

/**
 * The next step after a catch-up at `now`. `dueAt` is when the agreement next needs attention (null: never
 * again); a proposal waits for its decision until the decision timeout.
 */
export function planStep(input: {
  status: Status;
  dueAt: Date | null;
  now: Date;
  generationStartedAt: Date;
  timing: WorkflowTiming;
}): Step {
  const { status, dueAt, now, generationStartedAt, timing } = input;
  let wakeAt: Date;
  if (status === "proposed") {
    wakeAt = afterDays(now, timing.decisionTimeoutDays);
  } else if (WAITING_STATUSES.includes(status) && dueAt !== null) {
    const latest = afterDays(now, timing.maxWaitDays);
    wakeAt = dueAt < latest ? dueAt : latest;
  } else {
    return { status, next: "done", wakeAt: now.toISOString() };
  }
  const generationEnds = afterDays(generationStartedAt, timing.generationDays);
  return { status, next: wakeAt > generationEnds ? "continue-as-new" : "wait", wakeAt: wakeAt.toISOString() };
}
