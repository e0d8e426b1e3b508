/**
 * Lambda entry point of the reconciler (functions/workflow/reconcile.ts), invoked on a schedule (infra/Workflow.ts).
 * It runs the steps the local runtime runs, on the application composed as the API's is (functions/composition.ts)
 * and on Step Functions: what is left in the outbox told, executions that are missing, ended or stale restarted,
 * requested report links sent. Each run ends with one JSON line carrying Lambda's request id and the run's
 * ReconcilerRepairs and ReconcilerFailures metrics (Embedded Metric Format), which the repairs alarm counts.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { jsonLines } from "../api/logging";
import type { Log } from "../app/ports";
import { composeApplication, type PlaceClients } from "../composition";
import { systemClock } from "../domain/clock";
import { SDK_LOGGER } from "../sdk-logger";
import { createTableClient } from "../store/client";
import { createStores } from "../store/stores";
import { countSupersededExecutions, reconcilerMetricLine } from "../workflow/alarms";
import { reconcile, reconcilerSteps, repairExecutions, STEP_FUNCTIONS_HANDOVER_MS, type ReconcileReport, type ReconcileStep } from "../workflow/reconcile";
import { createStepFunctionsInspector, createStepFunctionsWorkflow } from "../workflow/step-functions";
import { DEFAULT_WORKFLOW_TIMING } from "../workflow/timing";
import { emailFromEnvironment, requiredEnv } from "./env";

export interface AwsReconcilerClients extends PlaceClients {
  table: { client: DynamoDBDocumentClient; tableName: string };
  stepFunctions: { client: SFNClient; stateMachineArn: string };
}

/** The reconciler's steps on the table and Step Functions; what the handler runs, and what the tests run. */
export function createAwsReconciler(clients: AwsReconcilerClients): ReconcileStep[] {
  const { table, stepFunctions, clock, log } = clients;
  // Its list cursors never leave the function: a secret of its own per container will do.
  const stores = createStores({ ...table, cursorSecret: randomBytes(32) });
  const options = { ...stepFunctions, timing: DEFAULT_WORKFLOW_TIMING };
  const workflow = createStepFunctionsWorkflow({ ...options, workflowState: stores.workflowState, clock });
  const repair = repairExecutions({
    agreements: stores.agreements,
    workflowState: stores.workflowState,
    workflow,
    executions: createStepFunctionsInspector(options),
    clock,
    timing: DEFAULT_WORKFLOW_TIMING,
    handoverMs: STEP_FUNCTIONS_HANDOVER_MS,
    log: ({ repaired, ...entry }) =>
      log(repaired ? { level: "info", message: "The reconciler restarted a workflow", ...entry } : { level: "error", message: "The reconciler could not repair a workflow", ...entry }),
  });
  return reconcilerSteps(composeApplication(clients, stores, workflow), repair);
}

const write = jsonLines((line) => process.stdout.write(line));
let requestId: string | undefined;
// Lambda runs one invocation at a time per container, so every record of a run carries that run's request id.
const log: Log = (record) => write({ ...record, requestId });
let reconciler: { steps: ReconcileStep[]; stateMachineName: string } | undefined;

export async function handler(_event: unknown, context: Context): Promise<ReconcileReport> {
  requestId = context.awsRequestId;
  reconciler ??= reconcilerFromEnvironment();
  const report = await reconcile(reconciler.steps);
  process.stdout.write(`${reconcilerMetricLine(reconciler.stateMachineName, report, { requestId })}\n`);
  return report;
}

/** Built once per container from the function's environment (set by infra/Workflow.ts). */
function reconcilerFromEnvironment(): { steps: ReconcileStep[]; stateMachineName: string } {
  const stateMachineArn = requiredEnv("WORKFLOW_STATE_MACHINE_ARN");
  const stateMachineName = stateMachineArn.split(":").at(-1)!;
  const steps = createAwsReconciler({
    table: { client: DynamoDBDocumentClient.from(createTableClient()), tableName: requiredEnv("TABLE_NAME") },
    stepFunctions: {
      // Pages of running executions, and a DescribeExecution for each open agreement not among them: adaptive
      // retries slow the run down to Step Functions' rate rather than giving up when throttled.
      client: countSupersededExecutions(new SFNClient({ retryMode: "adaptive", maxAttempts: 10, logger: SDK_LOGGER }), stateMachineName),
      stateMachineArn,
    },
    // The application is composed whole, as the API's is; no step touches attachments, so the function has the
    // bucket's name and no right on it.
    attachments: { client: new S3Client({ logger: SDK_LOGGER }), bucket: requiredEnv("ATTACHMENTS_BUCKET") },
    email: emailFromEnvironment(),
    clock: systemClock,
    appOrigin: new URL(requiredEnv("APP_URL")).origin,
    log,
    newId: randomUUID,
  });
  return { steps, stateMachineName };
}
