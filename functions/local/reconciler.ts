/**
 * The reconciler in the local runtime: the same steps the scheduled Lambda runs in AWS
 * (functions/workflow/reconcile.ts), once on start and every few minutes (RECONCILE_MINUTES, 15 by default), with
 * what it had to repair said on the terminal, where the AWS alarm would ring.
 */
import type { Component, ComponentHealth } from "./components";
import { reconcile, type ReconcileReport, type ReconcileStep } from "../workflow/reconcile";

export interface LocalReconcilerOptions {
  steps: readonly ReconcileStep[];
  intervalMinutes: number;
  warn: (line: string) => void;
}

export class LocalReconciler implements Component {
  readonly name = "reconciler";
  readonly title: string;
  readonly #options: LocalReconcilerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<ReconcileReport> | null = null;
  /** Aborted on stop, so a run under way (a repair over thousands of agreements) ends between two of them. */
  #stopping = new AbortController();
  #last: ReconcileReport | null = null;

  constructor(options: LocalReconcilerOptions) {
    this.#options = options;
    this.title = `Reconciler (every ${options.intervalMinutes} minutes)`;
  }

  async start(): Promise<void> {
    this.#stopping = new AbortController();
    // Once now, for what a previous run left untold or stopped, then on the schedule, as in AWS.
    void this.runOnce();
    this.#timer = setInterval(() => void this.runOnce(), this.#options.intervalMinutes * 60_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stopping.abort();
    await this.#running;
  }

  async health(): Promise<ComponentHealth> {
    const last = this.#last === null ? "not run yet" : `last run: ${this.#last.repaired} repaired, ${this.#last.failed} failed`;
    return { ok: true, detail: `every ${this.#options.intervalMinutes} minutes; ${last}` };
  }

  /** One run of every step; a run already under way is joined rather than overlapped. */
  runOnce(): Promise<ReconcileReport> {
    this.#running ??= reconcile(this.#options.steps, this.#stopping.signal)
      .then((report) => {
        this.#last = report;
        for (const step of report.steps) {
          if (step.repaired + step.failed === 0) continue;
          const error = step.error === undefined ? "" : `: ${step.error}`;
          this.#options.warn(`ALARM: the reconciler's ${step.name} repaired ${step.repaired} and failed on ${step.failed}${error}`);
        }
        return report;
      })
      .finally(() => (this.#running = null));
    return this.#running;
  }
}
