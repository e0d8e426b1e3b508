// The AWS side of the workflow: functions/workflow/step-functions.ts against DynamoDB Local for its state and the
// Step Functions stand-in (test/support/step-functions.ts), which answers as the API reference says. First the
// stand-in itself, rule by rule from the reference; then the module's paths on it: start, restart after a failure,
// agreement changed, decision callback, continue-as-new.
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MovableClock } from "../../functions/local/clock";
import { createWorkflowStateStore, type WorkflowStateStore } from "../../functions/store/workflow-state";
import { executionInput } from "../../functions/workflow/executions";
import {
  createStepFunctionsCallbacks,
  createStepFunctionsInspector,
  createStepFunctionsLauncher,
  createStepFunctionsWorkflow,
} from "../../functions/workflow/step-functions";
import { DEFAULT_WORKFLOW_TIMING } from "../../functions/workflow/timing";
import { createTestTable, type TestTable } from "../support/dynamo";
import { StepFunctionsStandIn } from "../support/step-functions";
import { createTestWorkflowTasks } from "../support/workflow-tasks";

const STATE_MACHINE = "arn:aws:states:eu-north-1:123456789012:stateMachine:test-iop-lifecycle-agreement";
const EXECUTION = "arn:aws:states:eu-north-1:123456789012:execution:test-iop-lifecycle-agreement";
const DAY = 86_400_000;

let clock: MovableClock;
let sfn: StepFunctionsStandIn;

beforeEach(() => {
  clock = new MovableClock(new Date("2026-11-15T10:00:00+01:00"), () => 0);
  sfn = new StepFunctionsStandIn(STATE_MACHINE, clock);
});

function later(days: number): void {
  clock.moveTo(new Date(clock.now().getTime() + days * DAY));
}

const start = (name: string, input = "{}") => new StartExecutionCommand({ stateMachineArn: STATE_MACHINE, name, input });
const describeExecution = (name: string) => new DescribeExecutionCommand({ executionArn: `${EXECUTION}:${name}` });
const stop = (name: string) => new StopExecutionCommand({ executionArn: `${EXECUTION}:${name}` });
const succeed = (taskToken: string, output = "{}") => new SendTaskSuccessCommand({ taskToken, output });
const listRunning = (maxResults?: number, nextToken?: string) =>
  new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE, statusFilter: "RUNNING", maxResults, nextToken });
const names = (output: unknown) => (output as { executions: { name: string }[] }).executions.map((execution) => execution.name);

interface Rule {
  rule: string;
  /** What happened before (calls, the clock moving); what it returns is handed to `then`, e.g. a task token. */
  given: (sfn: StepFunctionsStandIn) => Promise<unknown>;
  then: (sfn: StepFunctionsStandIn, given: unknown) => Promise<unknown>;
  /** What it answers with (matched as far as given), or the name of the error it throws. */
  answers: object | { error: string };
}

const started = new Date("2026-11-15T09:00:00Z");

/**
 * The API reference's rules, one row each (API_StartExecution, API_DescribeExecution, API_StopExecution,
 * API_SendTaskSuccess). The stand-in is only as good as this table.
 */
const RULES: Rule[] = [
  {
    rule: "StartExecution: a new name starts an execution",
    given: async () => undefined,
    then: (sfn) => sfn.send(start("a-g0")),
    answers: { executionArn: `${EXECUTION}:a-g0`, startDate: started },
  },
  {
    rule: "StartExecution: same name and same input while it runs answers with the running execution, no error",
    given: async (sfn) => (await sfn.send(start("a-g0", '{"n":1}')), later(1)),
    then: (sfn) => sfn.send(start("a-g0", '{"n":1}')),
    answers: { executionArn: `${EXECUTION}:a-g0`, startDate: started },
  },
  {
    rule: "StartExecution: same name, different input while it runs: ExecutionAlreadyExists",
    given: (sfn) => sfn.send(start("a-g0", '{"n":1}')),
    then: (sfn) => sfn.send(start("a-g0", '{"n":2}')),
    answers: { error: "ExecutionAlreadyExists" },
  },
  {
    rule: "StartExecution: a name reused after its execution ended, within 90 days: ExecutionAlreadyExists, whatever the input",
    given: async (sfn) => (await sfn.send(start("a-g0")), sfn.end("a-g0", "FAILED"), later(89)),
    then: (sfn) => sfn.send(start("a-g0")),
    answers: { error: "ExecutionAlreadyExists" },
  },
  {
    rule: "StartExecution: a name is free again 90 days after its execution ended",
    given: async (sfn) => (await sfn.send(start("a-g0")), sfn.end("a-g0", "ABORTED"), later(91)),
    then: (sfn) => sfn.send(start("a-g0")),
    answers: { executionArn: `${EXECUTION}:a-g0`, startDate: new Date(started.getTime() + 91 * DAY) },
  },
  {
    rule: "StartExecution: a name with a character the reference forbids (':'): InvalidName",
    given: async () => undefined,
    then: (sfn) => sfn.send(start("a:g0")),
    answers: { error: "InvalidName" },
  },
  {
    rule: "StartExecution: input that is not JSON: InvalidExecutionInput",
    given: async () => undefined,
    then: (sfn) => sfn.send(start("a-g0", "{not json")),
    answers: { error: "InvalidExecutionInput" },
  },
  {
    rule: "DescribeExecution: an unknown execution: ExecutionDoesNotExist",
    given: async () => undefined,
    then: (sfn) => sfn.send(describeExecution("nobody-g0")),
    answers: { error: "ExecutionDoesNotExist" },
  },
  {
    rule: "DescribeExecution: an execution that ended more than 90 days ago is gone: ExecutionDoesNotExist",
    given: async (sfn) => (await sfn.send(start("a-g0")), sfn.end("a-g0", "SUCCEEDED"), later(91)),
    then: (sfn) => sfn.send(describeExecution("a-g0")),
    answers: { error: "ExecutionDoesNotExist" },
  },
  {
    rule: "DescribeExecution: not an execution ARN: InvalidArn",
    given: async () => undefined,
    then: (sfn) => sfn.send(new DescribeExecutionCommand({ executionArn: "a-g0" })),
    answers: { error: "InvalidArn" },
  },
  {
    rule: "DescribeExecution: a failed execution says FAILED, with its stop date",
    given: async (sfn) => (await sfn.send(start("a-g0")), later(2), sfn.end("a-g0", "FAILED")),
    then: (sfn) => sfn.send(describeExecution("a-g0")),
    answers: { name: "a-g0", status: "FAILED", startDate: started, stopDate: new Date(started.getTime() + 2 * DAY) },
  },
  {
    rule: "ListExecutions: with statusFilter RUNNING, only the running executions, the most recent first",
    given: async (sfn) => {
      for (const name of ["a-g0", "b-g0", "c-g0"]) {
        await sfn.send(start(name));
        later(1);
      }
      sfn.end("b-g0", "FAILED");
    },
    then: async (sfn) => names(await sfn.send(listRunning())),
    answers: ["c-g0", "a-g0"],
  },
  {
    rule: "ListExecutions: maxResults per page, and a nextToken while there are more",
    given: async (sfn) => {
      for (const name of ["a-g0", "b-g0", "c-g0"]) {
        await sfn.send(start(name));
        later(1);
      }
    },
    then: async (sfn) => {
      const first = (await sfn.send(listRunning(2))) as { nextToken?: string };
      const second = (await sfn.send(listRunning(2, first.nextToken))) as { nextToken?: string };
      return [names(first), names(second), second.nextToken];
    },
    answers: [["c-g0", "b-g0"], ["a-g0"], undefined],
  },
  {
    rule: "ListExecutions: a nextToken it never gave: InvalidToken",
    given: async () => undefined,
    then: (sfn) => sfn.send(listRunning(10, "made-up-token")),
    answers: { error: "InvalidToken" },
  },
  {
    rule: "StopExecution: a running execution is aborted, and the stop date answered",
    given: async (sfn) => (await sfn.send(start("a-g0")), later(1)),
    then: async (sfn) => [await sfn.send(stop("a-g0")), sfn.execution("a-g0")?.status],
    answers: [{ stopDate: new Date(started.getTime() + DAY) }, "ABORTED"],
  },
  {
    rule: "StopExecution: an execution that already ended keeps its status; no error is listed for it",
    given: async (sfn) => (await sfn.send(start("a-g0")), sfn.end("a-g0", "FAILED"), later(1)),
    then: async (sfn) => [await sfn.send(stop("a-g0")), sfn.execution("a-g0")?.status],
    answers: [{ stopDate: started }, "FAILED"],
  },
  {
    rule: "StopExecution: an unknown execution: ExecutionDoesNotExist",
    given: async () => undefined,
    then: (sfn) => sfn.send(stop("nobody-g0")),
    answers: { error: "ExecutionDoesNotExist" },
  },
  {
    rule: "SendTaskSuccess: the token of a waiting task completes it",
    given: (sfn) => sfn.send(start("a-g0")),
    then: (sfn) => sfn.send(succeed(sfn.enterCallback("a-g0"))),
    answers: {},
  },
  {
    rule: "SendTaskSuccess: a token the service never issued: InvalidToken",
    given: async () => undefined,
    then: (sfn) => sfn.send(succeed("made-up-token")),
    answers: { error: "InvalidToken" },
  },
  {
    rule: "SendTaskSuccess: a token used already (its task closed): TaskTimedOut",
    given: async (sfn) => {
      await sfn.send(start("a-g0"));
      const token = sfn.enterCallback("a-g0");
      await sfn.send(succeed(token));
      return token;
    },
    then: (sfn, token) => sfn.send(succeed(token as string)),
    answers: { error: "TaskTimedOut" },
  },
  {
    rule: "SendTaskSuccess: the token of a stopped execution: TaskTimedOut",
    given: async (sfn) => {
      await sfn.send(start("a-g0"));
      const token = sfn.enterCallback("a-g0");
      await sfn.send(stop("a-g0"));
      return token;
    },
    then: (sfn, token) => sfn.send(succeed(token as string)),
    answers: { error: "TaskTimedOut" },
  },
  {
    rule: "SendTaskSuccess: output that is not JSON: InvalidOutput",
    given: (sfn) => sfn.send(start("a-g0")),
    then: (sfn) => sfn.send(succeed(sfn.enterCallback("a-g0"), "{not json")),
    answers: { error: "InvalidOutput" },
  },
];

describe("the Step Functions stand-in, by the API reference", () => {
  it.each(RULES)("$rule", async ({ given, then, answers }) => {
    clock.moveTo(started);
    const context = await given(sfn);
    if ("error" in answers) {
      await expect(then(sfn, context)).rejects.toMatchObject({ name: answers.error });
    } else {
      expect(await then(sfn, context)).toMatchObject(answers);
    }
  });

  it("runs one execution for repeated starts with the same name and input", async () => {
    await sfn.send(start("a-g0"));
    await sfn.send(start("a-g0"));
    expect(sfn.running().map((execution) => execution.name)).toEqual(["a-g0"]);
  });
});

describe("functions/workflow/step-functions.ts on the stand-in", () => {
  let table: TestTable;
  let workflowState: WorkflowStateStore;

  beforeAll(async () => {
    table = await createTestTable();
    workflowState = createWorkflowStateStore({ client: table.documentClient, tableName: table.tableName });
  });

  afterAll(async () => {
    await table.dispose();
  });

  const options = () => ({ client: sfn.client, stateMachineArn: STATE_MACHINE, timing: DEFAULT_WORKFLOW_TIMING });
  const workflow = () => createStepFunctionsWorkflow({ ...options(), workflowState, clock });
  const runningNames = () => sfn.running().map((execution) => execution.name);
  const callsOf = (operation: string) => sfn.calls.filter((call) => call.operation === operation).map((call) => call.input.name ?? call.input.executionArn);

  it("starts generation 0 under its deterministic name and input; starting again keeps the one execution", async () => {
    await workflow().ensureRunning("agr-1");
    await workflow().ensureRunning("agr-1");

    expect(runningNames()).toEqual(["agr-1-g0"]);
    expect(JSON.parse(sfn.execution("agr-1-g0")!.input)).toEqual(executionInput("agr-1", 0, DEFAULT_WORKFLOW_TIMING));
    expect(callsOf("StartExecution")).toEqual(["agr-1-g0", "agr-1-g0"]);
    expect(await workflowState.get("agr-1")).toMatchObject({ generation: 0, finished: false });
  });

  it("starts the next generation when the current one's execution failed, its name being spent", async () => {
    await workflow().ensureRunning("agr-2");
    sfn.end("agr-2-g0", "FAILED");
    later(1);

    await workflow().ensureRunning("agr-2");

    expect(runningNames()).toEqual(["agr-2-g1"]);
    expect((await workflowState.get("agr-2"))?.generation).toBe(1);
  });

  it("starts the current generation again under its own name once its ended execution is over 90 days old", async () => {
    await workflow().ensureRunning("agr-3");
    sfn.end("agr-3-g0", "ABORTED");
    later(91);

    await workflow().ensureRunning("agr-3");

    expect(runningNames()).toEqual(["agr-3-g0"]);
    expect((await workflowState.get("agr-3"))?.generation).toBe(0);
  });

  it("replaces a waiting execution with the next generation when the agreement changed, and stops the old one", async () => {
    await workflow().ensureRunning("agr-4");

    await workflow().agreementChanged("agr-4");

    expect(runningNames()).toEqual(["agr-4-g1"]);
    expect(sfn.execution("agr-4-g0")?.status).toBe("ABORTED");
    expect(callsOf("StopExecution")).toEqual([`${EXECUTION}:agr-4-g0`]);
  });

  it("replaces an execution that already failed when the agreement changed (stopping it is harmless)", async () => {
    await workflow().ensureRunning("agr-5");
    sfn.end("agr-5-g0", "FAILED");

    await workflow().agreementChanged("agr-5");

    expect(runningNames()).toEqual(["agr-5-g1"]);
    expect(sfn.execution("agr-5-g0")?.status).toBe("FAILED");
  });

  it("completes the stored token when the decision is recorded, and tolerates a used one", async () => {
    await workflow().ensureRunning("agr-6");
    const token = sfn.enterCallback("agr-6-g0");
    await workflowState.saveDecisionToken("agr-6", 0, token, clock.now());

    await workflow().decisionRecorded("agr-6");
    expect(sfn.isWaiting(token)).toBe(false);
    await workflow().decisionRecorded("agr-6");

    expect(callsOf("SendTaskSuccess")).toHaveLength(2);
    expect(runningNames()).toEqual(["agr-6-g0"]);
  });

  it("restarts the workflow when the decision's execution was stopped meanwhile", async () => {
    await workflow().ensureRunning("agr-7");
    const token = sfn.enterCallback("agr-7-g0");
    await workflowState.saveDecisionToken("agr-7", 0, token, clock.now());
    await sfn.send(stop("agr-7-g0"));

    await workflow().decisionRecorded("agr-7");

    expect(runningNames()).toEqual(["agr-7-g1"]);
  });

  it("tolerates a token the service does not know", async () => {
    await expect(createStepFunctionsCallbacks(sfn.client).complete("made-up-token")).resolves.toBeUndefined();
  });

  it("continues as new: ContinueAsNew starts the next generation once, even when retried, and the old one ends", async () => {
    const tasks = createTestWorkflowTasks(table, {
      clock,
      mailer: { send: async () => ({ messageId: "never" }), findSent: async () => null },
      launcher: createStepFunctionsLauncher(options()),
      decisions: createStepFunctionsCallbacks(sfn.client),
    });
    await workflow().ensureRunning("agr-8");
    later(300);

    await tasks.continueAsNew({ agreementId: "agr-8", generation: 0 });
    // A retry of the task (its Lambda timed out after the start went through) starts nothing new.
    await tasks.continueAsNew({ agreementId: "agr-8", generation: 0 });
    sfn.end("agr-8-g0", "SUCCEEDED");
    await workflow().ensureRunning("agr-8");

    expect(runningNames()).toEqual(["agr-8-g1"]);
    expect(callsOf("StartExecution")).toEqual(["agr-8-g0", "agr-8-g1", "agr-8-g1", "agr-8-g1"]);
    expect(await workflowState.get("agr-8")).toMatchObject({ generation: 1, generationStartedAt: clock.now().toISOString() });
  });

  it("tells the reconciler how an execution is: running, ended, or missing", async () => {
    const inspector = createStepFunctionsInspector(options());
    await workflow().ensureRunning("agr-9");
    expect(await inspector.conditionOf("agr-9", 0)).toBe("running");
    expect(await inspector.conditionOf("agr-9", 1)).toBe("missing");
    sfn.end("agr-9-g0", "TIMED_OUT");
    expect(await inspector.conditionOf("agr-9", 0)).toBe("ended");
  });
});
