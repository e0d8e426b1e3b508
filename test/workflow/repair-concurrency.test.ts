// The reconciler's repair step (functions/workflow/reconcile.ts) looks at a few agreements at a time, not one after
// the other and not all at once: one at a time kept a restart of the local runtime over 10,000 agreements catching
// up for most of an hour. The table here is a stand-in that answers after a turn of the event loop, so how many
// reads wait at the same moment is what is counted.
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { Agreement } from "../../functions/domain/agreement";
import type { WorkflowStateStore } from "../../functions/store/workflow-state";
import { repairExecutions, type RepairExecutionsDependencies } from "../../functions/workflow/reconcile";
import { DEFAULT_WORKFLOW_TIMING } from "../../functions/workflow/timing";

const AGREEMENTS = 50;

function repairOver(ids: readonly string[], options: { stopAfter?: number } = {}) {
  let reading = 0;
  let mostReadingAtOnce = 0;
  const started: string[] = [];
  const dependencies: RepairExecutionsDependencies = {
    agreements: {
      async get(agreementId) {
        reading++;
        mostReadingAtOnce = Math.max(mostReadingAtOnce, reading);
        await nextTurn();
        reading--;
        return { id: agreementId, status: "active" } as Agreement;
      },
      listByStatus: () => Promise.resolve({ items: [], cursor: null }),
    },
    // Every agreement is in the open-workflows registry and has no generation yet: each needs an execution.
    workflowState: {
      get: () => Promise.resolve(null),
      listUnfinished: () => Promise.resolve({ agreementIds: [...ids], after: null }),
    } as unknown as WorkflowStateStore,
    workflow: {
      ensureRunning: (agreementId) => Promise.resolve(void started.push(agreementId)),
      decisionRecorded: () => Promise.resolve(),
      agreementChanged: () => Promise.resolve(),
    },
    executions: { runningNames: () => Promise.resolve(new Set()), conditionOf: () => Promise.resolve("running") },
    clock: { now: () => new Date("2026-06-01T09:00:00+02:00") },
    timing: DEFAULT_WORKFLOW_TIMING,
    handoverMs: 0,
    log: () => {},
    stopped: () => options.stopAfter !== undefined && started.length >= options.stopAfter,
  };
  return { step: repairExecutions(dependencies), started, mostReadingAtOnce: () => mostReadingAtOnce };
}

const ids = Array.from({ length: AGREEMENTS }, (_, index) => `agreement-${index}`);

describe("the repair step", () => {
  it(`looks at several of ${AGREEMENTS} agreements at a time, at most 8, and starts each missing execution once`, async () => {
    const repair = repairOver(ids);
    expect(await repair.step.run()).toEqual({ repaired: AGREEMENTS, failed: 0 });
    expect([...repair.started].sort()).toEqual([...ids].sort());
    expect(repair.mostReadingAtOnce()).toBeGreaterThan(1);
    expect(repair.mostReadingAtOnce()).toBeLessThanOrEqual(8);
  });

  it("stops between agreements once told to, leaving the rest to the next run", async () => {
    const repair = repairOver(ids, { stopAfter: 10 });
    const result = await repair.step.run();
    expect(result.repaired).toBe(repair.started.length);
    expect(repair.started.length).toBeGreaterThanOrEqual(10);
    expect(repair.started.length).toBeLessThan(AGREEMENTS);
  });
});
