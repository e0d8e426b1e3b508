/**
 * What the workflow's Lambda functions share: the task handlers, built once per container from the function's
 * environment (set by infra/Workflow.ts). Each workflow-<task>.ts entry point is one {@link taskHandler}, which
 * logs every invocation as a JSON line with Lambda's request id, as the API logs its requests.
 */
import { randomBytes } from "node:crypto";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { jsonLines } from "../api/logging";
import { systemClock } from "../domain/clock";
import { createSesMailer } from "../email/sender";
import { createAgreementStore } from "../store/agreements";
import { createTableClient } from "../store/client";
import { createReminderStore } from "../store/reminders";
import { createWorkflowStateStore } from "../store/workflow-state";
import { createMetricAlarmSink } from "../workflow/alarms";
import { createStepFunctionsCallbacks, createStepFunctionsLauncher } from "../workflow/step-functions";
import { createWorkflowTasks, type WorkflowTasks } from "../workflow/tasks";
import { DEFAULT_WORKFLOW_TIMING } from "../workflow/timing";
import { emailLanguage, requiredEnv } from "./env";
import { SDK_LOGGER } from "../sdk-logger";

let tasks: WorkflowTasks | undefined;
const log = jsonLines((line) => process.stdout.write(line));

function workflowTasks(): WorkflowTasks {
  tasks ??= createTasksFromEnvironment();
  return tasks;
}

/** The Lambda handler of one task: runs it and logs the outcome; a failure is rethrown for the state machine's Retry. */
export function taskHandler<Task extends keyof WorkflowTasks>(task: Task) {
  return async (event: unknown, context: Context): Promise<Awaited<ReturnType<WorkflowTasks[Task]>>> => {
    const started = performance.now();
    const subject = typeof event === "object" && event !== null ? (event as Record<string, unknown>) : {};
    const record = { requestId: context.awsRequestId, task, agreementId: subject.agreementId, generation: subject.generation };
    const durationMs = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const result = (await workflowTasks()[task](event)) as Awaited<ReturnType<WorkflowTasks[Task]>>;
      log({ level: "info", message: "workflow task", ...record, outcome: "ok", durationMs: durationMs() });
      return result;
    } catch (error) {
      const reason = error instanceof Error ? { error: error.name, cause: error.message } : { error: String(error) };
      log({ level: "error", message: "workflow task", ...record, outcome: "failed", durationMs: durationMs(), ...reason });
      throw error;
    }
  };
}

function createTasksFromEnvironment(): WorkflowTasks {
  const tableName = requiredEnv("TABLE_NAME");
  const stateMachineArn = requiredEnv("WORKFLOW_STATE_MACHINE_ARN");
  const client = DynamoDBDocumentClient.from(createTableClient());
  const sfn = new SFNClient({ logger: SDK_LOGGER });
  return createWorkflowTasks({
    // The tasks page through an agreement's reports within one call, so their cursors never leave the function:
    // a secret of its own per container will do.
    agreements: createAgreementStore({ client, tableName, cursorSecret: randomBytes(32) }),
    reminders: createReminderStore({ client, tableName }),
    workflowState: createWorkflowStateStore({ client, tableName }),
    mailer: createSesMailer({ clientConfig: {}, from: requiredEnv("EMAIL_SENDER"), configurationSet: process.env.EMAIL_CONFIGURATION_SET }),
    mail: { teamMailbox: requiredEnv("TEAM_MAILBOX"), appUrl: requiredEnv("APP_URL"), language: emailLanguage() },
    clock: systemClock,
    timing: DEFAULT_WORKFLOW_TIMING,
    launcher: createStepFunctionsLauncher({ client: sfn, stateMachineArn, timing: DEFAULT_WORKFLOW_TIMING }),
    decisions: createStepFunctionsCallbacks(sfn),
    alarms: createMetricAlarmSink(stateMachineArn.split(":").at(-1)!),
  });
}
