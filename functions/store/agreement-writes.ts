/**
 * Writing what the lifecycle decided: every change of one lifecycle result, its audit event, its association
 * links, the workflow notices it calls for and the counters it moves (status-counts.ts), in one DynamoDB
 * transaction guarded by the versions read; then the items derived from the agreements (the text index, the report
 * schedule, the address links).
 */
import { TransactionCanceledException, type CancellationReason } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";
import type { Change } from "../domain/lifecycle";
import { OverlapGuardConflictError, VersionConflictError } from "./errors";
import { agreementItem, associationLinkItem, associationLinkKey, associationNumbers, eventItem } from "./items";
import { overlapGuardWrites, type OverlapGuardRead } from "./overlap-guard";
import { retryDelay } from "./retry";
import { TABLE_DEFINITION } from "./table";
import { syncTextIndex } from "./text-index";
import { syncAddressLinks } from "./address-links";
import { syncReportSchedule } from "./report-schedule";
import { counterUpdates } from "./status-counts";
import { workflowNoticeItem, type WorkflowNotice } from "./workflow-outbox";

/** Attempts for a transaction cancelled only because another transaction held an item at the same moment. */
const MAX_TRANSACTION_ATTEMPTS = 4;

export type ApplyChanges = (changes: readonly Change[], notices?: readonly WorkflowNotice[], overlapGuard?: OverlapGuardRead) => Promise<void>;

export function createAgreementWrites({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): ApplyChanges {
  function transactionItems(change: Change) {
    const { before, after, event } = change;
    const lock =
      before === null
        ? { ConditionExpression: `attribute_not_exists(${TABLE_DEFINITION.partitionKey})` }
        : {
            ConditionExpression: "#version = :readVersion",
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":readVersion": before.version },
          };
    const linkedBefore = before === null ? new Set<string>() : associationNumbers(before);
    const linkedAfter = associationNumbers(after);
    // The lock makes `before` exactly what is stored, so its links are exactly the ones to compare with.
    const linksAdded = [...linkedAfter].filter((number) => !linkedBefore.has(number));
    const linksRemoved = [...linkedBefore].filter((number) => !linkedAfter.has(number));
    return [
      { Put: { TableName: tableName, Item: agreementItem(after), ...lock } },
      // Append-only audit trail: an event, once written, is never replaced, even by a write that slipped past the lock.
      {
        Put: {
          TableName: tableName,
          Item: eventItem(event),
          ConditionExpression: `attribute_not_exists(${TABLE_DEFINITION.partitionKey})`,
        },
      },
      ...linksAdded.map((number) => ({ Put: { TableName: tableName, Item: associationLinkItem(number, after.id) } })),
      ...linksRemoved.map((number) => ({ Delete: { TableName: tableName, Key: { ...associationLinkKey(number, after.id) } } })),
    ];
  }

  return async function applyChanges(changes, notices = [], overlapGuard) {
    if (changes.length === 0) return;
    const perChange = changes.map((change) => ({
      change,
      items: transactionItems(change),
      guards: overlapGuardWrites(tableName, change, overlapGuard),
    }));
    // Notices and the counters go last: a cancellation reason's position then still names the change it
    // belongs to.
    const transactItems = [
      ...perChange.flatMap(({ items, guards }) => [...items, ...guards]),
      ...notices.map((notice) => ({ Put: { TableName: tableName, Item: workflowNoticeItem(notice) } })),
      ...counterUpdates(tableName, changes),
    ];
    // Which change each transaction item belongs to, and whether it is a guard, to explain a cancellation reason.
    const owners = perChange.flatMap(({ change, items, guards }) => [
      ...items.map(() => ({ change, guard: false })),
      ...guards.map(() => ({ change, guard: true })),
    ]);

    for (let attempt = 1; ; attempt++) {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: transactItems }));
        break;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons: CancellationReason[] = error.CancellationReasons ?? [];
        const failedCheck = reasons.findIndex((reason) => reason.Code === "ConditionalCheckFailed");
        const failed = failedCheck === -1 ? undefined : owners[failedCheck];
        if (failed?.guard) throw new OverlapGuardConflictError(failed.change.after.id, { cause: error });
        if (failed !== undefined) {
          throw new VersionConflictError(failed.change.after.id, failed.change.before?.version ?? null, { cause: error });
        }
        // Cancelled because a concurrent transaction held one of the items: nothing was written and the outcome
        // is still open, so try again; the version conditions then decide.
        const contended = reasons.some((reason) => reason.Code === "TransactionConflict");
        if (!contended || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
        await sleep(retryDelay(attempt));
      }
    }
    // Derived from the agreements and written after them (derived-entries.ts), each on its own.
    await Promise.all([
      syncTextIndex(client, tableName, changes),
      syncReportSchedule(client, tableName, changes),
      syncAddressLinks(client, tableName, changes),
    ]);
  };
}
