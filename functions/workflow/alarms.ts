/**
 * Workflow metrics as Embedded Metric Format log lines: Lambda's log delivery turns each line into a CloudWatch
 * metric, which the Workflow stack alarms on. No SDK call, so raising one cannot fail the way the task being
 * reported did.
 */
import type { SFNClient } from "@aws-sdk/client-sfn";
import type { AlarmSink } from "./tasks";

const NAMESPACE = "IopLifecycle";
/** Every metric's one dimension: the state machine's name, so stages do not share an alarm. */
const DIMENSION = "StateMachine";

export const WORKFLOW_FAILURE_METRIC = { namespace: NAMESPACE, name: "WorkflowFailures", dimension: DIMENSION } as const;

/**
 * Executions the app stops itself because a newer generation supersedes them (functions/workflow/step-functions.ts).
 * Step Functions counts them as aborted; the alarm on aborted executions subtracts these.
 */
export const SUPERSEDED_METRIC = { namespace: NAMESPACE, name: "WorkflowExecutionsSuperseded", dimension: DIMENSION } as const;

function metricLine(metric: { namespace: string; name: string; dimension: string }, stateMachineName: string, fields: Record<string, unknown>): string {
  return JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: metric.namespace, Dimensions: [[metric.dimension]], Metrics: [{ Name: metric.name, Unit: "Count" }] }],
    },
    [metric.dimension]: stateMachineName,
    [metric.name]: 1,
    ...fields,
  });
}

export function createMetricAlarmSink(stateMachineName: string, write: (line: string) => void = console.log): AlarmSink {
  return {
    async raise(alarm) {
      const message = `The workflow of agreement ${alarm.agreementId} failed (generation ${alarm.generation}): ${alarm.error}`;
      write(metricLine(WORKFLOW_FAILURE_METRIC, stateMachineName, { message, ...alarm }));
    },
  };
}

/** Makes `client` write a {@link SUPERSEDED_METRIC} line for every execution it stops. */
export function countSupersededExecutions(client: SFNClient, stateMachineName: string, write: (line: string) => void = console.log): SFNClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === "StopExecutionCommand") {
        write(metricLine(SUPERSEDED_METRIC, stateMachineName, { message: "Stopped a superseded workflow execution" }));
      }
      return result;
    },
    { step: "initialize", name: "countSupersededExecutions" },
  );
  return client;
}
