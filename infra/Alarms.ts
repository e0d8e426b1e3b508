import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
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
  return {
    topic,
    notify(alarm) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    },
  };
}

export interface AlarmsExports {
  topic: Topic;
  /** Sends the alarm's ALARM and OK transitions to the alarm topic. */
  notify(alarm: cloudwatch.Alarm): void;
}
