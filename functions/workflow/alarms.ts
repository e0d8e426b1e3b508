/**
 * The workflow's CloudWatch metrics, each written as one Embedded Metric Format log line: Lambda's log delivery
 * turns it into the metric, which the Workflow stack alarms on. No SDK call (and no PutMetricData permission), so
 * raising one cannot fail the way the work being reported did.
 */
import type { SFNClient } from "@aws-sdk/client-sfn";
import type { ReconcileReport } from "./reconcile";
import type { AlarmSink } from "./tasks";

const NAMESPACE = "IopLifecycle";
/** Every metric's one dimension: the state machine's name, so stages do not share an alarm. */
const DIMENSION = "StateMachine";

export interface WorkflowMetric {
  namespace: string;
  name: string;
  dimension: string;
}

export const WORKFLOW_FAILURE_METRIC = { namespace: NAMESPACE, name: "WorkflowFailures", dimension: DIMENSION } as const;

/**
 * Executions the app stops itself because a newer generation supersedes them (functions/workflow/step-functions.ts).
 * Step Functions counts them as aborted; the alarm on aborted executions subtracts these.
 */
export const SUPERSEDED_METRIC = { namespace: NAMESPACE, name: "WorkflowExecutionsSuperseded", dimension: DIMENSION } as const;

/**
 * What a reconciler run put right (functions/workflow/reconcile.ts): untold changes told and executions restarted,
 * each something that had stopped silently. Written on every run, zero included.
 */
export const RECONCILER_REPAIRS_METRIC = { namespace: NAMESPACE, name: "ReconcilerRepairs", dimension: DIMENSION } as const;

/** What a reconciler run found broken and could not repair (a step or an agreement failed); the next run tries again. */
export const RECONCILER_FAILURES_METRIC = { namespace: NAMESPACE, name: "ReconcilerFailures", dimension: DIMENSION } as const;

/** One EMF line: each metric's value under its name, the dimension, and the details for the log. */
function metricLine(stateMachineName: string, values: ReadonlyArray<[WorkflowMetric, number]>, details: object): string {
  return JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        { Namespace: NAMESPACE, Dimensions: [[DIMENSION]], Metrics: values.map(([metric]) => ({ Name: metric.name, Unit: "Count" })) },
      ],
    },
    [DIMENSION]: stateMachineName,
    ...Object.fromEntries(values.map(([metric, value]) => [metric.name, value])),
    ...details,
  });
}

export function createMetricAlarmSink(stateMachineName: string, write: (line: string) => void = console.log): AlarmSink {
  return {
    async raise(alarm) {
      const message = `The workflow of agreement ${alarm.agreementId} failed (generation ${alarm.generation}): ${alarm.error}`;
      write(metricLine(stateMachineName, [[WORKFLOW_FAILURE_METRIC, 1]], { message, ...alarm }));
    },
  };
}

/** Makes `client` write a {@link SUPERSEDED_METRIC} line for every execution it stops. */
export function countSupersededExecutions(client: SFNClient, stateMachineName: string, write: (line: string) => void = console.log): SFNClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === "StopExecutionCommand") {
        write(metricLine(stateMachineName, [[SUPERSEDED_METRIC, 1]], { message: "Stopped a superseded workflow execution" }));
      }
      return result;
    },
    { step: "initialize", name: "countSupersededExecutions" },
  );
  return client;
}

/**
 * A reconciler run's report as its metric line: {@link RECONCILER_REPAIRS_METRIC} and
 * {@link RECONCILER_FAILURES_METRIC}, each step's counts, and `details` (the request id).
 */
export function reconcilerMetricLine(stateMachineName: string, report: ReconcileReport, details: object = {}): string {
  const message = `Reconciled: ${report.repaired} repaired, ${report.failed} failed`;
  const values: Array<[WorkflowMetric, number]> = [
    [RECONCILER_REPAIRS_METRIC, report.repaired],
    [RECONCILER_FAILURES_METRIC, report.failed],
  ];
  return metricLine(stateMachineName, values, { message, steps: report.steps, ...details });
}
