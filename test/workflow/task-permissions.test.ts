// The DynamoDB actions each Lambda function's code really calls, recorded against DynamoDB Local, are exactly the
// ones infra/permissions.ts grants it: a store call added without its grant, or a grant nothing uses, fails here.
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { recordDeliveryEvent } from "../../functions/app/undeliverable";
import { notice } from "../../functions/app/workflow-notices";
import { createAwsReconciler } from "../../functions/handlers/reconcile";
import { MovableClock } from "../../functions/local/clock";
import { createDynamoDbClient } from "../../functions/local/dynamodb";
import { createAgreementStore } from "../../functions/store/agreements";
import { createFreshLinkRequestStore } from "../../functions/store/fresh-link-requests";
import { createAgreement, runCommand } from "../../functions/app/commands";
import { createReminderStore } from "../../functions/store/reminders";
import { createUndeliverableAddressStore } from "../../functions/store/undeliverable-addresses";
import { createWorkflowStateStore } from "../../functions/store/workflow-state";
import { reconcile } from "../../functions/workflow/reconcile";
import { createWorkflowTasks, type WorkflowTasks } from "../../functions/workflow/tasks";
import { DEFAULT_WORKFLOW_TIMING } from "../../functions/workflow/timing";
import { TABLE_ACCESS } from "../../infra/permissions";
import { approval, editor, mammaUnitedContent, registrar } from "../support/agreements";
import { createTestTable, TEST_CURSOR_SECRET, type TestTable } from "../support/dynamo";
import { StepFunctionsStandIn } from "../support/step-functions";

/** What IAM authorises for each item of a TransactWriteItems. */
const TRANSACT_ITEM_ACTIONS = { Put: "PutItem", Update: "UpdateItem", Delete: "DeleteItem", ConditionCheck: "ConditionCheckItem" } as const;

/** A client on the test table that records the IAM action behind every call it makes. */
function recordingClient(): { client: DynamoDBClient; document: DynamoDBDocumentClient; actions: Set<string> } {
  const client = createDynamoDbClient(inject("dynamoDbEndpoint"));
  const actions = new Set<string>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = context.commandName!.replace(/Command$/, "");
      if (operation === "TransactWriteItems") {
        const items = (args.input as { TransactItems: Record<string, unknown>[] }).TransactItems;
        for (const item of items) for (const kind of Object.keys(item)) actions.add(TRANSACT_ITEM_ACTIONS[kind as keyof typeof TRANSACT_ITEM_ACTIONS]);
      } else {
        actions.add(operation);
      }
      return next(args);
    },
    { step: "initialize", name: "recordActions" },
  );
  return { client, document: DynamoDBDocumentClient.from(client), actions };
}

let table: TestTable;
const clients: DynamoDBClient[] = [];
const clock = new MovableClock(new Date("2024-01-20T10:00:00+01:00"), () => 0);

/** The workflow tasks on a recording client of their own. */
function recordedTasks(): { tasks: WorkflowTasks; actions: Set<string> } {
  const { client, document, actions } = recordingClient();
  clients.push(client);
  const tableName = table.tableName;
  const tasks = createWorkflowTasks({
    agreements: createAgreementStore({ client: document, tableName, cursorSecret: TEST_CURSOR_SECRET }),
    reminders: createReminderStore({ client: document, tableName }),
    workflowState: createWorkflowStateStore({ client: document, tableName }),
    mailer: { send: async () => ({ messageId: "message-1" }), findSent: async () => null },
    mail: { teamMailbox: "iop-team@kommun.example", appUrl: "http://127.0.0.1:3000", language: "sv" },
    clock,
    timing: DEFAULT_WORKFLOW_TIMING,
    launcher: { start: async () => {} },
    decisions: { complete: async () => {} },
    alarms: { raise: async () => {} },
  });
  return { tasks, actions };
}

const sorted = (actions: Iterable<string>) => [...actions].sort();

beforeAll(async () => {
  table = await createTestTable();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await table.dispose();
});

/** Creates and submits an agreement, approving it when asked. */
async function submitted(id: string, title: string, approve: boolean): Promise<void> {
  const store = table.agreements;
  await createAgreement(store, { id, content: { ...mammaUnitedContent(), title }, actor: editor, now: clock.now() });
  await runCommand(store, { agreementId: id, command: { type: "submit" }, actor: editor, now: clock.now() });
  if (approve) await runCommand(store, { agreementId: id, command: { type: "decide", decision: approval }, actor: registrar, now: clock.now() });
}

/** Begins the agreement's workflow (generation 0) now, as starting its execution does. */
async function workflowBegun(id: string): Promise<void> {
  await createWorkflowStateStore({ client: table.documentClient, tableName: table.tableName }).beginGeneration(id, 0, clock.now());
}

describe("the table actions each function calls", () => {
  it("CatchUp: the agreement, its relatives, its transitions, reminders and reports, and finishing its workflow", async () => {
    await submitted("caught-up", "Avtal som löper ut", true);
    // Another agreement of the same association: the lifecycle reads it (BatchGetItem) to check for overlaps.
    await submitted("sibling", "Annat avtal", false);
    clock.moveTo(new Date("2027-06-01T10:00:00+02:00"));
    await workflowBegun("caught-up");
    const { tasks, actions } = recordedTasks();
    // Activated and expired in one wake-up, its reminders past and skipped, its workflow finished.
    expect(await tasks.catchUp({ agreementId: "caught-up", generation: 0 })).toMatchObject({ status: "expired", next: "done" });
    expect(sorted(actions)).toEqual(sorted(TABLE_ACCESS.CatchUp.actions));
  });

  it("AwaitDecision, ContinueAsNew and RecordFailure", async () => {
    await submitted("waiting", "Avtal som väntar", false);
    await workflowBegun("waiting");
    const awaitDecision = recordedTasks();
    await awaitDecision.tasks.awaitDecision({ agreementId: "waiting", generation: 0, taskToken: "token-1" });
    expect(sorted(awaitDecision.actions)).toEqual(sorted(TABLE_ACCESS.AwaitDecision.actions));

    const continueAsNew = recordedTasks();
    await continueAsNew.tasks.continueAsNew({ agreementId: "waiting", generation: 0 });
    // A retry of the same task finds the generation begun and reads who began it.
    await continueAsNew.tasks.continueAsNew({ agreementId: "waiting", generation: 0 });
    expect(sorted(continueAsNew.actions)).toEqual(sorted(TABLE_ACCESS.ContinueAsNew.actions));

    const recordFailure = recordedTasks();
    await recordFailure.tasks.recordFailure({ agreementId: "waiting", generation: 1, error: "States.TaskFailed", cause: "SES is down" });
    expect(sorted(recordFailure.actions)).toEqual(sorted(TABLE_ACCESS.RecordFailure.actions));
  });

  it("Reconciler: a change left in the outbox told, the open workflows looked at, a fresh-link request taken", async () => {
    const store = table.agreements;
    await createAgreement(store, { id: "untold", content: { ...mammaUnitedContent(), title: "Avtal som inte berättats" }, actor: editor, now: clock.now() });
    // Submitted, but the workflow was never told: its notice is still in the outbox.
    await runCommand(store, {
      agreementId: "untold",
      command: { type: "submit" },
      actor: editor,
      now: clock.now(),
      notices: ({ agreement }) => [notice(agreement.id, agreement.version, "ensureRunning", "submitted", clock.now())],
    });
    await createFreshLinkRequestStore({ client: table.documentClient, tableName: table.tableName }).add({ email: "someone@forening.example", at: clock.now().toISOString() });
    const { client, document, actions } = recordingClient();
    clients.push(client);
    const sfn = new StepFunctionsStandIn("arn:aws:states:eu-north-1:123456789012:stateMachine:test-iop-lifecycle-agreement", clock);
    const steps = createAwsReconciler({
      table: { client: document, tableName: table.tableName },
      stepFunctions: { client: sfn.client, stateMachineArn: sfn.stateMachineArn },
      attachments: { client: new S3Client({ region: "eu-north-1" }), bucket: "attachments" },
      email: { clientConfig: { region: "eu-north-1" }, from: "iop-noreply@kommun.example", language: "sv", teamMailbox: "iop-team@kommun.example" },
      clock,
      appOrigin: "http://127.0.0.1:3000",
      log: () => undefined,
      newId: randomUUID,
    });

    const report = await reconcile(steps);

    // The other tests' agreements, proposed and never started here, are repaired too.
    expect(report.failed).toBe(0);
    expect(report.steps.map(({ name }) => name)).toEqual(["drainOutbox", "repairExecutions", "sendRequestedLinks"]);
    expect(report.steps[0]!.repaired).toBe(1);
    expect(sfn.running().map((execution) => execution.name)).toContain("untold-g0");
    expect(sorted(actions)).toEqual(sorted(TABLE_ACCESS.Reconciler.actions));
  });

  it("EmailEvents", async () => {
    const { client, document, actions } = recordingClient();
    clients.push(client);
    const addresses = createUndeliverableAddressStore({ client: document, tableName: table.tableName });
    await recordDeliveryEvent(
      { addresses },
      { eventType: "Complaint", complaint: { timestamp: "2026-03-03T09:00:00.000Z", complainedRecipients: [{ emailAddress: "ordf@forening.example" }] } },
    );
    expect(sorted(actions)).toEqual(sorted(TABLE_ACCESS.EmailEvents.actions));
  });
});
