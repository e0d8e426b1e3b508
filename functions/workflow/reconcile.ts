/**
 * The reconciler: puts right, on a schedule, what nothing else would. An agreement's execution can be missing
 * (never started, or lost with the local process), ended (failed, timed out, stopped) or stale (running past its
 * generation, so its continue-as-new never happened), and a saved change may not have been told to the workflow
 * (left in the outbox). Its steps ({@link reconcilerSteps}), in this order, put these right through the same
 * AgreementWorkflow the API uses, so a repair is what a person editing the agreement would cause:
 * {@link drainOutbox} tells what is left in the outbox, {@link repairExecutions} restarts the executions that are
 * still missing, ended or stale. A third step sends the fresh report links associations asked for, which are sent
 * right after the answer where the runtime lets work go on after it (locally) and by the reconciler where it may
 * not (Lambda).
 *
 * One code path for AWS and the local runtime: the scheduled Lambda handler (functions/handlers/reconcile.ts) runs
 * the steps with Step Functions behind the ports, the local runtime (functions/local/reconciler.ts) with the local
 * engine. docs/workflow.md#the-reconciler describes it.
 */
import type { Status } from "../domain/agreement";
import type { Clock } from "../domain/clock";
import type { AgreementStore } from "../store/agreements";
import type { WorkflowState, WorkflowStateStore } from "../store/workflow-state";
import { executionName } from "./executions";
import type { AgreementWorkflow } from "./port";
import type { WorkflowTiming } from "./timing";

/** How often the reconciler runs unless configured (IOP_RECONCILE_MINUTES in AWS, RECONCILE_MINUTES locally). */
export const DEFAULT_RECONCILE_MINUTES = 15;

/**
 * The minutes between runs from a setting's text: the default when it is unset or empty; null unless it is a whole
 * number from 1 to 1440 (once a day).
 */
export function reconcileMinutesFrom(text: string | undefined): number | null {
  const trimmed = text?.trim() ?? "";
  const minutes = trimmed === "" ? DEFAULT_RECONCILE_MINUTES : Number(trimmed);
  return Number.isInteger(minutes) && minutes >= 1 && minutes <= 1_440 ? minutes : null;
}

/** What one step did. */
export interface ReconcileStepResult {
  /** Things found stopped or untold and put right: what the repairs metric counts and its alarm rings for. */
  repaired: number;
  /** Things found wrong and not put right in this run; the next run tries again. */
  failed: number;
  /** The step's routine work, neither a repair nor a failure (fresh report links sent), for the log. */
  done?: number;
}

/** One thing the reconciler puts right; steps run in order, each whether or not the one before it failed. */
export interface ReconcileStep {
  name: string;
  /** `signal` aborts when the process running the reconciler stops: a long step may end early then. */
  run(signal?: AbortSignal): Promise<ReconcileStepResult>;
}

export interface ReconcileReport {
  repaired: number;
  failed: number;
  steps: Array<ReconcileStepResult & { name: string; error?: string }>;
}

/**
 * Runs each step and adds up what they did. A step that throws counts as one failure and does not stop the
 * others: the outbox of untold changes can be drained while Step Functions is unreachable, and the other way round.
 * Once `signal` aborts, no further step starts; what is left waits for the next run.
 */
export async function reconcile(steps: readonly ReconcileStep[], signal?: AbortSignal): Promise<ReconcileReport> {
  const report: ReconcileReport = { repaired: 0, failed: 0, steps: [] };
  for (const step of steps) {
    if (signal?.aborted) break;
    let result: ReconcileReport["steps"][number];
    try {
      result = { name: step.name, ...(await step.run(signal)) };
    } catch (error) {
      result = { name: step.name, repaired: 0, failed: 1, error: error instanceof Error ? error.message : String(error) };
    }
    report.steps.push(result);
    report.repaired += result.repaired;
    report.failed += result.failed;
  }
  return report;
}

/** What the reconciler needs of the application (functions/app/application.ts). */
export interface ReconciledApplication {
  reconcileWorkflow(): Promise<{ told: number; failed: number }>;
  reportLinks: { sendRequestedLinks(): Promise<{ sent: number }> };
}

/**
 * The reconciler's steps, in the order the scheduled Lambda and the local runtime both run them. Changes not yet
 * told go first: telling them starts or restarts executions that the repair would otherwise count as its own.
 */
export function reconcilerSteps(application: ReconciledApplication, repair: ReconcileStep): ReconcileStep[] {
  return [drainOutbox(() => application.reconcileWorkflow()), repair, sendRequestedLinks(() => application.reportLinks.sendRequestedLinks())];
}

export const DRAIN_OUTBOX = "drainOutbox";
export const SEND_REQUESTED_LINKS = "sendRequestedLinks";

/**
 * Sends the fresh report links still requested (functions/app/report-links.ts). Not a repair: in Lambda, work left
 * after the answer may not run until the next invocation, so sending them here is routine.
 */
function sendRequestedLinks(send: () => Promise<{ sent: number }>): ReconcileStep {
  return {
    name: SEND_REQUESTED_LINKS,
    async run() {
      const { sent } = await send();
      return { repaired: 0, failed: 0, done: sent };
    },
  };
}

/**
 * Tells the workflow every change still in the outbox (the application's reconcileWorkflow,
 * functions/app/workflow-notices.ts): each notice told counts as repaired, each that could not be told as failed.
 */
export function drainOutbox(reconcileWorkflow: () => Promise<{ told: number; failed: number }>): ReconcileStep {
  return {
    name: DRAIN_OUTBOX,
    async run() {
      const { told, failed } = await reconcileWorkflow();
      return { repaired: told, failed };
    },
  };
}

/** How an execution of a generation is, as far as the reconciler needs to know. */
export type ExecutionCondition = "running" | "ended" | "missing";

/** Looks at executions: in AWS through the Step Functions API, locally at the engine's own runs. */
export interface ExecutionInspector {
  /**
   * The names of the executions running now (ListExecutions in AWS, a page per 1,000), read once per repair run,
   * so that a healthy agreement costs no call of its own.
   */
  runningNames(): Promise<ReadonlySet<string>>;
  /** How the generation's execution is (DescribeExecution in AWS): for one that was not among the running ones. */
  conditionOf(agreementId: string, generation: number): Promise<ExecutionCondition>;
}

/** Statuses whose agreements always need an execution; ended agreements keep theirs while reminders remain. */
export const STATUSES_WITH_EXECUTIONS: readonly Status[] = ["proposed", "approved", "active"];

/**
 * A healthy generation continues as new before its next wake-up would pass `generationDays`, so it never runs
 * much longer: at most its last task's retries (under two hours). A day past it, it is stale.
 */
const STALE_AFTER_GENERATION_MS = 86_400_000;
/**
 * In AWS, whoever begins a generation (the API, ContinueAsNew, in another Lambda) starts its execution right
 * after: a generation begun this recently is left to them, so a start in progress is not taken for a missing one.
 */
export const STEP_FUNCTIONS_HANDOVER_MS = 5 * 60_000;
const PAGE_SIZE = 100;
/**
 * Agreements diagnosed (and repaired) at the same time. Looking at one is a few reads that mostly wait on the
 * table, so one at a time left a restart of the local runtime over 10,000 agreements catching up for most of an
 * hour; a few at a time keep the table busy without a burst (repairs start executions, which the local engine
 * bounds on its own, functions/local/task-slots.ts).
 */
const AGREEMENTS_LOOKED_AT_ONCE = 8;
export const REPAIR_EXECUTIONS = "repairExecutions";

export type Problem = "missing" | "ended" | "stale";

export interface RepairLogEntry {
  agreementId: string;
  problem?: Problem;
  repaired: boolean;
  error?: string;
}

export interface RepairExecutionsDependencies {
  agreements: Pick<AgreementStore, "get" | "listByStatus">;
  workflowState: WorkflowStateStore;
  workflow: AgreementWorkflow;
  executions: ExecutionInspector;
  clock: Clock;
  timing: WorkflowTiming;
  /**
   * How long after a generation began its execution may still be on its way ({@link STEP_FUNCTIONS_HANDOVER_MS});
   * 0 where the inspector sees starts at once (the local engine starts its executions itself).
   */
  handoverMs: number;
  /** Each repair, and each agreement that could not be repaired (its problem unknown when looking failed), for the log. */
  log(entry: RepairLogEntry): void;
  /** Ends a run early, between two agreements: the local engine stops its catch-up when the runtime stops. */
  stopped?: () => boolean;
}

/**
 * Every open agreement (proposed, approved or active, or with a workflow generation that has not finished, from
 * the open-workflows registry), read page by page, gets an execution of its current generation if it has none
 * running: a missing one is started under its deterministic name, an ended one is replaced by the next generation
 * (its name is spent), a stale one too (and stopped).
 */
export function repairExecutions(dependencies: RepairExecutionsDependencies): ReconcileStep {
  const { agreements, workflowState, workflow, executions, clock, timing, handoverMs, log, stopped = () => false } = dependencies;

  async function needsExecution(agreementId: string): Promise<boolean> {
    const agreement = await agreements.get(agreementId);
    return agreement !== null && STATUSES_WITH_EXECUTIONS.includes(agreement.status);
  }

  function isStale(state: WorkflowState): boolean {
    const generationEnds = new Date(state.generationStartedAt).getTime() + timing.generationDays * 86_400_000;
    return clock.now().getTime() > generationEnds + STALE_AFTER_GENERATION_MS;
  }

  /** What is wrong with the agreement's execution, given the executions running when the run began; null when nothing is. */
  async function diagnose(agreementId: string, running: ReadonlySet<string>): Promise<Problem | null> {
    const state = await workflowState.get(agreementId);
    // No generation yet, or the last one finished: only wrong when the agreement's status calls for an execution.
    if (state === null || state.finished) return (await needsExecution(agreementId)) ? "missing" : null;
    // Not among the running ones: started since the run began, or really not running.
    const condition = running.has(executionName(agreementId, state.generation)) ? "running" : await executions.conditionOf(agreementId, state.generation);
    if (condition === "running") return isStale(state) ? "stale" : null;
    if (clock.now().getTime() - new Date(state.generationStartedAt).getTime() < handoverMs) return null;
    // The generation may have moved on (continue-as-new, a change told by the API) while its execution was looked
    // at: only what is still so after a fresh read is repaired, so a normal hand-over is not counted as a repair.
    const again = await workflowState.get(agreementId);
    return again !== null && !again.finished && again.generation === state.generation ? condition : null;
  }

  async function repair(agreementId: string, problem: Problem): Promise<void> {
    // A stale execution is still running: like a change to the agreement, the next generation replaces it.
    if (problem === "stale") await workflow.agreementChanged(agreementId);
    else await workflow.ensureRunning(agreementId);
  }

  async function look(agreementId: string, running: ReadonlySet<string>, result: { repaired: number; failed: number }): Promise<void> {
    let problem: Problem | null = null;
    try {
      problem = await diagnose(agreementId, running);
      if (problem === null) return;
      await repair(agreementId, problem);
      result.repaired++;
      log({ agreementId, problem, repaired: true });
    } catch (error) {
      // One agreement that cannot be repaired now must not keep the others from being looked at.
      result.failed++;
      const message = error instanceof Error ? error.message : String(error);
      log({ agreementId, ...(problem === null ? {} : { problem }), repaired: false, error: message });
    }
  }

  return {
    name: REPAIR_EXECUTIONS,
    async run() {
      const result = { repaired: 0, failed: 0 };
      const running = await executions.runningNames();
      const seen = new Set<string>();
      let batch: string[] = [];
      for await (const agreementId of openAgreements()) {
        if (stopped()) return result;
        if (seen.has(agreementId)) continue;
        seen.add(agreementId);
        batch.push(agreementId);
        if (batch.length < AGREEMENTS_LOOKED_AT_ONCE) continue;
        await Promise.all(batch.map((id) => look(id, running, result)));
        batch = [];
      }
      if (!stopped()) await Promise.all(batch.map((id) => look(id, running, result)));
      return result;
    },
  };

  async function* openAgreements(): AsyncGenerator<string> {
    let after: string | null = null;
    do {
      const page = await workflowState.listUnfinished({ limit: PAGE_SIZE, after });
      yield* page.agreementIds;
      after = page.after;
    } while (after !== null);
    for (const status of STATUSES_WITH_EXECUTIONS) {
      let cursor: string | null = null;
      do {
        const page = await agreements.listByStatus(status, { limit: PAGE_SIZE, cursor });
        for (const agreement of page.items) yield agreement.id;
        cursor = page.cursor;
      } while (cursor !== null);
    }
  }
}
