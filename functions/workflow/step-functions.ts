/**
 * The workflow in AWS: executions of the deployed state machine, started by deterministic name, and the decision
 * callback completed with SendTaskSuccess. The API (AgreementWorkflow), the ContinueAsNew and AwaitDecision
 * tasks (ExecutionLauncher, DecisionCallbacks) and the reconciler (ExecutionInspector) use it.
 *
 * What Step Functions answers is in its API reference; test/support/step-functions.ts follows it rule by rule, and
 * test/workflow/step-functions.test.ts runs this module against that.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import type { Clock } from "../domain/clock";
import type { WorkflowStateStore } from "../store/workflow-state";
import { executionArn, executionInput, executionName } from "./executions";
import { nextGeneration, runnableGeneration } from "./generations";
import type { AgreementWorkflow } from "./port";
import type { ExecutionInspector } from "./reconcile";
import type { DecisionCallbacks, ExecutionLauncher } from "./tasks";
import type { WorkflowTiming } from "./timing";

export interface StepFunctionsOptions {
  client: SFNClient;
  stateMachineArn: string;
  timing: WorkflowTiming;
}

/** "started" also when the same name and input were running: StartExecution then answers with that execution. */
type StartOutcome = "started" | "exists";

async function startExecution({ client, stateMachineArn, timing }: StepFunctionsOptions, agreementId: string, generation: number): Promise<StartOutcome> {
  try {
    await client.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: executionName(agreementId, generation),
        input: JSON.stringify(executionInput(agreementId, generation, timing)),
      }),
    );
    return "started";
  } catch (error) {
    // Same name, and closed or started with other input. A running execution with the same input is not an error.
    if (error instanceof ExecutionAlreadyExists) return "exists";
    throw error;
  }
}

export function createStepFunctionsLauncher(options: StepFunctionsOptions): ExecutionLauncher {
  return {
    async start(agreementId, generation) {
      await startExecution(options, agreementId, generation);
    },
  };
}

export function createStepFunctionsCallbacks(client: SFNClient): DecisionCallbacks {
  return {
    async complete(taskToken) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken, output: "{}" }));
      } catch (error) {
        // Nothing waits on the token any more. TaskTimedOut: the task closed (completed by the other side of the
        // race, timed out, or its execution stopped or ended). InvalidToken: the service does not know the token, so
        // it can never be completed either. TaskDoesNotExist: listed for SendTaskSuccess as well.
        if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) return;
        throw error;
      }
    },
  };
}

/** For the reconciler: the running executions listed, and DescribeExecution of one generation's execution. */
export function createStepFunctionsInspector({ client, stateMachineArn }: Pick<StepFunctionsOptions, "client" | "stateMachineArn">): ExecutionInspector {
  return {
    async runningNames() {
      const names = new Set<string>();
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: "RUNNING", maxResults: 1_000, nextToken }));
        for (const { name } of page.executions ?? []) if (name !== undefined) names.add(name);
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      return names;
    },

    async conditionOf(agreementId, generation) {
      try {
        const { status } = await client.send(new DescribeExecutionCommand({ executionArn: executionArn(stateMachineArn, executionName(agreementId, generation)) }));
        return status === "RUNNING" ? "running" : "ended";
      } catch (error) {
        // Never started, or closed more than 90 days ago (its history, and its name, are then free again).
        if (error instanceof ExecutionDoesNotExist) return "missing";
        throw error;
      }
    },
  };
}

export function createStepFunctionsWorkflow(
  options: StepFunctionsOptions & { workflowState: WorkflowStateStore; clock: Clock },
): AgreementWorkflow {
  const { client, stateMachineArn, workflowState, clock } = options;
  const callbacks = createStepFunctionsCallbacks(client);
  const inspector = createStepFunctionsInspector(options);
  const arnOf = (agreementId: string, generation: number) => executionArn(stateMachineArn, executionName(agreementId, generation));

  async function restart(agreementId: string): Promise<void> {
    const { generation, previous } = await nextGeneration(workflowState, agreementId, clock.now());
    await startExecution(options, agreementId, generation);
    if (previous === null) return;
    try {
      await client.send(
        new StopExecutionCommand({ executionArn: arnOf(agreementId, previous), cause: `Superseded by generation ${generation}` }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
    }
  }

  async function ensureRunning(agreementId: string): Promise<void> {
    const generation = await runnableGeneration(workflowState, agreementId, clock.now());
    const started = await startExecution(options, agreementId, generation);
    if (started === "exists" && (await inspector.conditionOf(agreementId, generation)) !== "running") {
      // That generation's execution ended (failed, stopped, timed out): its name is spent for 90 days, so the next
      // generation takes over. (Running with other input, e.g. a timing changed by a deploy, it is left to run.)
      await restart(agreementId);
    }
  }

  return {
    ensureRunning,

    async decisionRecorded(agreementId) {
      const token = (await workflowState.get(agreementId))?.decisionToken;
      if (token !== undefined) await callbacks.complete(token);
      await ensureRunning(agreementId);
    },

    // A Wait in Step Functions cannot be woken early: a new generation replaces the waiting execution.
    async agreementChanged(agreementId) {
      const state = await workflowState.get(agreementId);
      if (state === null || state.finished) await ensureRunning(agreementId);
      else await restart(agreementId);
    },
  };
}
