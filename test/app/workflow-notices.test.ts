// Telling the workflow from the application layer, on DynamoDB Local: a change carries its notice into its own
// transaction, the notice is told and removed at once, and one the workflow did not take stays in the outbox,
// is counted, and is told by the reconciler later.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import type { LogRecord } from "../../functions/app/ports";
import { createWorkflowOutboxStore, type WorkflowOutboxStore } from "../../functions/store/workflow-outbox";
import { drainOutbox, reconcile } from "../../functions/workflow/reconcile";
import { approval, mammaUnitedContent } from "../support/agreements";
import { appDependenciesForTests, RecordingWorkflow } from "../support/api";
import { createTestTable, type TestTable } from "../support/dynamo";

const editor: StaffPrincipal = { subject: "editor", email: "handlaggare@vasteras.se", roles: ["editor"], via: "bearer" };
const registrar: StaffPrincipal = { subject: "registrar", email: "registrator@vasteras.se", roles: ["registrar"], via: "bearer" };

/** The recording workflow, refusing the next `failures` calls as a Step Functions outage would. */
class FlakyWorkflow extends RecordingWorkflow {
  failures = 0;
  override async ensureRunning(agreementId: string) {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("Step Functions unavailable");
    }
    await super.ensureRunning(agreementId);
  }
}

let titles = 0;
/** Mamma United under a title of its own, so agreements of different tests never overlap. */
const content = () => ({ ...mammaUnitedContent(), title: `Avtal ${++titles}` });

let table: TestTable;
let outbox: WorkflowOutboxStore;

beforeAll(async () => {
  table = await createTestTable();
  outbox = createWorkflowOutboxStore({ client: table.documentClient, tableName: table.tableName });
});

afterAll(async () => {
  await table.dispose();
});

function application(workflow: RecordingWorkflow, logs: LogRecord[] = []) {
  return appDependenciesForTests(table, { workflow, log: (record) => logs.push(record), newId: () => `agr-${crypto.randomUUID()}` }).application;
}

describe("telling the workflow", () => {
  it("tells each change's notices and leaves nothing in the outbox", async () => {
    const workflow = new RecordingWorkflow();
    const app = application(workflow);
    const draft = await app.agreements.create(editor, content());
    await app.agreements.submit(editor, { agreementId: draft.id });
    await app.agreements.decide(registrar, { agreementId: draft.id, decision: approval });
    expect(workflow.calls).toEqual([`ensureRunning ${draft.id}`, `decisionRecorded ${draft.id}`]);
    expect(await outbox.pending(10)).toEqual([]);
  });

  it("keeps a notice the workflow did not take, counts the failure, and the reconciler tells it later", async () => {
    const workflow = new FlakyWorkflow();
    const logs: LogRecord[] = [];
    const app = application(workflow, logs);
    const draft = await app.agreements.create(editor, content());
    workflow.failures = 1;

    const submitted = await app.agreements.submit(editor, { agreementId: draft.id });

    expect(submitted.status).toBe("proposed");
    expect((await table.agreements.get(draft.id))?.status).toBe("proposed");
    expect(workflow.calls).toEqual([]);
    expect(await outbox.pending(10)).toEqual([expect.objectContaining({ agreementId: draft.id, kind: "ensureRunning", version: 2, what: "submitted" })]);
    expect(logs).toContainEqual(expect.objectContaining({ metric: "WorkflowTellFailed", count: 1 }));

    expect(await app.reconcileWorkflow()).toEqual({ told: 1, failed: 0, failuresSinceStart: 1 });
    expect(workflow.calls).toEqual([`ensureRunning ${draft.id}`]);
    expect(await outbox.pending(10)).toEqual([]);
  });

  it("keeps retrying while the workflow stays down", async () => {
    const workflow = new FlakyWorkflow();
    const app = application(workflow);
    const draft = await app.agreements.create(editor, content());
    workflow.failures = 2;
    await app.agreements.submit(editor, { agreementId: draft.id });

    expect(await app.reconcileWorkflow()).toEqual({ told: 0, failed: 1, failuresSinceStart: 2 });
    expect(await outbox.pending(10)).toHaveLength(1);
    expect(await app.reconcileWorkflow()).toEqual({ told: 1, failed: 0, failuresSinceStart: 2 });
    expect(workflow.calls).toEqual([`ensureRunning ${draft.id}`]);
  });

  it("is the reconciler's drainOutbox step: a notice told counts as repaired, one the workflow refused as failed", async () => {
    const workflow = new FlakyWorkflow();
    const app = application(workflow);
    const draft = await app.agreements.create(editor, content());
    workflow.failures = 2;
    await app.agreements.submit(editor, { agreementId: draft.id });
    const steps = [drainOutbox(app.reconcileWorkflow)];

    expect(await reconcile(steps)).toEqual({ repaired: 0, failed: 1, steps: [{ name: "drainOutbox", repaired: 0, failed: 1 }] });
    expect(await reconcile(steps)).toEqual({ repaired: 1, failed: 0, steps: [{ name: "drainOutbox", repaired: 1, failed: 0 }] });
    expect(workflow.calls).toEqual([`ensureRunning ${draft.id}`]);
    expect(await outbox.pending(10)).toEqual([]);
  });
});
