/**
 * The workflow in AWS: executions of the deployed state machine, started by deterministic name, and the decision
 * callback completed with SendTaskSuccess. The API (AgreementWorkflow) and the ContinueAsNew and AwaitDecision
 * tasks (ExecutionLauncher, DecisionCallbacks) use it.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
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
import type { DecisionCallbacks, ExecutionLauncher } from "./tasks";
import type { WorkflowTiming } from "./timing";

export interface StepFunctionsOptions {
  client: SFNClient;
  stateMachineArn: string;
  timing: WorkflowTiming;
}

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
        // The execution moved on (timed out, restarted, or completed by the other side of the race): nothing waits.
        if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) return;
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
  const arnOf = (agreementId: string, generation: number) => executionArn(stateMachineArn, executionName(agreementId, generation));

  async function isRunning(agreementId: string, generation: number): Promise<boolean> {
    const { status } = await client.send(new DescribeExecutionCommand({ executionArn: arnOf(agreementId, generation) }));
    return status === "RUNNING";
  }

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
    if ((await startExecution(options, agreementId, generation)) === "exists" && !(await isRunning(agreementId, generation))) {
      // That generation's execution failed or was stopped: its name is spent, so the next generation takes over.
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
