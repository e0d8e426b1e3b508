import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { use, type StackContext } from "sst/constructs";
import {
  RECONCILER_FAILURES_METRIC,
  RECONCILER_REPAIRS_METRIC,
  SUPERSEDED_METRIC,
  WORKFLOW_FAILURE_METRIC,
  type WorkflowMetric,
} from "../functions/workflow/alarms";
import { Api } from "./Api";
import { Email } from "./Email";
import { Workflow, workflowMetric, workflowStateMachineName } from "./Workflow";

/**
 * One CloudWatch dashboard per stage, `<stage>-iop-lifecycle`, with what the on-call engineer looks at when an
 * alarm goes off: the workflow's executions and failures and the reconciler's repairs, the API's traffic and
 * errors, each function's errors and duration, and SES's sending and reputation. Built last, from the other stacks' resources.
 */
export function Dashboard({ app, stack }: StackContext) {
  const { api, functions: siteFunctions } = use(Api);
  const { stateMachine, functions, reconciler } = use(Workflow);
  const email = use(Email);
  const stateMachineName = workflowStateMachineName(app);
  const sum = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
  const appMetric = (metric: WorkflowMetric) => workflowMetric(metric, stateMachineName, sum);
  const ses = (metricName: string, statistic: string) =>
    new cloudwatch.Metric({ namespace: "AWS/SES", metricName, period: Duration.hours(1), statistic });
  const lambdaFunctions = { ...siteFunctions, ...functions, Reconciler: reconciler, EmailEvents: email.eventsFunction };
  const graph = (title: string, left: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title, left, width: 12, height: 6 });

  const dashboard = new cloudwatch.Dashboard(stack, "Operations", {
    dashboardName: `${app.stage}-${app.name}`,
    defaultInterval: Duration.days(7),
  });
  dashboard.addWidgets(
    graph("Workflow executions", [
      stateMachine.metricStarted(sum),
      stateMachine.metricSucceeded(sum),
      stateMachine.metricFailed(sum),
      stateMachine.metricTimedOut(sum),
      stateMachine.metricAborted(sum),
      appMetric(SUPERSEDED_METRIC),
    ]),
    graph("Workflow failures recorded (RecordFailure), reconciler repairs and failures", [
      appMetric(WORKFLOW_FAILURE_METRIC),
      appMetric(RECONCILER_REPAIRS_METRIC),
      appMetric(RECONCILER_FAILURES_METRIC),
    ]),
  );
  dashboard.addWidgets(
    graph("API requests and errors", [
      api.cdk.httpApi.metricCount(sum),
      api.cdk.httpApi.metricClientError(sum),
      api.cdk.httpApi.metricServerError(sum),
    ]),
    graph("API latency (p90)", [api.cdk.httpApi.metricLatency({ period: Duration.minutes(5), statistic: "p90" })]),
  );
  dashboard.addWidgets(
    graph("Function errors", Object.entries(lambdaFunctions).map(([name, fn]) => fn.metricErrors({ ...sum, label: name }))),
    graph("Function duration (p90)", Object.entries(lambdaFunctions).map(([name, fn]) => fn.metricDuration({ period: Duration.minutes(5), statistic: "p90", label: name }))),
  );
  dashboard.addWidgets(
    graph("Email sent, bounced, complained (account)", [ses("Send", "Sum"), ses("Bounce", "Sum"), ses("Complaint", "Sum")]),
    graph("Email reputation (account)", [ses("Reputation.BounceRate", "Maximum"), ses("Reputation.ComplaintRate", "Maximum")]),
  );

  stack.addOutputs({ DashboardName: dashboard.dashboardName });
}
