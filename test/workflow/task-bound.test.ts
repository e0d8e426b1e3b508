// The local engine's bound on the tasks it runs at once (functions/local/task-slots.ts), through real runs of the
// state machine definition on DynamoDB Local: a restart and a clock jump over many agreements never run more than
// the bound, every execution still ends where it would, and a person's request goes before the catch-up's queue.
import { afterEach, describe, expect, it } from "vitest";
import type { WorkflowTasks } from "../../functions/workflow/tasks";
import { benchAgreement, writeAgreements } from "../../scripts/bench/agreements";
import { mammaUnitedContent } from "../support/agreements";
import { startHarness, type Harness } from "./harness";

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** The tasks in flight, counted around the real handlers, and the agreement of each task as it finishes. */
function countedTasks() {
  const counts = { inFlight: 0, peak: 0, started: [] as string[], finished: [] as string[] };
  let gate: Promise<void> | null = null;
  let open = () => {};
  const observe = (tasks: WorkflowTasks): WorkflowTasks => {
    const counted =
      <T>(task: (input: unknown) => Promise<T>) =>
      async (input: unknown): Promise<T> => {
        counts.inFlight++;
        counts.peak = Math.max(counts.peak, counts.inFlight);
        counts.started.push((input as { agreementId: string }).agreementId);
        try {
          if (gate !== null) await gate;
          return await task(input);
        } finally {
          counts.inFlight--;
          counts.finished.push((input as { agreementId: string }).agreementId);
        }
      };
    return {
      catchUp: counted(tasks.catchUp),
      awaitDecision: counted(tasks.awaitDecision),
      continueAsNew: counted(tasks.continueAsNew),
      recordFailure: counted(tasks.recordFailure),
    };
  };
  return {
    counts,
    observe,
    /** Holds every task that starts from now on, until `release`. */
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      gate = null;
      open();
    },
  };
}

/** Active agreements from 2024-02-01 to 2026-12-31 with the demo's two reports a year, straight into the table. */
async function writeActive(h: Harness, count: number): Promise<string[]> {
  // The harness's first engine looks at the table when it starts: it must have done so before the table fills.
  await h.engine.settled();
  const agreements = Array.from({ length: count }, (_, index) => benchAgreement(`bulk-${index + 1}`, { title: `Partnerskap ${index + 1}`, status: "active" }));
  await writeAgreements(h.table.documentClient, h.table.tableName, agreements);
  return agreements.map((agreement) => agreement.id);
}

async function untilTrue(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("the local engine's bound on tasks at once", () => {
  it("never runs more than the bound through a restart and a year's jump over 24 agreements, and every execution ends where it would", async () => {
    const tasks = countedTasks();
    harness = await startHarness({ start: "2024-02-02T09:00:00+01:00", engine: { maxTasksAtOnce: 3, observeTasks: tasks.observe } });
    const ids = await writeActive(harness, 24);

    // A restart: the new engine's catch-up gives each agreement an execution.
    await harness.startAnotherEngine({ stopCurrent: true });
    expect(ids.filter((id) => harness!.engine.hasExecution(id))).toEqual(ids);
    // 13½ months on, every execution wakes at once: the reports due 2025-03-31 get their reminders (the time test's
    // first jump, test/reliability/time.test.ts).
    await harness.jumpTo("2025-03-20T09:00:00+01:00");

    expect(tasks.counts.peak).toBe(3);
    expect(tasks.counts.inFlight).toBe(0);
    for (const id of ids) {
      const sent = (await harness.reminders.list(id)).filter((record) => record.status === "sent").map((record) => record.key);
      expect(sent.sort()).toEqual(["report-due.2025-03-31.2025-03-17.ekonomi", "report-due.2025-03-31.2025-03-17.verksamhet"]);
    }
    expect(await harness.engine.health()).toEqual({ ok: true, detail: "24 executions: 24 waiting, 0 awaiting a decision" });
  });

  it("runs a person's request during a catch-up before the catch-up's queue, and says in its health report how far the catch-up has come", async () => {
    const tasks = countedTasks();
    harness = await startHarness({ start: "2024-02-02T09:00:00+01:00", engine: { maxTasksAtOnce: 1, observeTasks: tasks.observe } });
    const ids = await writeActive(harness, 20);

    // The first catch-up task holds the only slot until released, so the whole catch-up is queued behind it.
    tasks.hold();
    await harness.startAnotherEngine({ stopCurrent: true, settle: false });
    const engine = harness.engine;
    await untilTrue(() => engine.catchUpProgress()?.lookingFurther === false && engine.taskLoad.waiting === ids.length - 1);
    expect(engine.catchUpProgress()).toEqual({ caughtUp: 0, started: ids.length, lookingFurther: false });
    expect((await engine.health()).detail).toContain(`catching up after the start: 0 of ${ids.length} executions caught up; 1 executions running, ${ids.length - 1} waiting for a slot`);
    // An execution waiting for a slot has not begun its run: no task of it is under way, so none can time out (a
    // Task state times out after 60 s here) however long the queue.
    expect(ids.filter((id) => engine.eventLog(id).length > 0)).toHaveLength(1);

    // A person submits a new agreement meanwhile.
    const personal = "submitted-meanwhile";
    await harness.create(personal, { ...mammaUnitedContent(), title: "Partnerskap inlämnat under ikappkörningen" });
    await harness.command(personal, { type: "submit" });
    await engine.ensureRunning(personal);
    await untilTrue(() => engine.taskLoad.waiting === ids.length);
    tasks.release();

    // Its execution catches up and waits for the decision while the catch-up is still far from done.
    await untilTrue(() => tasks.counts.finished.filter((id) => id === personal).length === 2);
    expect((await harness.workflowState.get(personal))?.decisionToken).toEqual(expect.any(String));
    // The task that held the slot, then the person's CatchUp and AwaitDecision: the execution keeps its slot until
    // it waits for the decision, so no catch-up task comes in between.
    expect(tasks.counts.finished.slice(0, 3)).toEqual([expect.stringMatching(/^bulk-/), personal, personal]);
    expect(engine.catchUpProgress()?.caughtUp).toBeLessThan(ids.length);

    await engine.settled();
    await untilTrue(() => engine.catchUpProgress() === null);
    expect(tasks.counts.peak).toBe(1);
    expect(await engine.health()).toEqual({ ok: true, detail: `${ids.length + 1} executions: ${ids.length} waiting, 1 awaiting a decision` });
  });

  it("gives the slot of a failed task to another execution while the failed one waits to retry", async () => {
    const tasks = countedTasks();
    let failed = false;
    const failingOnce = (real: WorkflowTasks): WorkflowTasks => {
      const observed = tasks.observe(real);
      return {
        ...observed,
        catchUp: async (input) => {
          if (failed) return observed.catchUp(input);
          failed = true;
          return tasks.observe({ ...real, catchUp: () => Promise.reject(new Error("DynamoDB Local did not answer")) }).catchUp(input);
        },
      };
    };
    harness = await startHarness({ start: "2024-02-02T09:00:00+01:00", engine: { maxTasksAtOnce: 1, observeTasks: failingOnce, retryIntervalMs: 2_000 } });
    const ids = await writeActive(harness, 2);

    await harness.startAnotherEngine({ stopCurrent: true });

    // The first catch-up fails; the other agreement's runs in the two seconds before its retry.
    const [first, second] = [tasks.counts.finished[0], ids.find((id) => id !== tasks.counts.finished[0])];
    expect(tasks.counts.finished).toEqual([first, second, first]);
    expect(ids.filter((id) => harness!.engine.hasExecution(id))).toEqual(ids);
    expect(tasks.counts.peak).toBe(1);
  });

  it("drops the executions waiting for a slot when stopped, and the next start catches every one up with no reminder sent twice", async () => {
    const tasks = countedTasks();
    // The reports due 2025-03-31 have their reminders due: each catch-up sends two.
    harness = await startHarness({ start: "2025-03-20T09:00:00+01:00", engine: { maxTasksAtOnce: 1, observeTasks: tasks.observe } });
    const ids = await writeActive(harness, 20);

    // A restart whose catch-up is all queued behind one held task, then stopped.
    tasks.hold();
    await harness.startAnotherEngine({ stopCurrent: true, settle: false });
    const stopped = harness.engine;
    await untilTrue(() => stopped.taskLoad.running === 1 && tasks.counts.inFlight === 1);
    const statesEntered = () => ids.map((id) => stopped.eventLog(id).filter((event) => event.type === "StateEntered").length);
    const enteredAtStop = statesEntered();
    const startedAtStop = tasks.counts.started.length;
    const stopping = stopped.stop();
    tasks.release();
    await stopping;

    // Nothing ran after the stop: no task handler was called, no execution entered a state.
    expect(tasks.counts.started).toHaveLength(startedAtStop);
    expect(statesEntered()).toEqual(enteredAtStop);
    expect(tasks.counts.inFlight).toBe(0);

    // The next start catches up every agreement, the one whose task was cut short too.
    await harness.startAnotherEngine({ stopCurrent: false });
    for (const id of ids) {
      expect(harness.engine.hasExecution(id)).toBe(true);
      const sent = (await harness.reminders.list(id)).filter((record) => record.status === "sent").map((record) => record.key);
      expect(sent.sort()).toEqual(["report-due.2025-03-31.2025-03-17.ekonomi", "report-due.2025-03-31.2025-03-17.verksamhet"]);
      expect(await harness.emails(id)).toHaveLength(2);
    }
  });
});
