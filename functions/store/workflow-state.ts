/**
 * What the workflow keeps about an agreement's execution, next to the agreement (which `applyChanges` replaces
 * whole, so nothing of the workflow's may live on it): the current generation, the decision's task token and the
 * last failure. Plus two registries: the agreements whose workflow is not finished, which the reconciler reads page
 * by page (functions/workflow/reconcile.ts) to find executions that are missing, ended or stale; and those whose
 * workflow failed, which the dashboard lists without reading every open workflow's state. Each registry entry is
 * written in the same transaction as the state it reflects. docs/data-model.md describes the items.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { agreementPartition, parseItem, type Item, type ItemKey } from "./items";
import { TABLE_DEFINITION } from "./table";
import { batchGetItems } from "./batch-get";
import { queryPartition, queryPartitionPage } from "./query";
import { unlessAtFormat } from "./derived-entries";

const WORKFLOW_SORT_KEY = "WORKFLOW";
const OPEN_WORKFLOWS_PARTITION = "WORKFLOWS#OPEN";
const FAILED_WORKFLOWS_PARTITION = "WORKFLOWS#FAILED";
const REGISTRY_ENTRY_PREFIX = "AGREEMENT#";

const failureSchema = z.object({
  at: z.iso.datetime(),
  generation: z.number().int().min(0),
  error: z.string(),
  cause: z.string(),
});
export type WorkflowFailure = z.infer<typeof failureSchema>;

const workflowStateSchema = z.object({
  agreementId: z.string(),
  /** Executions are named `<agreementId>-g<generation>`; only the current generation acts. */
  generation: z.number().int().min(0),
  generationStartedAt: z.iso.datetime(),
  /** The current generation reached its end: nothing was left to do. */
  finished: z.boolean(),
  /** The callback AwaitDecision waits on; recording the decision completes it. */
  decisionToken: z.string().optional(),
  /** Set when a task failed after its retries; cleared once the workflow catches up again. */
  failure: failureSchema.optional(),
  updatedAt: z.iso.datetime(),
});
export type WorkflowState = z.infer<typeof workflowStateSchema>;

export interface WorkflowStateStore {
  get(agreementId: string): Promise<WorkflowState | null>;
  /**
   * Makes `generation` the current one (0 when there is none yet, otherwise the one after the current), clearing
   * the token and any failure. False when another caller already moved the generation on.
   */
  beginGeneration(agreementId: string, generation: number, now: Date): Promise<boolean>;
  /** Saves the decision callback of `generation`; false when a newer generation has taken over. */
  saveDecisionToken(agreementId: string, generation: number, token: string, now: Date): Promise<boolean>;
  recordFailure(agreementId: string, failure: WorkflowFailure): Promise<void>;
  /** The generation got past its failure (it was started again and caught up). */
  clearFailure(agreementId: string, generation: number, now: Date): Promise<void>;
  /** The generation has nothing left to do. */
  finish(agreementId: string, generation: number, now: Date): Promise<void>;
  /**
   * Agreements whose workflow has a generation that has not finished, by id: a page of at most `limit` after the
   * id `after`; the returned `after` continues, null at the end.
   */
  listUnfinished(page: { limit: number; after: string | null }): Promise<{ agreementIds: string[]; after: string | null }>;
  /** The states of unfinished workflows that recorded a failure: the failed registry's Query, then a BatchGetItem. */
  listFailed(): Promise<(WorkflowState & { failure: WorkflowFailure })[]>;
}

export interface WorkflowStateStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

function workflowStateKey(agreementId: string): ItemKey {
  return { pk: agreementPartition(agreementId), sk: WORKFLOW_SORT_KEY };
}

function unfinishedKey(agreementId: string): ItemKey {
  return { pk: OPEN_WORKFLOWS_PARTITION, sk: `${REGISTRY_ENTRY_PREFIX}${agreementId}` };
}

function failedKey(agreementId: string): ItemKey {
  return { pk: FAILED_WORKFLOWS_PARTITION, sk: `${REGISTRY_ENTRY_PREFIX}${agreementId}` };
}

const registryEntrySchema = z.object({ agreementId: z.string() });

export function createWorkflowStateStore({ client, tableName }: WorkflowStateStoreOptions): WorkflowStateStore {
  const { partitionKey } = TABLE_DEFINITION;

  const listUnfinished: WorkflowStateStore["listUnfinished"] = async ({ limit, after }) => {
    const { items, next } = await queryPartitionPage(client, tableName, OPEN_WORKFLOWS_PARTITION, {
      limit,
      ...(after === null ? {} : { exclusiveStartKey: { ...unfinishedKey(after) } }),
    });
    const agreementIds = items.map((item) => parseItem(item, registryEntrySchema).agreementId);
    return { agreementIds, after: next === null ? null : agreementIds.at(-1)! };
  };

  /**
   * One write of the state item, only while it does not exist yet (`generation: null`) or is at `generation`;
   * `also` joins the same transaction. False when the condition failed.
   */
  async function writeState(
    agreementId: string,
    onlyAt: { generation: number | null },
    change: { set: Record<string, unknown>; remove?: string[] },
    also: ({ Put: { TableName: string; Item: Item } } | { Delete: { TableName: string; Key: ItemKey } })[] = [],
  ): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const assignments = Object.entries(change.set).map(([attribute, value], index) => {
      names[`#set${index}`] = attribute;
      values[`:set${index}`] = value;
      return `#set${index} = :set${index}`;
    });
    const removals = (change.remove ?? []).map((attribute, index) => {
      names[`#remove${index}`] = attribute;
      return `#remove${index}`;
    });
    let condition: string;
    if (onlyAt.generation === null) {
      names["#pk"] = partitionKey;
      condition = "attribute_not_exists(#pk)";
    } else {
      names["#generation"] = "generation";
      values[":generation"] = onlyAt.generation;
      condition = "#generation = :generation";
    }
    const stateUpdate = {
      TableName: tableName,
      Key: { ...workflowStateKey(agreementId) },
      UpdateExpression: `SET ${assignments.join(", ")}${removals.length > 0 ? ` REMOVE ${removals.join(", ")}` : ""}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    try {
      if (also.length === 0) await client.send(new UpdateCommand(stateUpdate));
      else await client.send(new TransactWriteCommand({ TransactItems: [{ Update: stateUpdate }, ...also] }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed") return false;
      throw error;
    }
  }

  return {
    async get(agreementId) {
      const output = await client.send(new GetCommand({ TableName: tableName, Key: { ...workflowStateKey(agreementId) }, ConsistentRead: true }));
      return output.Item === undefined ? null : parseItem(output.Item, workflowStateSchema);
    },

    beginGeneration(agreementId, generation, now) {
      const at = now.toISOString();
      return writeState(
        agreementId,
        { generation: generation === 0 ? null : generation - 1 },
        {
          set: { agreementId, generation, generationStartedAt: at, finished: false, updatedAt: at },
          remove: ["decisionToken", "failure"],
        },
        [
          { Put: { TableName: tableName, Item: { ...unfinishedKey(agreementId), agreementId } } },
          { Delete: { TableName: tableName, Key: { ...failedKey(agreementId) } } },
        ],
      );
    },

    saveDecisionToken(agreementId, generation, token, now) {
      return writeState(agreementId, { generation }, { set: { decisionToken: token, updatedAt: now.toISOString() } });
    },

    async recordFailure(agreementId, failure) {
      await writeState(agreementId, { generation: failure.generation }, { set: { failure, updatedAt: failure.at } }, [
        { Put: { TableName: tableName, Item: { ...failedKey(agreementId), agreementId } } },
      ]);
    },

    async clearFailure(agreementId, generation, now) {
      await writeState(agreementId, { generation }, { set: { updatedAt: now.toISOString() }, remove: ["failure"] }, [
        { Delete: { TableName: tableName, Key: { ...failedKey(agreementId) } } },
      ]);
    },

    async finish(agreementId, generation, now) {
      await writeState(
        agreementId,
        { generation },
        { set: { finished: true, updatedAt: now.toISOString() }, remove: ["decisionToken"] },
        [
          { Delete: { TableName: tableName, Key: { ...unfinishedKey(agreementId) } } },
          { Delete: { TableName: tableName, Key: { ...failedKey(agreementId) } } },
        ],
      );
    },

    listUnfinished,

    async listFailed() {
      const entries = await queryPartition(client, tableName, FAILED_WORKFLOWS_PARTITION);
      const agreementIds = entries.map((item) => parseItem(item, registryEntrySchema).agreementId);
      const states = (await batchGetItems(client, tableName, agreementIds.map(workflowStateKey))).map((item) => parseItem(item, workflowStateSchema));
      return states.filter((state): state is WorkflowState & { failure: WorkflowFailure } => state.failure !== undefined);
    },
  };
}

const FAILED_REGISTRY_FORMAT_MARKER = { pk: "WORKFLOWS_FAILED_FORMAT", sk: "FORMAT" } as const;
/** The failed registry's format; a table whose marker names another, or none, has its failures registered again. */
const FAILED_REGISTRY_FORMAT = 1;

/**
 * Unless the table's marker names the failed registry's format: registers every unfinished workflow that recorded a
 * failure, as versions before the registry kept them only on the state. Run on start, as the local runtime does;
 * an entry written twice is the same entry. Returns how many it registered (0 also when the table was at the format).
 */
export async function registerFailedWorkflowsIfOutdated(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  const store = createWorkflowStateStore({ client, tableName });
  return unlessAtFormat({ client, tableName }, { marker: FAILED_REGISTRY_FORMAT_MARKER, format: FAILED_REGISTRY_FORMAT }, async () => {
    let registered = 0;
    let after: string | null = null;
    do {
      const page = await store.listUnfinished({ limit: 100, after });
      const states = (await batchGetItems(client, tableName, page.agreementIds.map(workflowStateKey))).map((item) => parseItem(item, workflowStateSchema));
      for (const { agreementId } of states.filter((state) => state.failure !== undefined)) {
        await client.send(new PutCommand({ TableName: tableName, Item: { ...failedKey(agreementId), agreementId } }));
        registered++;
      }
      after = page.after;
    } while (after !== null);
    return registered;
  });
}
