/**
 * Lambda entry point of the workflow reconciler: tells the workflow every notice still in the outbox
 * (functions/app/workflow-notices.ts). Meant to run on a schedule; its result counts what it told and what failed.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { jsonLines } from "../api/logging";
import { createWorkflowNotices } from "../app/workflow-notices";
import { systemClock } from "../domain/clock";
import { createWorkflowOutboxStore } from "../store/workflow-outbox";
import { createWorkflowStateStore } from "../store/workflow-state";
import { createStepFunctionsWorkflow } from "../workflow/step-functions";
import { DEFAULT_WORKFLOW_TIMING } from "../workflow/timing";
import { requiredEnv } from "./env";

const table = { client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName: requiredEnv("TABLE_NAME") };
const notices = createWorkflowNotices({
  workflow: createStepFunctionsWorkflow({
    client: new SFNClient({}),
    stateMachineArn: requiredEnv("WORKFLOW_STATE_MACHINE_ARN"),
    timing: DEFAULT_WORKFLOW_TIMING,
    workflowState: createWorkflowStateStore(table),
    clock: systemClock,
  }),
  outbox: createWorkflowOutboxStore(table),
  log: jsonLines((line) => process.stdout.write(line)),
});

export const handler = () => notices.reconcile();
