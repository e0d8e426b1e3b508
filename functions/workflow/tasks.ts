/**
 * The state machine's task handlers, one per Task state of agreement.asl.json. Small functions over the domain
 * and the store; everything they touch is injected, so the Lambda entry points (functions/handlers/workflow-*.ts)
 * and the local engine (functions/local/workflow-engine.ts) run the very same code.
 */
import * as z from "zod";
import { isComplete, type Actor, type Agreement } from "../domain/agreement";
import type { Clock } from "../domain/clock";
import { dueTransition, nextDueInstant } from "../domain/schedule";
import { runCommand } from "../app/commands";
import { AgreementNotFoundError } from "../app/errors";
import type { WorkflowStateStore } from "../store/workflow-state";
import { sendDueReminders, type SendRemindersDependencies } from "./send-reminders";
import { checkedTiming, planStep, type Step, type WorkflowTiming } from "./timing";

/** Who the audit trail names for what the workflow does. */
export const WORKFLOW_ACTOR: Actor = { kind: "system", id: "workflow" };

/** Starts an execution of the state machine for a generation of an agreement; starting one that exists is a no-op. */
export interface ExecutionLauncher {
  start(agreementId: string, generation: number): Promise<void>;
}

/** Completes an AwaitDecision callback; completing one nobody waits on any more is a no-op. */
export interface DecisionCallbacks {
  complete(taskToken: string): Promise<void>;
}

export interface WorkflowAlarm {
  agreementId: string;
  generation: number;
  error: string;
  cause: string;
}

/** Where a workflow failure is raised for the on-call engineer. */
export interface AlarmSink {
  raise(alarm: WorkflowAlarm): Promise<void>;
}

export interface WorkflowTaskDependencies extends SendRemindersDependencies {
  workflowState: WorkflowStateStore;
  clock: Clock;
  timing: WorkflowTiming;
  launcher: ExecutionLauncher;
  decisions: DecisionCallbacks;
  alarms: AlarmSink;
}

/** A task was given input it cannot work with: a wiring mistake that no retry mends. */
export class InvalidTaskInputError extends Error {
  override readonly name = "InvalidTaskInputError";
}

/** The workflow of an agreement runs without the state its start writes. */
export class WorkflowStateMissingError extends Error {
  override readonly name = "WorkflowStateMissingError";
}

/**
 * The errors the tasks throw that cannot go away on a retry: the state machine sends them straight to
 * RecordFailure (agreement.asl.json names them in each Task's first retrier, with no attempts) instead of
 * retrying for half an hour. A lifecycle refusal (the agreement's data does not allow the transition) is one.
 */
export const UNRETRYABLE_TASK_ERRORS = ["InvalidTaskInputError", "AgreementNotFoundError", "WorkflowStateMissingError", "LifecycleRefusedError"] as const;

/** Parses a task's input, or InvalidTaskInputError. */
function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidTaskInputError(`Invalid task input: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const taskInputSchema = z.object({ agreementId: z.string().min(1), generation: z.number().int().min(0) });
const awaitDecisionInputSchema = taskInputSchema.extend({ taskToken: z.string().min(1) });
const recordFailureInputSchema = taskInputSchema.extend({ error: z.string(), cause: z.string() });

export interface WorkflowTasks {
  /** CatchUp: brings the agreement up to date with the calendar, sends due reminders, plans the next step. */
  catchUp(input: unknown): Promise<Step>;
  /** AwaitDecision: keeps the task token where the decision API finds it. */
  awaitDecision(input: unknown): Promise<void>;
  /** ContinueAsNew: starts the next generation's execution. */
  continueAsNew(input: unknown): Promise<void>;
  /** RecordFailure: records the failure on the agreement's workflow state and raises an alarm. */
  recordFailure(input: unknown): Promise<void>;
}

/** Long causes (stack traces) are cut so the state item stays small. */
const MAX_CAUSE_LENGTH = 2_000;

export function createWorkflowTasks(dependencies: WorkflowTaskDependencies): WorkflowTasks {
  const { agreements, workflowState, clock, launcher, decisions, alarms } = dependencies;
  const timing = checkedTiming(dependencies.timing);

  /** Activates on the start date and expires after the end date; both may be due after a long pause. */
  async function applyDueTransitions(agreement: Agreement, now: Date): Promise<Agreement> {
    let current = agreement;
    for (;;) {
      const transition = isComplete(current) ? dueTransition(current, now) : null;
      if (transition === null) return current;
      const command = { type: transition };
      current = (await runCommand(agreements, { agreementId: current.id, command, actor: WORKFLOW_ACTOR, now })).agreement;
    }
  }

  return {
    async catchUp(input) {
      const { agreementId, generation } = parseInput(taskInputSchema, input);
      const now = clock.now();
      const [state, stored] = await Promise.all([workflowState.get(agreementId), agreements.get(agreementId)]);
      if (stored === null) throw new AgreementNotFoundError(agreementId);
      if (state === null) throw new WorkflowStateMissingError(`Agreement ${agreementId} has no workflow state: start its workflow through AgreementWorkflow`);
      // A newer generation has taken over (a restart, or a continue-as-new that was retried): leave it the work.
      if (state.generation !== generation) return { status: stored.status, next: "done", wakeAt: now.toISOString() };

      const agreement = await applyDueTransitions(stored, now);
      let dueAt: Date | null = null;
      if (isComplete(agreement)) {
        const { handled, settleAt } = await sendDueReminders(dependencies, agreement, now);
        const nextDue = nextDueInstant(agreement, now, handled);
        // A claim another attempt still holds keeps the execution waiting until it can be settled.
        dueAt = settleAt !== null && (nextDue === null || settleAt < nextDue) ? settleAt : nextDue;
      }
      const step = planStep({ status: agreement.status, dueAt, now, generationStartedAt: new Date(state.generationStartedAt), timing });
      if (state.failure !== undefined) await workflowState.clearFailure(agreementId, generation, now);
      if (step.next === "done") await workflowState.finish(agreementId, generation, now);
      return step;
    },

    async awaitDecision(input) {
      const { agreementId, generation, taskToken } = parseInput(awaitDecisionInputSchema, input);
      const saved = await workflowState.saveDecisionToken(agreementId, generation, taskToken, clock.now());
      const agreement = await agreements.get(agreementId);
      // Decided before the token was saved (or superseded): nobody else will complete this callback.
      if (!saved || agreement?.status !== "proposed") await decisions.complete(taskToken);
    },

    async continueAsNew(input) {
      const { agreementId, generation } = parseInput(taskInputSchema, input);
      const next = generation + 1;
      if (!(await workflowState.beginGeneration(agreementId, next, clock.now()))) {
        // Either an earlier attempt of this task began it (then start it, again), or a newer generation runs.
        if ((await workflowState.get(agreementId))?.generation !== next) return;
      }
      await launcher.start(agreementId, next);
    },

    async recordFailure(input) {
      const { agreementId, generation, error, cause } = parseInput(recordFailureInputSchema, input);
      const shortCause = cause.length > MAX_CAUSE_LENGTH ? `${cause.slice(0, MAX_CAUSE_LENGTH)}…` : cause;
      await workflowState.recordFailure(agreementId, { at: clock.now().toISOString(), generation, error, cause: shortCause });
      await alarms.raise({ agreementId, generation, error, cause: shortCause });
    },
  };
}
