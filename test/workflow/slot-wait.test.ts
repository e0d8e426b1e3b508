// A task's wait for a slot of the local engine (functions/local/task-slots.ts) is no part of the task's own time:
// aws-local-stepfunctions fails a Task state after 60 s unless the state sets a timeout, and a clock move over a few
// hundred agreements keeps tasks waiting longer than that. Real runs of the definition on DynamoDB Local and the
// mail catcher; the test waits past the library's 60 s while a task holds the only slot.
import { afterEach, describe, expect, it } from "vitest";
import { benchAgreement, writeAgreements } from "../../scripts/bench/agreements";
import { startHarness, type Harness } from "./harness";

/** aws-local-stepfunctions' timeout for a Task state that sets none. */
const LIBRARY_TASK_TIMEOUT_MS = 60_000;

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function untilTrue(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("a task waiting for a slot of the local engine", () => {
  it("waits as long as the slot takes: past a minute, its execution still catches up, sends its reminders and waits again", { timeout: 5 * 60_000 }, async () => {
    let open = () => {};
    let gate: Promise<void> | null = new Promise((resolve) => (open = resolve));
    harness = await startHarness({
      start: "2024-02-02T09:00:00+01:00",
      engine: {
        maxTasksAtOnce: 1,
        // The first task to start holds the only slot until the gate opens; the others wait for the slot.
        observeTasks: (tasks) => ({
          ...tasks,
          catchUp: async (input) => {
            if (gate !== null) await gate;
            return tasks.catchUp(input);
          },
        }),
      },
    });
    await harness.engine.settled();
    const ids = ["queued-1", "queued-2", "queued-3"];
    const agreements = ids.map((id) => benchAgreement(id, { title: `Partnerskap ${id}`, status: "active" }));
    await writeAgreements(harness.table.documentClient, harness.table.tableName, agreements);

    // A clock move gives each agreement its execution: one catch-up holds the slot, two wait for it.
    const engine = harness.engine;
    const moved = harness.jumpTo("2025-03-20T09:00:00+01:00");
    await untilTrue(() => engine.taskLoad.running === 1 && engine.taskLoad.waiting === ids.length - 1);
    await new Promise((resolve) => setTimeout(resolve, LIBRARY_TASK_TIMEOUT_MS + 5_000));
    gate = null;
    open();
    await moved;

    expect(harness.warnings).toEqual([]);
    expect(harness.alarms).toEqual([]);
    for (const id of ids) {
      const sent = (await harness.reminders.list(id)).filter((record) => record.status === "sent").map((record) => record.key);
      expect(sent.sort()).toEqual(["report-due.2025-03-31.2025-03-17.ekonomi", "report-due.2025-03-31.2025-03-17.verksamhet"]);
    }
    // The clock move answered once every task had run: nothing is sent after it.
    const emails = (await harness.emails()).length;
    expect(engine.taskLoad).toEqual({ running: 0, waiting: 0 });
    expect(emails).toBe(2 * ids.length);
    expect(await engine.health()).toEqual({ ok: true, detail: `${ids.length} executions: ${ids.length} waiting, 0 awaiting a decision` });
  });
});
