/**
 * Telling the workflow, in one place. A change the workflow must hear of carries its notices into the change's own
 * transaction (the outbox, functions/store/workflow-outbox.ts); once saved, they are told at once and removed. A
 * notice that could not be told stays in the outbox, is counted (the `WorkflowTellFailed` metric line and the
 * reconciler's result) and is told later by the reconciler, which retries until the workflow takes it. Telling is
 * idempotent on the workflow's side, so a notice told twice (by a request and the reconciler at once) does no harm.
 */
import type { WorkflowNotice } from "../store/workflow-outbox";
import type { ApplicationPorts } from "./ports";

/** Notices the reconciler reads per batch. */
const RECONCILE_BATCH = 100;

export interface ReconcileResult {
  /** Notices told in this run. */
  told: number;
  /** Notices that could not be told in this run; they stay in the outbox. */
  failed: number;
  /** Failures to tell since the process started, by requests and reconciler runs alike. */
  failuresSinceStart: number;
}

export interface WorkflowNotices {
  /** Tells the workflow what a saved change calls for; a failure is counted and left to the reconciler. */
  tell(notices: readonly WorkflowNotice[]): Promise<void>;
  /** Tells every notice still in the outbox. */
  reconcile(): Promise<ReconcileResult>;
}

export function notice(agreementId: string, version: number, kind: WorkflowNotice["kind"], what: string, at: Date): WorkflowNotice {
  return { agreementId, version, kind, what, at: at.toISOString() };
}

export function createWorkflowNotices({ workflow, outbox, log }: Pick<ApplicationPorts, "workflow" | "outbox" | "log">): WorkflowNotices {
  let failuresSinceStart = 0;

  /** True when the workflow took the notice. */
  async function tellOne(told: WorkflowNotice): Promise<boolean> {
    try {
      await workflow[told.kind](told.agreementId);
    } catch (error) {
      failuresSinceStart++;
      log({ level: "error", message: `The workflow could not be told: ${told.agreementId} ${told.what}`, agreementId: told.agreementId, error: String(error) });
      // A line of its own, for a metric filter and the alarm on it.
      log({ level: "error", message: "metric", metric: "WorkflowTellFailed", count: 1 });
      return false;
    }
    try {
      await outbox.remove(told);
    } catch (error) {
      // Told, but still in the outbox: the reconciler tells it again, which the workflow takes as a no-op.
      log({ level: "error", message: `A told workflow notice stayed in the outbox: ${told.agreementId} ${told.what}`, error: String(error) });
    }
    return true;
  }

  return {
    async tell(notices) {
      for (const told of notices) await tellOne(told);
    },

    async reconcile() {
      let told = 0;
      let failed = 0;
      for (;;) {
        const pending = await outbox.pending(RECONCILE_BATCH);
        let toldNow = 0;
        for (const item of pending) {
          if (await tellOne(item)) toldNow++;
          else failed++;
        }
        told += toldNow;
        // Stop at the end of the outbox, or when nothing of a batch went through (the workflow is down).
        if (pending.length < RECONCILE_BATCH || toldNow === 0) break;
      }
      return { told, failed, failuresSinceStart };
    },
  };
}
