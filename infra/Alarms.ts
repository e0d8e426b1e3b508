import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import { Topic, type StackContext } from "sst/constructs";
import { readDeployConfig } from "./config";

/**
 * Where alarms go: one SNS topic per stage, optionally with the on-call mailbox (IOP_ALARM_EMAIL) subscribed.
 * Other stacks raise their alarms through {@link AlarmsExports.notify}.
 */
export function Alarms({ app, stack }: StackContext): AlarmsExports {
  const config = readDeployConfig(app.stage, process.env);

  const topic = new Topic(stack, "Alarms");
  if (config.alarmEmail !== undefined) {
    topic.cdk.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
  }

  stack.addOutputs({ AlarmTopicArn: topic.topicArn });

  const action = new cloudwatchActions.SnsAction(topic.cdk.topic);
  const notify = (alarm: cloudwatch.Alarm) => {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  };
  return {
    topic,
    notify,
    onAny(scope, id, alarmDescription, metric) {
      notify(
        new cloudwatch.Alarm(scope, id, {
          alarmDescription,
          metric,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    },
  };
}

export interface AlarmsExports {
  topic: Topic;
  /** Sends the alarm's ALARM and OK transitions to the alarm topic. */
  notify(alarm: cloudwatch.Alarm): void;
  /** An alarm through the topic as soon as `metric` reaches 1 in one of its periods (an error, a failure, a 5xx). */
  onAny(scope: Construct, id: string, alarmDescription: string, metric: cloudwatch.IMetric): void;
}
