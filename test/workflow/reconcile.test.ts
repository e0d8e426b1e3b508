// The reconciler (functions/workflow/reconcile.ts). In AWS: the steps the Lambda function runs
// (functions/handlers/reconcile.ts), with Step Functions the stand-in that answers as the API reference says
// (test/support/step-functions.ts); the state, the agreements and the reminders are in DynamoDB Local, and reminders
// go through the real task code and the SES client into the real mail catcher. Locally: the engine of the local
// runtime, which runs the very same repair step.
import { randomUUID } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LogRecord } from "../../functions/app/ports";
import { createAwsReconciler } from "../../functions/handlers/reconcile";
import { MovableClock } from "../../functions/local/clock";
import { caughtEmails, MailCatcherComponent } from "../../functions/local/mail";
import { LocalReconciler } from "../../functions/local/reconciler";
import { localRepairStep } from "../../functions/local/workflow";
import { createSesMailer, type SesConnection } from "../../functions/email/sender";
import { createAgreement, runCommand } from "../../functions/app/commands";
import { createReminderStore, type ReminderStore } from "../../functions/store/reminders";
import { createWorkflowStateStore, type WorkflowStateStore } from "../../functions/store/workflow-state";
import { reconcilerMetricLine } from "../../functions/workflow/alarms";
import { executionName } from "../../functions/workflow/executions";
import { reconcile, type ReconcileStep } from "../../functions/workflow/reconcile";
import { createStepFunctionsCallbacks, createStepFunctionsLauncher, createStepFunctionsWorkflow } from "../../functions/workflow/step-functions";
import type { WorkflowTasks } from "../../functions/workflow/tasks";
import { DEFAULT_WORKFLOW_TIMING } from "../../functions/workflow/timing";
import { approval, editor, mammaUnitedContent, registrar } from "../support/agreements";
import { createTestTable, type TestTable } from "../support/dynamo";
import { StepFunctionsStandIn } from "../support/step-functions";
import { createTestWorkflowTasks } from "../support/workflow-tasks";
import { startFailingProxy, type FailingProxy } from "./failing-proxy";
import { startHarness, type Harness } from "./harness";
import { benchAgreement, writeAgreements } from "../../scripts/bench/agreements";

const STATE_MACHINE = "arn:aws:states:eu-north-1:123456789012:stateMachine:test-iop-lifecycle-agreement";
const TITLE = "Partnerskap för delaktighet, tillit och framtidstro hos mammor";
const REMINDER_180 = `Avtalet löper ut om 180 dagar: ${TITLE}`;

describe("the reconciler in AWS (Step Functions stand-in)", () => {
  let mail: MailCatcherComponent;
  let ses: SesConnection;
  let emailsBefore: number;
  let table: TestTable;
  let workflowState: WorkflowStateStore;
  let reminders: ReminderStore;
  let clock: MovableClock;
  let sfn: StepFunctionsStandIn;
  let logged: LogRecord[];
  let tasks: WorkflowTasks;
  let steps: ReconcileStep[];

  beforeAll(async () => {
    mail = new MailCatcherComponent({ port: 0, host: "127.0.0.1" });
    await mail.start();
    ses = mail.sesConnection();
    emailsBefore = (await caughtEmails(mail.url)).length;
  });

  afterAll(async () => {
    await mail.stop();
  });

  beforeEach(async () => {
    table = await createTestTable();
    const client = table.documentClient;
    workflowState = createWorkflowStateStore({ client, tableName: table.tableName });
    reminders = createReminderStore({ client, tableName: table.tableName });
    // Stands still between moves.
    clock = new MovableClock(new Date("2023-11-20T09:00:00+01:00"), () => 0);
    sfn = new StepFunctionsStandIn(STATE_MACHINE, clock);
    logged = [];
    const options = { client: sfn.client, stateMachineArn: STATE_MACHINE, timing: DEFAULT_WORKFLOW_TIMING };
    tasks = createTestWorkflowTasks(table, {
      clock,
      mailer: createSesMailer({ ...ses, from: "iop-noreply@kommun.example" }),
      launcher: createStepFunctionsLauncher(options),
      decisions: createStepFunctionsCallbacks(sfn.client),
    });
    // The Lambda function's steps, composed as functions/handlers/reconcile.ts composes them.
    steps = createAwsReconciler({
      table: { client, tableName: table.tableName },
      stepFunctions: { client: sfn.client, stateMachineArn: STATE_MACHINE },
      // No step touches attachments.
      attachments: { client: new S3Client({ region: "eu-north-1" }), bucket: "attachments" },
      email: { ...ses, from: "iop-noreply@kommun.example", language: "sv", teamMailbox: "iop-team@kommun.example" },
      clock,
      appOrigin: "http://127.0.0.1:3000",
      log: (record) => void logged.push(record),
      newId: randomUUID,
    });
  });

  /** What the reconciler logged about each agreement it restarted or could not repair. */
  const repairs = () => logged.filter((record) => record.agreementId !== undefined).map(({ message, agreementId, problem }) => ({ message, agreementId, problem }));

  afterEach(async () => {
    await table.dispose();
  });

  function moveTo(iso: string): void {
    clock.moveTo(new Date(iso));
  }

  /** Plays the state machine's part: each running execution of the agreement catches up, as its CatchUp state does. */
  async function catchUpRunning(agreementId: string): Promise<void> {
    for (const execution of sfn.running()) {
      const input = JSON.parse(execution.input) as { agreementId: string };
      if (input.agreementId === agreementId) await tasks.catchUp(input);
    }
  }

  async function emailSubjects(agreementId: string): Promise<string[]> {
    const emails = (await caughtEmails(mail.url)).slice(emailsBefore);
    return emails.filter((email) => email.body.text?.includes(`/agreements/${agreementId}\n`)).map((email) => email.subject);
  }

  /**
   * Created, submitted and approved as the demo agreement was, each execution started and caught up as the API
   * and the state machine would; then active from 2024-02-01.
   */
  async function active(ids: string[]): Promise<void> {
    const workflow = createStepFunctionsWorkflow({ client: sfn.client, stateMachineArn: STATE_MACHINE, timing: DEFAULT_WORKFLOW_TIMING, workflowState, clock });
    for (const id of ids) {
      // A title of its own: two live agreements for one association and title may not overlap.
      const content = { ...mammaUnitedContent(), title: id === "mamma-united" ? TITLE : `${TITLE} (${id})` };
      await createAgreement(table.agreements, { id, content, actor: editor, now: clock.now() });
    }
    moveTo("2023-12-05T10:00:00+01:00");
    for (const id of ids) {
      await runCommand(table.agreements, { agreementId: id, command: { type: "submit" }, actor: editor, now: clock.now() });
      await workflow.ensureRunning(id);
      await catchUpRunning(id);
    }
    moveTo("2024-01-18T15:00:00+01:00");
    for (const id of ids) {
      await runCommand(table.agreements, { agreementId: id, command: { type: "decide", decision: approval }, actor: registrar, now: clock.now() });
      await workflow.decisionRecorded(id);
      await catchUpRunning(id);
      // Submitting needs a reporting requirement; only the expiry reminders are under test here.
      await runCommand(table.agreements, { agreementId: id, command: { type: "update", changes: { reportingRequirements: [] } }, actor: editor, now: clock.now() });
    }
    moveTo("2024-02-01T08:00:00+01:00");
    for (const id of ids) await catchUpRunning(id);
  }

  it("restarts an agreement whose execution failed, and the due reminder is sent once", async () => {
    await active(["mamma-united"]);
    expect((await table.agreements.get("mamma-united"))?.status).toBe("active");

    // The execution dies before the 180-day reminder, and nothing would wake it again.
    moveTo("2026-06-20T08:00:00+02:00");
    sfn.end(executionName("mamma-united", 0), "FAILED");
    moveTo("2026-07-04T08:00:00+02:00");
    const report = await reconcile(steps);

    expect(report).toEqual({
      repaired: 1,
      failed: 0,
      steps: [
        { name: "drainOutbox", repaired: 0, failed: 0 },
        { name: "repairExecutions", repaired: 1, failed: 0 },
        { name: "sendRequestedLinks", repaired: 0, failed: 0, done: 0 },
      ],
    });
    expect(repairs()).toEqual([{ message: "The reconciler restarted a workflow", agreementId: "mamma-united", problem: "ended" }]);
    expect(sfn.running().map((execution) => execution.name)).toEqual(["mamma-united-g1"]);
    await catchUpRunning("mamma-united");
    expect(await emailSubjects("mamma-united")).toEqual([REMINDER_180]);

    // Nothing is left to repair; the execution catching up again (a replay) sends nothing twice.
    logged.length = 0;
    moveTo("2026-07-04T09:00:00+02:00");
    expect(await reconcile(steps)).toMatchObject({ repaired: 0, failed: 0 });
    await catchUpRunning("mamma-united");
    expect(await emailSubjects("mamma-united")).toEqual([REMINDER_180]);
    expect(await reminders.list("mamma-united")).toEqual([expect.objectContaining({ sendOn: "2026-07-04", status: "sent" })]);
    expect(repairs()).toEqual([]);
  });

  it("starts a missing execution under its name, replaces an aborted or stale one, and leaves healthy ones alone", async () => {
    const ids = ["healthy", "aborted", "stale", "missing"];
    await active(ids);
    moveTo("2024-09-01T08:00:00+02:00");
    // "healthy" continued as new, as its ContinueAsNew state does, and its old execution ended.
    await tasks.continueAsNew({ agreementId: "healthy", generation: 0 });
    sfn.end("healthy-g0", "SUCCEEDED");
    // "missing" began its next generation, but the execution was never started (the function died in between).
    await workflowState.beginGeneration("missing", 1, clock.now());
    sfn.end("missing-g0", "SUCCEEDED");
    sfn.end("aborted-g0", "ABORTED");
    // "stale" is still running its first generation, past the day it should have continued as new.
    moveTo("2024-10-05T08:00:00+02:00");

    const report = await reconcile(steps);

    expect(Object.fromEntries(repairs().map(({ agreementId, problem }) => [agreementId, problem]))).toEqual({
      aborted: "ended",
      stale: "stale",
      missing: "missing",
    });
    expect(report).toMatchObject({ repaired: 3, failed: 0 });
    const running = sfn.running().map((execution) => execution.name);
    expect(running).toEqual(expect.arrayContaining(["healthy-g1", "aborted-g1", "stale-g1", "missing-g1"]));
    expect(running.filter((name) => ids.some((id) => name.startsWith(`${id}-`)))).toHaveLength(4);
    expect(sfn.execution("stale-g0")?.status).toBe("ABORTED");
    // The healthy ones cost no call of their own: the running executions were listed once.
    const described = sfn.calls.filter((call) => call.operation === "DescribeExecution").map((call) => String(call.input.executionArn).split(":").at(-1));
    expect(described.filter((name) => name!.startsWith("healthy"))).toEqual([]);
    expect(sfn.calls.filter((call) => call.operation === "ListExecutions")).toHaveLength(1);
  });

  it("counts a step that fails and still runs the others; its metric line says how many", async () => {
    const broken: ReconcileStep = { name: "drainOutbox", run: async () => Promise.reject(new Error("table unreachable")) };
    const fine: ReconcileStep = { name: "repairExecutions", run: async () => ({ repaired: 2, failed: 0 }) };

    const report = await reconcile([broken, fine]);

    expect(report).toEqual({
      repaired: 2,
      failed: 1,
      steps: [
        { name: "drainOutbox", repaired: 0, failed: 1, error: "table unreachable" },
        { name: "repairExecutions", repaired: 2, failed: 0 },
      ],
    });
    expect(JSON.parse(reconcilerMetricLine("test-iop-lifecycle-agreement", report, { requestId: "lambda-request-3" }))).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: "IopLifecycle", Dimensions: [["StateMachine"]], Metrics: [{ Name: "ReconcilerRepairs", Unit: "Count" }, { Name: "ReconcilerFailures", Unit: "Count" }] },
        ],
      },
      StateMachine: "test-iop-lifecycle-agreement",
      ReconcilerRepairs: 2,
      ReconcilerFailures: 1,
      requestId: "lambda-request-3",
    });
  });
});

describe("the reconciler in the local runtime", () => {
  let harness: Harness | undefined;
  let proxy: FailingProxy | undefined;

  afterEach(async () => {
    await harness?.stop();
    await proxy?.close();
  });

  it("restarts an execution that failed, on its schedule, without the clock moving; the reminder is sent once", async () => {
    const failing = await startFailingProxy();
    proxy = failing;
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00", sesEndpoint: () => failing.url });
    failing.target = harness.mailUrl;
    const h = harness;
    await h.create("mamma-united", mammaUnitedContent());
    await h.jumpTo("2023-12-05T10:00:00+01:00");
    await h.command("mamma-united", { type: "submit" });
    await h.engine.ensureRunning("mamma-united");
    await h.jumpTo("2024-01-18T15:00:00+01:00");
    await h.command("mamma-united", { type: "decide", decision: approval });
    await h.engine.decisionRecorded("mamma-united");
    await h.engine.settled();
    // Submitting needs a reporting requirement; only the expiry reminders are under test here.
    await h.command("mamma-united", { type: "update", changes: { reportingRequirements: [] } });
    failing.failNextSends(Number.POSITIVE_INFINITY);
    await h.advanceTo("2026-07-04T12:00:00+02:00");
    expect(h.engine.hasExecution("mamma-united")).toBe(false);
    failing.failNextSends(0);
    const warnings: string[] = [];
    const reconciler = new LocalReconciler({ steps: [localRepairStep(h.engine, (line) => void warnings.push(line))], intervalMinutes: 15, warn: (line) => void warnings.push(line) });

    const report = await reconciler.runOnce();
    await h.engine.settled();

    expect(report).toMatchObject({ repaired: 1, failed: 0 });
    expect(warnings).toEqual([
      "Reconciler: the execution of agreement mamma-united was missing: started again",
      "ALARM: the reconciler's repairExecutions repaired 1 and failed on 0",
    ]);
    expect((await h.emails("mamma-united")).map((email) => email.subject)).toEqual([REMINDER_180]);
    expect(await reconciler.runOnce()).toMatchObject({ repaired: 0, failed: 0 });
    await h.engine.settled();
    expect((await h.emails("mamma-united")).map((email) => email.subject)).toEqual([REMINDER_180]);
  });

  it("leaves the repair to the engine's catch-up while that runs after a start, and ends a repair under way when stopped", async () => {
    harness = await startHarness({ start: "2024-02-02T09:00:00+01:00" });
    const h = harness;
    // The harness's first engine looked at the table when it started: these agreements have no execution yet.
    await h.engine.settled();
    const agreements = Array.from({ length: 24 }, (_, index) => benchAgreement(`open-${index + 1}`, { title: `Partnerskap ${index + 1}`, status: "active" }));
    await writeAgreements(h.table.documentClient, h.table.tableName, agreements);
    const withExecutions = () => agreements.filter((agreement) => h.engine.hasExecution(agreement.id)).length;
    const warnings: string[] = [];
    const reconcilerOf = (engine: typeof h.engine) =>
      new LocalReconciler({ steps: [localRepairStep(engine, (line) => void warnings.push(line))], intervalMinutes: 15, warn: (line) => void warnings.push(line) });

    // Stopped as soon as it started: the repair ends before the first agreement, and the next run does them all.
    const stopped = reconcilerOf(h.engine);
    await stopped.start();
    await stopped.stop();
    await h.engine.settled();
    expect(withExecutions()).toBe(0);
    expect(warnings).toEqual([]);

    // A restart: the engine's catch-up is the same repair, so the reconciler's first run leaves it alone.
    await h.startAnotherEngine({ stopCurrent: true, settle: false });
    expect(await reconcilerOf(h.engine).runOnce()).toMatchObject({ repaired: 0, failed: 0 });
    await h.engine.settled();
    expect(withExecutions()).toBe(agreements.length);
    expect(warnings).toEqual([]);
  });
});
