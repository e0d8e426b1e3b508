import { readFileSync } from "node:fs";
import path from "node:path";
import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Function, use, type App, type StackContext } from "sst/constructs";
import { useProject } from "sst/project.js";
import { SUPERSEDED_METRIC, WORKFLOW_FAILURE_METRIC } from "../functions/workflow/alarms";
import { functionArnPlaceholder, TASK_FUNCTIONS, type TaskFunction } from "../functions/workflow/definition";
import { Alarms } from "./Alarms";
import { Api } from "./Api";
import { readDeployConfig } from "./config";
import { Email } from "./Email";
import { API_ENVIRONMENT, WORKFLOW_ENVIRONMENT } from "./environment";
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

/**
 * Named rather than generated, so its ARN is known without a reference to it: the task functions (ContinueAsNew
 * starts executions of it) and the API function can be given it while the state machine refers to the functions.
 */
export function workflowStateMachineName(app: App): string {
  return `${app.stage}-${app.name}-agreement`;
}

/**
 * The agreement workflow: the Standard state machine from agreement.asl.json, its four task functions, and alarms
 * on failures. The API function (from the Api stack) gets the state machine's ARN and the rights to start, stop
 * and describe executions and to complete decision callbacks. docs/workflow.md describes the workflow.
 */
export function Workflow({ app, stack }: StackContext) {
  const config = readDeployConfig(app.stage, process.env);
  const { table } = use(Storage);
  const email = use(Email);
  const alarms = use(Alarms);
  const { api, handler: apiFunction } = use(Api);

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

  // The API drives the workflow. Granted here, on ARNs built from the name, so the Api stack needs nothing of this one.
  const forApi = arnsIn(Stack.of(apiFunction));
  apiFunction.addEnvironment(API_ENVIRONMENT.workflowStateMachineArn, forApi.stateMachine);
  apiFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ["states:StartExecution", "states:SendTaskSuccess"], resources: [forApi.stateMachine] }));
  apiFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ["states:StopExecution", "states:DescribeExecution"], resources: [forApi.executions] }));

  const fiveMinuteSum = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
  const alarmOnAny = (id: string, alarmDescription: string, metric: cloudwatch.IMetric) =>
    alarms.notify(
      new cloudwatch.Alarm(stack, id, {
        alarmDescription,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  alarmOnAny(
    "WorkflowFailures",
    "An agreement's workflow failed after its retries (RecordFailure); the agreement's workflow state says why",
    new cloudwatch.Metric({
      namespace: WORKFLOW_FAILURE_METRIC.namespace,
      metricName: WORKFLOW_FAILURE_METRIC.name,
      dimensionsMap: { [WORKFLOW_FAILURE_METRIC.dimension]: stateMachineName },
      ...fiveMinuteSum,
    }),
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
        superseded: new cloudwatch.Metric({
          namespace: SUPERSEDED_METRIC.namespace,
          metricName: SUPERSEDED_METRIC.name,
          dimensionsMap: { [SUPERSEDED_METRIC.dimension]: stateMachineName },
          ...fiveMinuteSum,
        }),
      },
      period: fiveMinuteSum.period,
    }),
  );

  stack.addOutputs({ WorkflowStateMachineArn: stateMachine.stateMachineArn });

  return { stateMachine, functions };
}
