import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as ses from "aws-cdk-lib/aws-ses";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Function, Topic, use, type StackContext } from "sst/constructs";
import { Alarms } from "./Alarms";
import { readDeployConfig } from "./config";
import { EMAIL_EVENTS_ENVIRONMENT } from "./environment";
import { functionLogGroup } from "./logs";
import { grantTableAccess, TABLE_ACCESS } from "./permissions";
import { Storage } from "./Storage";

/** The Lambda entry point that records bounces and complaints, relative to the project root. */
export const EMAIL_EVENTS_HANDLER = "functions/handlers/email-events.handler";

/**
 * SES's account-wide reputation thresholds: at a 5 % bounce or 0.1 % complaint rate AWS puts the account under
 * review (and may pause sending at twice that), so the alarms go off there.
 */
export const REPUTATION_ALARMS = { bounceRate: 0.05, complaintRate: 0.001 } as const;

/**
 * Outgoing email. The SES identity mail is sent from: the sender address itself, or its whole domain when
 * IOP_EMAIL_IDENTITY names one (then the DKIM records in the outputs must be published in DNS); or, when
 * IOP_EMAIL_IDENTITY_EXISTS is set, an identity that already exists in the account (another stage's, or one IT
 * manages), used by name and not created, as creating it a second time fails the deploy.
 * Every email goes through a configuration set that publishes bounces and complaints to an SNS topic; a function
 * subscribed to it marks those addresses undeliverable in the table. A new SES account is in the sandbox: it only
 * delivers to verified addresses until production access is granted (docs/deploy.md).
 */
export function Email({ app, stack }: StackContext) {
  const config = readDeployConfig(app.stage, process.env);
  const { emailIdentity } = config;
  const { table } = use(Storage);
  const alarms = use(Alarms);

  if (!config.emailIdentityExists) {
    const identity = new ses.EmailIdentity(stack, "Sender", {
      identity:
        emailIdentity.kind === "email"
          ? ses.Identity.email(emailIdentity.value)
          : ses.Identity.domain(emailIdentity.value),
    });
    if (emailIdentity.kind === "domain") {
      stack.addOutputs(
        Object.fromEntries(
          identity.dkimRecords.map((record, index) => [`DkimRecord${index + 1}`, `${record.name} CNAME ${record.value}`]),
        ),
      );
    }
  }

  const configurationSetName = `${app.stage}-${app.name}`;
  const configurationSet = new ses.ConfigurationSet(stack, "Delivery", { configurationSetName });
  const deliveryEvents = new Topic(stack, "DeliveryEvents");
  configurationSet.addEventDestination("BouncesAndComplaints", {
    destination: ses.EventDestination.snsTopic(deliveryEvents.cdk.topic),
    events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
  });

  const eventsFunction = new Function(stack, "EmailEventsFunction", {
    handler: EMAIL_EVENTS_HANDLER,
    description: "IOP Lifecycle: marks addresses SES reports bounced or complaining",
    memorySize: "256 MB",
    timeout: "30 seconds",
    logGroup: functionLogGroup(stack, "EmailEventsFunction", config.production),
    environment: { [EMAIL_EVENTS_ENVIRONMENT.tableName]: table.tableName },
  });
  deliveryEvents.cdk.topic.addSubscription(new subscriptions.LambdaSubscription(eventsFunction));
  grantTableAccess(table, eventsFunction, TABLE_ACCESS.EmailEvents);

  const reputationAlarm = (id: string, alarmDescription: string, metricName: string, threshold: number) =>
    alarms.notify(
      new cloudwatch.Alarm(stack, id, {
        alarmDescription,
        metric: new cloudwatch.Metric({
          namespace: "AWS/SES",
          metricName,
          period: Duration.hours(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  reputationAlarm("EmailBounceRate", "SES bounce rate reached 5 %: contacts need correcting before AWS pauses sending", "Reputation.BounceRate", REPUTATION_ALARMS.bounceRate);
  reputationAlarm("EmailComplaintRate", "SES complaint rate reached 0.1 %", "Reputation.ComplaintRate", REPUTATION_ALARMS.complaintRate);

  stack.addOutputs({
    EmailIdentity: emailIdentity.value,
    EmailSender: config.emailSender,
    EmailConfigurationSet: configurationSetName,
  });

  return {
    identityName: emailIdentity.value,
    configurationSetName,
    eventsFunction,
    sender: config.emailSender,
    teamMailbox: config.teamMailbox,
  };
}
