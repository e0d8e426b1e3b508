import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createAgreementStore } from "./agreements";
import { createCalendarFeedStore } from "./calendar-feeds";
import { createFreshLinkRequestStore } from "./fresh-link-requests";
import { createRateLimitStore } from "./rate-limits";
import { createReminderStore } from "./reminders";
import { createReportLinkStore } from "./report-links";
import { createReportStore } from "./reports";
import { createSessionStore } from "./sessions";
import { createUndeliverableAddressStore } from "./undeliverable-addresses";
import { createReportSchedule } from "./report-schedule";
import { createAddressLinks } from "./address-links";
import { createWorkflowOutboxStore } from "./workflow-outbox";
import { createWorkflowStateStore } from "./workflow-state";

/** Every store on the one table, as the API needs them: built the same way in Lambda and in the local runtime. */
export function createStores({
  client,
  tableName,
  cursorSecret,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Signs list cursors; every process serving the table needs the same one. */
  cursorSecret: string | Uint8Array;
}) {
  const table = { client, tableName };
  return {
    agreements: createAgreementStore({ ...table, cursorSecret }),
    calendarFeeds: createCalendarFeedStore(table),
    reminders: createReminderStore(table),
    sessions: createSessionStore(table),
    workflowState: createWorkflowStateStore(table),
    workflowOutbox: createWorkflowOutboxStore(table),
    reports: createReportStore(table),
    reportLinks: createReportLinkStore(table),
    freshLinkRequests: createFreshLinkRequestStore(table),
    rateLimits: createRateLimitStore(table),
    undeliverableAddresses: createUndeliverableAddressStore(table),
    reportSchedule: createReportSchedule(table),
    addressLinks: createAddressLinks(table),
  };
}

export type Stores = ReturnType<typeof createStores>;
