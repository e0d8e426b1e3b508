/**
 * What the workflow's Lambda functions share: the task handlers, built once per container from the function's
 * environment (set by infra/Workflow.ts). Each workflow-<task>.ts entry point hands its event to one handler.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { systemClock } from "../domain/clock";
import { createSesMailer } from "../email/sender";
import { createAgreementStore } from "../store/agreements";
import { createReminderStore } from "../store/reminders";
import { createWorkflowStateStore } from "../store/workflow-state";
import { createMetricAlarmSink } from "../workflow/alarms";
import { createStepFunctionsCallbacks, createStepFunctionsLauncher } from "../workflow/step-functions";
import { createWorkflowTasks, type WorkflowTasks } from "../workflow/tasks";
import { DEFAULT_WORKFLOW_TIMING } from "../workflow/timing";
import { emailLanguage, requiredEnv } from "./env";

let tasks: WorkflowTasks | undefined;

export function workflowTasks(): WorkflowTasks {
  tasks ??= createTasksFromEnvironment();
  return tasks;
}

function createTasksFromEnvironment(): WorkflowTasks {
  const tableName = requiredEnv("TABLE_NAME");
  const stateMachineArn = requiredEnv("WORKFLOW_STATE_MACHINE_ARN");
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const sfn = new SFNClient({});
  return createWorkflowTasks({
    // The tasks page through an agreement's reports within one call, so their cursors never leave the function:
    // a secret of its own per container will do.
    agreements: createAgreementStore({ client, tableName, cursorSecret: randomBytes(32) }),
    reminders: createReminderStore({ client, tableName }),
    workflowState: createWorkflowStateStore({ client, tableName }),
    mailer: createSesMailer({ clientConfig: {}, from: requiredEnv("EMAIL_SENDER") }),
    mail: { teamMailbox: requiredEnv("TEAM_MAILBOX"), appUrl: requiredEnv("APP_URL"), language: emailLanguage() },
    clock: systemClock,
    timing: DEFAULT_WORKFLOW_TIMING,
    launcher: createStepFunctionsLauncher({ client: sfn, stateMachineArn, timing: DEFAULT_WORKFLOW_TIMING }),
    decisions: createStepFunctionsCallbacks(sfn),
    alarms: createMetricAlarmSink(stateMachineArn.split(":").at(-1)!),
  });
}
