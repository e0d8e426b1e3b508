import { readFileSync } from "node:fs";
import path from "node:path";
import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as events from "aws-cdk-lib/aws-events";
import * as eventTargets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Function, use, type App, type StackContext } from "sst/constructs";
import { useProject } from "sst/project.js";
import {
  RECONCILER_FAILURES_METRIC,
  RECONCILER_REPAIRS_METRIC,
  SUPERSEDED_METRIC,
  WORKFLOW_FAILURE_METRIC,
  type WorkflowMetric,
} from "../functions/workflow/alarms";
import { functionArnPlaceholder, TASK_FUNCTIONS, type TaskFunction } from "../functions/workflow/definition";
import { Alarms } from "./Alarms";
import { Api } from "./Api";
import { readDeployConfig } from "./config";
import { Email } from "./Email";
import { API_ENVIRONMENT, RECONCILER_ENVIRONMENT, WORKFLOW_ENVIRONMENT } from "./environment";
import { functionLogGroup, logRetention } from "./logs";
import { grantSendEmail, grantTableAccess, TABLE_ACCESS } from "./permissions";
import { Storage } from "./Storage";

/** The state machine definition, deployed as it is; the local engine runs the same file. */
export const WORKFLOW_DEFINITION_FILE = "functions/workflow/agreement.asl.json";

/** Each task's Lambda entry point, relative to the project root. */
export const WORKFLOW_HANDLERS: Record<TaskFunction, string> = {
  CatchUp: "functions/handlers/workflow-catch-up.handler",
  AwaitDecision: "functions/handlers/workflow-await-decision.handler",
  ContinueAsNew: "functions/handlers/workflow-continue-as-new.handler",
  RecordFailure: "functions/handlers/workflow-record-failure.handler",
};

/** The reconciler's Lambda entry point (functions/workflow/reconcile.ts behind it). */
export const RECONCILER_HANDLER = "functions/handlers/reconcile.handler";

/**
 * Named rather than generated, so its ARN is known without a reference to it: the task functions (ContinueAsNew
 * starts executions of it) and the site's functions can be given it while the state machine refers to the functions.
 */
export function workflowStateMachineName(app: App): string {
  return `${app.stage}-${app.name}-agreement`;
}

/** One of the app's workflow metrics (functions/workflow/alarms.ts) for the stage's state machine. */
export function workflowMetric(metric: WorkflowMetric, stateMachineName: string, options: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: metric.namespace, metricName: metric.name, dimensionsMap: { [metric.dimension]: stateMachineName }, ...options });
}

/**
 * The agreement workflow: the Standard state machine from agreement.asl.json, its four task functions, the
 * reconciler on a schedule, and alarms on failures and on repairs. The site's functions (the JSON API's and the
 * pages', from the Api stack) get the state machine's ARN and the rights to start, stop and describe executions and
 * to complete decision callbacks. docs/workflow.md describes the workflow.
 */
export function Workflow({ app, stack }: StackContext) {
  const config = readDeployConfig(app.stage, process.env);
  const { table, attachments } = use(Storage);
  const email = use(Email);
  const alarms = use(Alarms);
  const { api, functions: siteFunctions } = use(Api);

  const stateMachineName = workflowStateMachineName(app);
  const arnsIn = (scope: Stack) => ({
    stateMachine: scope.formatArn({ service: "states", resource: "stateMachine", resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    executions: scope.formatArn({ service: "states", resource: "execution", resourceName: `${stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
  });
  const arns = arnsIn(stack);

  const functions = Object.fromEntries(
    TASK_FUNCTIONS.map((task) => {
      const fn = new Function(stack, `${task}Function`, {
        handler: WORKFLOW_HANDLERS[task],
        description: `IOP Lifecycle workflow task ${task}`,
        memorySize: "512 MB",
        timeout: "60 seconds",
        logGroup: functionLogGroup(stack, `${task}Function`, config.production),
        environment: {
          [WORKFLOW_ENVIRONMENT.tableName]: table.tableName,
          [WORKFLOW_ENVIRONMENT.stateMachineArn]: arns.stateMachine,
          [WORKFLOW_ENVIRONMENT.emailSender]: email.sender,
          [WORKFLOW_ENVIRONMENT.emailConfigurationSet]: email.configurationSetName,
          [WORKFLOW_ENVIRONMENT.teamMailbox]: email.teamMailbox,
          [WORKFLOW_ENVIRONMENT.appUrl]: config.appUrl ?? api.url,
        },
      });
      grantTableAccess(table, fn, TABLE_ACCESS[task]);
      return [task, fn];
    }),
  ) as Record<TaskFunction, Function>;
  grantSendEmail(functions.CatchUp, email.identityName, email.configurationSetName);
  functions.ContinueAsNew.addToRolePolicy(new iam.PolicyStatement({ actions: ["states:StartExecution"], resources: [arns.stateMachine] }));
  functions.AwaitDecision.addToRolePolicy(new iam.PolicyStatement({ actions: ["states:SendTaskSuccess"], resources: [arns.stateMachine] }));

  const stateMachine = new sfn.StateMachine(stack, "AgreementWorkflow", {
    stateMachineName,
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromString(readFileSync(path.join(useProject().paths.root, WORKFLOW_DEFINITION_FILE), "utf8")),
    definitionSubstitutions: Object.fromEntries(TASK_FUNCTIONS.map((task) => [functionArnPlaceholder(task), functions[task].functionArn])),
    // Failed states and executions go to the log with their error, cause and data, which name the agreement; the
    // decision's task token is only in the scheduled task's parameters, which level ERROR does not log. X-Ray traces
    // each execution through its task functions.
    logs: {
      destination: new logs.LogGroup(stack, "AgreementWorkflowLogs", { retention: logRetention(config.production).days }),
      level: sfn.LogLevel.ERROR,
      includeExecutionData: true,
    },
    tracingEnabled: true,
  });
  for (const fn of Object.values(functions)) fn.grantInvoke(stateMachine);

  // The use cases the JSON API and the pages call drive the workflow. Granted here, on ARNs built from the name, so
  // the Api stack needs nothing of this one.
  for (const siteFunction of Object.values(siteFunctions)) {
    const forSite = arnsIn(Stack.of(siteFunction));
    siteFunction.addEnvironment(API_ENVIRONMENT.workflowStateMachineArn, forSite.stateMachine);
    siteFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ["states:StartExecution", "states:SendTaskSuccess"], resources: [forSite.stateMachine] }));
    siteFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ["states:StopExecution", "states:DescribeExecution"], resources: [forSite.executions] }));
  }

  const fiveMinuteSum = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
  const alarmOnAny = (id: string, alarmDescription: string, metric: cloudwatch.IMetric) => alarms.onAny(stack, id, alarmDescription, metric);
  alarmOnAny(
    "WorkflowFailures",
    "An agreement's workflow failed after its retries (RecordFailure); the agreement's workflow state says why",
    workflowMetric(WORKFLOW_FAILURE_METRIC, stateMachineName, fiveMinuteSum),
  );
  alarmOnAny("WorkflowExecutionsFailed", "An agreement workflow execution failed", stateMachine.metricFailed(fiveMinuteSum));
  alarmOnAny("WorkflowExecutionsTimedOut", "An agreement workflow execution timed out", stateMachine.metricTimedOut(fiveMinuteSum));
  // The API stops an execution itself when a newer generation supersedes it (an agreement changed): only the others,
  // stopped by hand or by anything else, leave an agreement without its workflow.
  alarmOnAny(
    "WorkflowExecutionsAborted",
    "An agreement workflow execution was stopped (aborted) other than by a newer generation superseding it",
    new cloudwatch.MathExpression({
      // FILL: either series may have no data point in a period (nothing superseded), which would leave no difference.
      expression: "FILL(aborted, 0) - FILL(superseded, 0)",
      usingMetrics: {
        aborted: stateMachine.metricAborted(fiveMinuteSum),
        superseded: workflowMetric(SUPERSEDED_METRIC, stateMachineName, fiveMinuteSum),
      },
      period: fiveMinuteSum.period,
    }),
  );

  // The reconciler, on a schedule: tells the workflow what is left in the outbox, restarts executions that are
  // missing, ended or stale, and sends requested report links (functions/workflow/reconcile.ts).
  const reconciler = new Function(stack, "ReconcilerFunction", {
    handler: RECONCILER_HANDLER,
    description: "IOP Lifecycle reconciler: tells agreement workflows what they missed and restarts those that stopped",
    memorySize: "512 MB",
    // A page of running executions per 1,000 and a few reads per open agreement, one after the other.
    timeout: "10 minutes",
    logGroup: functionLogGroup(stack, "ReconcilerFunction", config.production),
    environment: {
      [RECONCILER_ENVIRONMENT.tableName]: table.tableName,
      [RECONCILER_ENVIRONMENT.stateMachineArn]: arns.stateMachine,
      [RECONCILER_ENVIRONMENT.attachmentsBucket]: attachments.bucketName,
      [RECONCILER_ENVIRONMENT.emailSender]: email.sender,
      [RECONCILER_ENVIRONMENT.emailConfigurationSet]: email.configurationSetName,
      [RECONCILER_ENVIRONMENT.teamMailbox]: email.teamMailbox,
      [RECONCILER_ENVIRONMENT.appUrl]: config.appUrl ?? api.url,
    },
  });
  grantTableAccess(table, reconciler, TABLE_ACCESS.Reconciler);
  // Requested report links are emailed.
  grantSendEmail(reconciler, email.identityName, email.configurationSetName);
  // As the API drives executions: start, and complete a decision's callback, when an untold change calls for it;
  // list the running executions, describe one that is not among them, stop one a newer generation replaces.
  reconciler.addToRolePolicy(
    new iam.PolicyStatement({ actions: ["states:StartExecution", "states:SendTaskSuccess", "states:ListExecutions"], resources: [arns.stateMachine] }),
  );
  reconciler.addToRolePolicy(new iam.PolicyStatement({ actions: ["states:DescribeExecution", "states:StopExecution"], resources: [arns.executions] }));
  const reconcileEvery = Duration.minutes(config.reconcileMinutes);
  new events.Rule(stack, "ReconcilerSchedule", {
    description: `Runs the IOP Lifecycle reconciler every ${config.reconcileMinutes} minutes`,
    schedule: events.Schedule.rate(reconcileEvery),
    targets: [new eventTargets.LambdaFunction(reconciler)],
  });
  // Each run writes both metrics, zero included: one data point per period, and OK again after a clean run.
  const perRun = { period: reconcileEvery, statistic: cloudwatch.Stats.SUM };
  alarmOnAny(
    "ReconcilerRepairs",
    "The reconciler had to tell agreement workflows changes they had missed, or restart workflows that had stopped silently; its log names them",
    workflowMetric(RECONCILER_REPAIRS_METRIC, stateMachineName, perRun),
  );
  alarmOnAny(
    "ReconcilerFailures",
    "The reconciler found agreement workflows it could not repair; its log says why, and its next run tries again",
    workflowMetric(RECONCILER_FAILURES_METRIC, stateMachineName, perRun),
  );

  stack.addOutputs({ WorkflowStateMachineArn: stateMachine.stateMachineArn });

  return { stateMachine, functions, reconciler };
}
