/**
 * Lambda entry point subscribed to the SNS topic of the SES configuration set's bounce and complaint events
 * (infra/Email.ts): each message is one SES event, handed to the use case that marks undeliverable addresses.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context, SNSEvent } from "aws-lambda";
import { jsonLines } from "../api/logging";
import { recordDeliveryEvent } from "../app/undeliverable";
import { createUndeliverableAddressStore } from "../store/undeliverable-addresses";
import { requiredEnv } from "./env";
import { SDK_LOGGER } from "../sdk-logger";

const addresses = createUndeliverableAddressStore({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ logger: SDK_LOGGER })),
  tableName: requiredEnv("TABLE_NAME"),
});
const log = jsonLines((line) => process.stdout.write(line));

export async function handler(event: SNSEvent, context: Context): Promise<void> {
  for (const record of event.Records) {
    const marked = await recordDeliveryEvent({ addresses }, JSON.parse(record.Sns.Message));
    log({
      level: "info",
      message: "delivery event",
      requestId: context.awsRequestId,
      snsMessageId: record.Sns.MessageId,
      undeliverable: marked.map(({ address, reason }) => ({ address, reason })),
    });
  }
}
