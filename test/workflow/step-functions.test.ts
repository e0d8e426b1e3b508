// The AWS side of the workflow, against DynamoDB Local for its state and a recording stand-in for the Step
// Functions API (no emulator of it runs here): which executions it starts, stops and completes, by which names.
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MovableClock } from "../../functions/local/clock";
import { createWorkflowStateStore, type WorkflowStateStore } from "../../functions/store/workflow-state";
import { createStepFunctionsCallbacks, createStepFunctionsLauncher, createStepFunctionsWorkflow } from "../../functions/workflow/step-functions";
import { DEFAULT_WORKFLOW_TIMING } from "../../functions/workflow/timing";
import { createTestTable, type TestTable } from "../support/dynamo";

const STATE_MACHINE = "arn:aws:states:eu-north-1:123456789012:stateMachine:test-iop-lifecycle-agreement";
const EXECUTION = "arn:aws:states:eu-north-1:123456789012:execution:test-iop-lifecycle-agreement";
const clock = new MovableClock(new Date("2026-11-15T10:00:00+01:00"), () => 0);

/** Answers like Step Functions for the executions it was told exist; records every call. */
class StepFunctionsStandIn {
  readonly calls: { command: string; input: Record<string, unknown> }[] = [];
  /** Execution names, and whether each is running. */
  readonly executions = new Map<string, boolean>();
  readonly tokens = new Set<string>();

  async send(command: { input: Record<string, unknown> }): Promise<unknown> {
    this.calls.push({ command: command.constructor.name, input: command.input });
    const meta = { $metadata: {} };
    if (command instanceof StartExecutionCommand) {
      const name = command.input.name!;
      if (this.executions.has(name)) throw new ExecutionAlreadyExists({ message: `Execution ${name} already exists`, ...meta });
      this.executions.set(name, true);
      return { executionArn: `${EXECUTION}:${name}` };
    }
    if (command instanceof DescribeExecutionCommand) {
      const name = command.input.executionArn!.split(":").at(-1)!;
      return { status: this.executions.get(name) ? "RUNNING" : "FAILED" };
    }
    if (command instanceof StopExecutionCommand) {
      this.executions.set(command.input.executionArn!.split(":").at(-1)!, false);
      return {};
    }
    if (command instanceof SendTaskSuccessCommand) {
      if (!this.tokens.delete(command.input.taskToken!)) throw new TaskTimedOut({ message: "Task Timed Out", ...meta });
      return {};
    }
    throw new Error(`Unexpected ${command.constructor.name}`);
  }

  namesOf(command: string): unknown[] {
    return this.calls.filter((call) => call.command === command).map((call) => call.input.name ?? call.input.executionArn ?? call.input.taskToken);
  }
}

let table: TestTable;
let workflowState: WorkflowStateStore;
let sfn: StepFunctionsStandIn;

beforeAll(async () => {
  table = await createTestTable();
  workflowState = createWorkflowStateStore({ client: table.documentClient, tableName: table.tableName });
});

beforeEach(() => {
  sfn = new StepFunctionsStandIn();
});

afterAll(async () => {
  await table.dispose();
});

function workflow() {
  const client = sfn as unknown as SFNClient;
  return createStepFunctionsWorkflow({ client, stateMachineArn: STATE_MACHINE, timing: DEFAULT_WORKFLOW_TIMING, workflowState, clock });
}

describe("the workflow in AWS", () => {
  it("starts generation 0 by its deterministic name and input, and starting it again changes nothing", async () => {
    await workflow().ensureRunning("agr-1");
    await workflow().ensureRunning("agr-1");

    expect(sfn.calls[0]).toEqual({
      command: "StartExecutionCommand",
      input: {
        stateMachineArn: STATE_MACHINE,
        name: "agr-1-g0",
        input: JSON.stringify({ agreementId: "agr-1", generation: 0, decisionTimeoutSeconds: 60 * 86_400 }),
      },
    });
    expect(sfn.namesOf("StartExecutionCommand")).toEqual(["agr-1-g0", "agr-1-g0"]);
    expect(sfn.namesOf("StopExecutionCommand")).toEqual([]);
  });

  it("starts the next generation when the current one's execution failed", async () => {
    await workflow().ensureRunning("agr-2");
    sfn.executions.set("agr-2-g0", false);

    await workflow().ensureRunning("agr-2");

    expect(sfn.namesOf("StartExecutionCommand")).toEqual(["agr-2-g0", "agr-2-g0", "agr-2-g1"]);
    expect((await workflowState.get("agr-2"))?.generation).toBe(1);
  });

  it("replaces a waiting execution with the next generation when the agreement changed", async () => {
    await workflow().ensureRunning("agr-3");

    await workflow().agreementChanged("agr-3");

    expect(sfn.namesOf("StartExecutionCommand")).toEqual(["agr-3-g0", "agr-3-g1"]);
    expect(sfn.namesOf("StopExecutionCommand")).toEqual([`${EXECUTION}:agr-3-g0`]);
    expect(sfn.executions.get("agr-3-g1")).toBe(true);
  });

  it("completes the stored task token when the decision is recorded, and tolerates one that timed out", async () => {
    await workflow().ensureRunning("agr-4");
    await workflowState.saveDecisionToken("agr-4", 0, "token-4", clock.now());
    sfn.tokens.add("token-4");

    await workflow().decisionRecorded("agr-4");
    await workflow().decisionRecorded("agr-4");

    expect(sfn.namesOf("SendTaskSuccessCommand")).toEqual(["token-4", "token-4"]);
    expect(sfn.tokens.size).toBe(0);
  });

  it("gives the tasks a launcher and callbacks that treat repeats as done", async () => {
    const client = sfn as unknown as SFNClient;
    const launcher = createStepFunctionsLauncher({ client, stateMachineArn: STATE_MACHINE, timing: DEFAULT_WORKFLOW_TIMING });
    await launcher.start("agr-5", 3);
    await launcher.start("agr-5", 3);
    await createStepFunctionsCallbacks(client).complete("gone");
    expect(sfn.namesOf("StartExecutionCommand")).toEqual(["agr-5-g3", "agr-5-g3"]);
  });
});
