// The task handlers on their own, against DynamoDB Local, with the engine's ports (launcher, callbacks, alarms)
// recorded: the races the state machine alone cannot show.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mailer } from "../../functions/email/sender";
import { MovableClock } from "../../functions/local/clock";
import type { AgreementStore } from "../../functions/store/agreements";
import { createAgreement, runCommand } from "../../functions/app/commands";
import { createReminderStore } from "../../functions/store/reminders";
import { createWorkflowStateStore, type WorkflowStateStore } from "../../functions/store/workflow-state";
import { createWorkflowTasks, type WorkflowAlarm, type WorkflowTasks } from "../../functions/workflow/tasks";
import { DEFAULT_WORKFLOW_TIMING } from "../../functions/workflow/timing";
import { approval, editor, mammaUnitedContent, registrar } from "../support/agreements";
import { createTestTable, type TestTable } from "../support/dynamo";

let table: TestTable;
let store: AgreementStore;
let workflowState: WorkflowStateStore;
let tasks: WorkflowTasks;
const clock = new MovableClock(new Date("2023-12-05T10:00:00+01:00"), () => 0);
const started: [string, number][] = [];
const completed: string[] = [];
const alarms: WorkflowAlarm[] = [];
const noMail: Mailer = {
  send: async () => {
    throw new Error("no email is due in these tests");
  },
  findSent: async () => null,
};

beforeAll(async () => {
  table = await createTestTable();
  store = table.agreements;
  workflowState = createWorkflowStateStore({ client: table.documentClient, tableName: table.tableName });
  tasks = createWorkflowTasks({
    agreements: store,
    reminders: createReminderStore({ client: table.documentClient, tableName: table.tableName }),
    workflowState,
    mailer: noMail,
    mail: { teamMailbox: "iop-team@kommun.example", appUrl: "http://127.0.0.1:3000", language: "sv" },
    clock,
    timing: DEFAULT_WORKFLOW_TIMING,
    launcher: { start: async (agreementId, generation) => void started.push([agreementId, generation]) },
    decisions: { complete: async (token) => void completed.push(token) },
    alarms: { raise: async (alarm) => void alarms.push(alarm) },
  });
});

afterAll(async () => {
  await table.dispose();
});

async function proposed(id: string) {
  // A title of its own: two live agreements for one association and title may not overlap.
  await createAgreement(store, { id, content: { ...mammaUnitedContent(), title: `Avtal ${id}` }, actor: editor, now: clock.now() });
  await runCommand(store, { agreementId: id, command: { type: "submit" }, actor: editor, now: clock.now() });
  await workflowState.beginGeneration(id, 0, clock.now());
}

describe("AwaitDecision", () => {
  it("saves its token and leaves the callback to the decision", async () => {
    await proposed("decision-later");
    await tasks.awaitDecision({ agreementId: "decision-later", generation: 0, taskToken: "token-later" });
    expect((await workflowState.get("decision-later"))?.decisionToken).toBe("token-later");
    expect(completed).not.toContain("token-later");
  });

  it("completes its own callback when the decision was recorded before the token was saved", async () => {
    await proposed("decision-first");
    await runCommand(store, { agreementId: "decision-first", command: { type: "decide", decision: { ...approval, date: "2023-12-05" } }, actor: registrar, now: clock.now() });
    await tasks.awaitDecision({ agreementId: "decision-first", generation: 0, taskToken: "token-first" });
    expect(completed).toContain("token-first");
  });

  it("completes its own callback when a newer generation has taken over", async () => {
    await proposed("decision-superseded");
    await workflowState.beginGeneration("decision-superseded", 1, clock.now());
    await tasks.awaitDecision({ agreementId: "decision-superseded", generation: 0, taskToken: "token-old" });
    expect(completed).toContain("token-old");
    expect((await workflowState.get("decision-superseded"))?.decisionToken).toBeUndefined();
  });
});

describe("CatchUp", () => {
  it("leaves the work to a newer generation without acting", async () => {
    await proposed("superseded");
    await workflowState.beginGeneration("superseded", 1, clock.now());
    expect(await tasks.catchUp({ agreementId: "superseded", generation: 0 })).toMatchObject({ next: "done", status: "proposed" });
    expect(await workflowState.get("superseded")).toMatchObject({ generation: 1, finished: false });
  });

  it("refuses input that is not an execution's", async () => {
    await expect(tasks.catchUp({ agreementId: "", generation: -1 })).rejects.toThrow();
  });
});

describe("ContinueAsNew", () => {
  it("begins the next generation and starts it, and starts it again when retried", async () => {
    await proposed("continued");
    await tasks.continueAsNew({ agreementId: "continued", generation: 0 });
    await tasks.continueAsNew({ agreementId: "continued", generation: 0 });
    expect(started.filter(([id]) => id === "continued")).toEqual([
      ["continued", 1],
      ["continued", 1],
    ]);
    expect((await workflowState.get("continued"))?.generation).toBe(1);
  });

  it("starts nothing when a newer generation already runs", async () => {
    await proposed("overtaken");
    await workflowState.beginGeneration("overtaken", 1, clock.now());
    await workflowState.beginGeneration("overtaken", 2, clock.now());
    await tasks.continueAsNew({ agreementId: "overtaken", generation: 0 });
    expect(started.filter(([id]) => id === "overtaken")).toEqual([]);
  });
});

describe("RecordFailure", () => {
  it("records the failure on the workflow state, shortened, and raises an alarm", async () => {
    await proposed("failed");
    await tasks.recordFailure({ agreementId: "failed", generation: 0, error: "States.TaskFailed", cause: "x".repeat(5_000) });
    const failure = (await workflowState.get("failed"))?.failure;
    expect(failure).toMatchObject({ generation: 0, error: "States.TaskFailed", at: clock.now().toISOString() });
    expect(failure!.cause.length).toBeLessThan(2_100);
    expect(alarms).toEqual([expect.objectContaining({ agreementId: "failed", generation: 0, error: "States.TaskFailed" })]);
  });
});
