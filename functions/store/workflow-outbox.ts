/**
 * What the workflow still has to be told, kept in the table: an item per notice, written in the same transaction
 * as the change that calls for it (agreement-writes.ts), deleted once the workflow was told. A change is therefore
 * never saved without a durable record that the workflow must hear of it, and the reconciler
 * (functions/app/workflow-notices.ts) retries what is left. One small partition: items live only until told.
 */
import { DeleteCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { parseItem, type Item, type ItemKey } from "./items";

/** What the workflow must hear of an agreement: the AgreementWorkflow method to call (functions/workflow/port.ts). */
export const WORKFLOW_NOTICE_KINDS = ["ensureRunning", "decisionRecorded", "agreementChanged"] as const;

export const workflowNoticeSchema = z.object({
  agreementId: z.string(),
  kind: z.enum(WORKFLOW_NOTICE_KINDS),
  /** The agreement's version the notice is about; with the kind, what makes a notice unique. */
  version: z.number().int(),
  /** What happened, for the log: "submitted", "decided", "renewed", "changed", … */
  what: z.string(),
  at: z.iso.datetime(),
});
export type WorkflowNotice = z.infer<typeof workflowNoticeSchema>;

const OUTBOX_PARTITION = "WORKFLOW_OUTBOX";

export function workflowNoticeKey(notice: Pick<WorkflowNotice, "agreementId" | "version" | "kind">): ItemKey {
  return { pk: OUTBOX_PARTITION, sk: `${notice.agreementId}#${notice.version}#${notice.kind}` };
}

export function workflowNoticeItem(notice: WorkflowNotice): Item {
  return { ...workflowNoticeKey(notice), ...notice };
}

export interface WorkflowOutboxStore {
  /** Notices not yet told, at most `limit`, by agreement. */
  pending(limit: number): Promise<WorkflowNotice[]>;
  /** The notice was told; removing one already removed is a no-op. */
  remove(notice: WorkflowNotice): Promise<void>;
}

export function createWorkflowOutboxStore({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): WorkflowOutboxStore {
  return {
    async pending(limit) {
      const notices: WorkflowNotice[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const output = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :outbox",
            ExpressionAttributeValues: { ":outbox": OUTBOX_PARTITION },
            ConsistentRead: true,
            ExclusiveStartKey: start,
            Limit: limit - notices.length,
          }),
        );
        notices.push(...(output.Items ?? []).map((item) => parseItem(item, workflowNoticeSchema)));
        start = output.LastEvaluatedKey;
      } while (start !== undefined && notices.length < limit);
      return notices;
    },
    async remove(notice) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { ...workflowNoticeKey(notice) } }));
    },
  };
}
