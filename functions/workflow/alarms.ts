/**
 * Workflow failures as a CloudWatch metric, written as one Embedded Metric Format log line: Lambda's log
 * delivery turns it into the metric, which the Workflow stack alarms on. No SDK call, so raising it cannot fail
 * the way the task being reported did.
 */
import type { AlarmSink } from "./tasks";

export const WORKFLOW_FAILURE_METRIC = {
  namespace: "IopLifecycle",
  name: "WorkflowFailures",
  /** The metric's one dimension: the state machine's name, so stages do not share an alarm. */
  dimension: "StateMachine",
} as const;

export function createMetricAlarmSink(stateMachineName: string, write: (line: string) => void = console.log): AlarmSink {
  const { namespace, name, dimension } = WORKFLOW_FAILURE_METRIC;
  return {
    async raise(alarm) {
      write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [[dimension]], Metrics: [{ Name: name, Unit: "Count" }] }],
          },
          [dimension]: stateMachineName,
          [name]: 1,
          message: `The workflow of agreement ${alarm.agreementId} failed (generation ${alarm.generation}): ${alarm.error}`,
          ...alarm,
        }),
      );
    },
  };
}
