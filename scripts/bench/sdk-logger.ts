/**
 * What the SDK's logger middleware costs (functions/sdk-logger.ts says why): raw reads on DynamoDB Local from a
 * client with the SDK's default logger and from one with the app's logger, which has no `info`. The two clients
 * take turns (A B A B), so drift in the shared machine's load falls on both.
 */
import { DynamoDBClient, GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { randomUUID } from "node:crypto";
import { startDynamoDbLocal } from "../../functions/local/dynamodb";
import { SDK_LOGGER } from "../../functions/sdk-logger";
import { ensureTable, TABLE_DEFINITION } from "../../functions/store/table";
import { benchAgreement, rawAgreementKey, writeAgreements } from "./agreements";
import { machine } from "./machine";
import { closedLoopRate, CONNECTIONS } from "./serving";

const SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 10);
const AGREEMENTS = 100;

export async function sdkLogger(): Promise<string> {
  const dynamoDbLocal = await startDynamoDbLocal({ dataDir: null });
  const connection = { endpoint: dynamoDbLocal.endpoint, region: "eu-north-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
  const clients = { "SDK default logger": new DynamoDBClient(connection), "No `info` (functions/sdk-logger.ts)": new DynamoDBClient({ ...connection, logger: SDK_LOGGER }) };
  try {
    const tableName = `bench-${randomUUID()}`;
    const [first] = Object.values(clients);
    await ensureTable(first!, tableName);
    const agreements = Array.from({ length: AGREEMENTS }, (_, index) => benchAgreement(`bench-${index}`, { title: `Partnerskap ${index}`, status: "active" }));
    await writeAgreements(DynamoDBDocumentClient.from(first!), tableName, agreements);
    const key = rawAgreementKey(agreements[0]!.id);
    const reads = {
      "GetItem of one agreement": (client: DynamoDBClient) => client.send(new GetItemCommand({ TableName: tableName, Key: key })),
      "Query of a first page (26 agreements)": (client: DynamoDBClient) =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: "byStatus",
            KeyConditionExpression: "#status = :status",
            ExpressionAttributeNames: { "#status": TABLE_DEFINITION.globalIndexes.byStatus.partitionKey },
            ExpressionAttributeValues: { ":status": { S: "active" } },
            Limit: 26,
          }),
        ),
    };
    const rows = [];
    for (const [read, send] of Object.entries(reads)) {
      const figures: Record<string, { rate: number; cpuMsPerCall: number }[]> = {};
      for (let round = 0; round < 2; round++) {
        for (const [name, client] of Object.entries(clients)) {
          await closedLoopRate(() => send(client), SECONDS).then((measured) => (figures[name] ??= []).push(measured));
        }
      }
      const mean = (values: { rate: number; cpuMsPerCall: number }[]) => ({
        rate: values.reduce((sum, value) => sum + value.rate, 0) / values.length,
        cpuMsPerCall: values.reduce((sum, value) => sum + value.cpuMsPerCall, 0) / values.length,
      });
      const [withInfo, withoutInfo] = Object.values(figures).map(mean);
      console.log(`sdk-logger: ${read}: ${withInfo!.rate.toFixed(0)} vs ${withoutInfo!.rate.toFixed(0)} calls/s`);
      rows.push(
        `| ${read} | ${withInfo!.rate.toFixed(0)} calls/s, ${withInfo!.cpuMsPerCall.toFixed(3)} ms CPU | ` +
          `${withoutInfo!.rate.toFixed(0)} calls/s, ${withoutInfo!.cpuMsPerCall.toFixed(3)} ms CPU | ` +
          `${(withoutInfo!.rate / withInfo!.rate).toFixed(2)}× | ${(withoutInfo!.cpuMsPerCall / withInfo!.cpuMsPerCall).toFixed(2)}× |`,
      );
    }
    return [
      `## The AWS SDK's logger`,
      ``,
      `Raw reads on DynamoDB Local, ${CONNECTIONS} at a time for ${SECONDS} s, from a client with the SDK's default logger (an \`info\``,
      `that does nothing, so the middleware filters every request and answer for it) and from one with the app's logger`,
      `(no \`info\`: the filter is skipped), in turns A B A B, averaged. CPU is the benchmark process's own per call: the`,
      `client's share, apart from the emulator's. Every SDK client of the app uses the second (functions/sdk-logger.ts).`,
      ``,
      `| Read | SDK default logger | No \`info\` | Rate | CPU a call |`,
      `| --- | --- | --- | --- | --- |`,
      ...rows,
      ``,
      machine(process.version),
    ].join("\n");
  } finally {
    for (const client of Object.values(clients)) client.destroy();
    await dynamoDbLocal.stop();
  }
}
