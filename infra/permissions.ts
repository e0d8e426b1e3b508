/**
 * Least privilege in one table: the DynamoDB actions each Lambda function's code calls (functions/store), granted on
 * the table and on the indexes it queries, by name, and nothing else. A TransactWriteItems is authorised item by
 * item, as the PutItem, UpdateItem or DeleteItem it holds; there is no Transact* action. Adding a store call to a
 * function means adding its action here; test/infra/synth.test.ts checks each role has exactly these.
 */
import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Function, Table } from "sst/constructs";
import { TABLE_DEFINITION, type IndexName } from "../functions/store/table";
import type { TaskFunction } from "../functions/workflow/definition";

export type TableAction = "GetItem" | "BatchGetItem" | "Query" | "PutItem" | "UpdateItem" | "DeleteItem" | "DescribeTable";

export interface TableAccess {
  actions: readonly TableAction[];
  /** The table's global secondary indexes the function queries. */
  indexes: readonly IndexName[];
}

export const TABLE_ACCESS: Record<"Api" | "Web" | TaskFunction | "Reconciler" | "EmailEvents", TableAccess> = {
  // The JSON API uses every store; DescribeTable answers /api/health.
  Api: {
    actions: ["GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "DescribeTable"],
    indexes: Object.keys(TABLE_DEFINITION.globalIndexes) as IndexName[],
  },
  // The pages call the same use cases, and keep the sessions of the browser sign-in; no health check.
  Web: {
    actions: ["GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem"],
    indexes: Object.keys(TABLE_DEFINITION.globalIndexes) as IndexName[],
  },
  // Due transitions (the agreement, then a transaction and the text index: the workflow's transitions read no
  // related agreements), the reminders it claims and marks, the workflow state it clears or finishes.
  CatchUp: { actions: ["GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem"], indexes: [] },
  // Saves the task token on the workflow state, reads the agreement's status.
  AwaitDecision: { actions: ["GetItem", "UpdateItem"], indexes: [] },
  // Begins the next generation (the state, the open-workflows entry and the failed-workflows entry in one
  // transaction), or reads who did.
  ContinueAsNew: { actions: ["GetItem", "UpdateItem", "PutItem", "DeleteItem"], indexes: [] },
  // The workflow state and its failed-workflows entry, in one transaction.
  RecordFailure: { actions: ["UpdateItem", "PutItem"], indexes: [] },
  // Drains the workflow outbox (a Query, a DeleteItem per notice told); reads the open-workflows registry, the
  // agreements by status (the byStatus index), each agreement and its workflow state; begins a generation (an
  // UpdateItem, a PutItem and a DeleteItem) to restart one; takes each fresh-link request (DeleteItem), reads the contact's
  // reports and writes the new link (PutItem).
  Reconciler: { actions: ["GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem"], indexes: ["byStatus"] },
  // One write per bounced or complaining address.
  EmailEvents: { actions: ["PutItem"], indexes: [] },
};

/** Grants `fn` the table actions of `access` on the table and the indexes it names. */
export function grantTableAccess(table: Table, fn: Function, access: TableAccess): void {
  const tableArn = table.tableArn;
  const indexArns = access.indexes.map((index) => `${tableArn}/index/${index}`);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: access.actions.map((action) => `dynamodb:${action}`),
      resources: [tableArn, ...indexArns],
    }),
  );
}

/** `ses:SendEmail` as the sender's identity, through the configuration set that reports bounces and complaints. */
export function grantSendEmail(fn: Function, identityName: string, configurationSetName: string): void {
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ["ses:SendEmail"],
      resources: [
        stack.formatArn({ service: "ses", resource: "identity", resourceName: identityName }),
        stack.formatArn({ service: "ses", resource: "configuration-set", resourceName: configurationSetName }),
      ],
    }),
  );
}
