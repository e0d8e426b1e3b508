/**
 * What the dashboard reads instead of every agreement: the byNotice keys on agreement items, the report schedule
 * (report-schedule.ts) and the address links (address-links.ts). Agreements and reports written before these
 * existed (a data directory kept from an older version; a deployed table, once, after the deploy that adds them)
 * have none, so on start `rebuildDashboardEntriesIfOutdated` fills them in for every agreement in force, then
 * records the format. Only agreements in force carry any of them, so only those are read. Interrupted, it runs again
 * on the next start; every write is conditioned on the agreement version, so it never undoes a newer change.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Agreement } from "../domain/agreement";
import { writeAddressLinks } from "./address-links";
import { agreementItem, agreementPartition, parseItem } from "./items";
import { fillInUnlessAtFormat } from "./derived-entries";
import type { Page, PageRequest } from "./paging";
import { queryPartition } from "./query";
import { REPORT_ITEM_PREFIX, reviewEntry, scheduledReportSchema, writeOpenEntries } from "./report-schedule";

/** The format of the dashboard's entries; a table whose marker names another, or none, is filled in. */
export const DASHBOARD_ENTRIES_FORMAT = 1;
const FORMAT_MARKER = { pk: "DASHBOARD_ENTRIES", sk: "FORMAT" } as const;

/** Returns how many agreements in force were filled in (0 when the table was up to date). */
export async function rebuildDashboardEntriesIfOutdated(
  client: DynamoDBDocumentClient,
  tableName: string,
  listActive: (request: PageRequest) => Promise<Page<Agreement>>,
): Promise<number> {
  return fillInUnlessAtFormat({ client, tableName }, { marker: FORMAT_MARKER, format: DASHBOARD_ENTRIES_FORMAT }, listActive, async (agreements) => {
    for (const agreement of agreements) await fillIn(client, tableName, agreement);
  });
}

async function fillIn(client: DynamoDBDocumentClient, tableName: string, agreement: Agreement): Promise<void> {
  try {
    // The item again with this code's index keys (byNotice), unless someone changed the agreement meanwhile,
    // whose write carried them already.
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: agreementItem(agreement),
        ConditionExpression: "#version = :version",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":version": agreement.version },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  await writeOpenEntries(client, tableName, agreement, []);
  await writeAddressLinks(client, tableName, agreement);
  const reports = await queryPartition(client, tableName, agreementPartition(agreement.id), REPORT_ITEM_PREFIX);
  for (const report of reports.filter((item) => item.status === "submitted")) {
    await client.send(new PutCommand({ TableName: tableName, Item: reviewEntry(parseItem(report, scheduledReportSchema)) }));
  }
}
