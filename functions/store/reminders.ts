/**
 * One record per reminder (functions/domain/reminders.ts, reminderKey), in the agreement's partition. A reminder is
 * claimed with a conditional write before its email is sent, so however many executions, retries or replays reach
 * the same reminder, only one of them sends it. Reminders that are `uncertain` are also listed in a registry of
 * their own, written and removed by the same conditional write that changes the status, so the dashboard finds
 * them with one Query. docs/workflow.md describes the statuses; docs/data-model.md the items.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";
import * as z from "zod";
import { calendarDateSchema } from "../domain/agreement";
import { REMINDER_KINDS, reminderKey, SKIP_REASONS, type PlannedReminder, type SkippedReminder } from "../domain/reminders";
import { agreementPartition, parseItem, type ItemKey } from "./items";
import { TABLE_DEFINITION } from "./table";
import { queryPartition } from "./query";
import { retryDelay } from "./retry";

const REMINDER_PREFIX = "REMINDER#";
/** The registry of uncertain reminders: one item per reminder, `<agreement id>#<reminder key>`. */
const UNCERTAIN_PARTITION = "REMINDERS#UNCERTAIN";
/** Attempts for a status change cancelled only because another transaction held the reminder at that moment. */
const MAX_TRANSACTION_ATTEMPTS = 6;

/**
 * - `sending`: claimed by one attempt; the email is being sent. Never claimed again: if the attempt died between
 *   SES accepting the email and the record being marked, sending it again could send it twice. A claim older than
 *   any attempt lives (CLAIM_TIMEOUT_MS, functions/workflow/send-reminders.ts) is settled (settleAbandoned): `sent`
 *   when the mail service shows the email, otherwise `uncertain`.
 * - `pending`: an attempt failed to send it (`lastError`); the next attempt claims it again.
 * - `sent`: SES accepted it (`messageId`).
 * - `uncertain`: sending failed in a way that leaves open whether SES accepted it (a timeout, a lost connection,
 *   a 5xx). Never sent again by the workflow; staff may send it again (claimUncertain).
 * - `skipped`: not sent, on purpose (`skipReason`).
 */
export const REMINDER_STATUSES = ["sending", "pending", "sent", "uncertain", "skipped"] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

const reminderRecordSchema = z.object({
  agreementId: z.string(),
  key: z.string(),
  kind: z.enum(REMINDER_KINDS),
  sendOn: calendarDateSchema,
  concerns: calendarDateSchema,
  requirementId: z.string().optional(),
  status: z.enum(REMINDER_STATUSES),
  recipients: z.array(z.string()),
  attempts: z.number().int().min(0),
  lastError: z.string().optional(),
  messageId: z.string().optional(),
  skipReason: z.enum(SKIP_REASONS).optional(),
  /** Who last asked for an uncertain reminder to be sent again. */
  resentBy: z.string().optional(),
  updatedAt: z.iso.datetime(),
});
export type ReminderRecord = z.infer<typeof reminderRecordSchema>;

const uncertainEntrySchema = reminderRecordSchema.pick({ agreementId: true, key: true, kind: true, sendOn: true, concerns: true, requirementId: true, updatedAt: true });
/** A reminder in the registry of uncertain ones: which reminder, and since when it is uncertain. */
export type UncertainReminder = z.infer<typeof uncertainEntrySchema>;

export interface ReminderStore {
  /** Every reminder record of the agreement, by key. */
  list(agreementId: string): Promise<ReminderRecord[]>;
  /**
   * Records the reminder as `sending` unless it is already recorded in another status than `pending`.
   * True when this caller now owns the send; false when someone else sent, skipped or is sending it.
   */
  claim(agreementId: string, reminder: PlannedReminder, recipients: readonly string[], now: Date): Promise<boolean>;
  /** One record by its key, or null. */
  get(agreementId: string, key: string): Promise<ReminderRecord | null>;
  /** Claims an `uncertain` reminder for sending again, for `resentBy`; false when it is not uncertain. */
  claimUncertain(agreementId: string, reminder: PlannedReminder, recipients: readonly string[], resentBy: string, now: Date): Promise<boolean>;
  /** The claimed reminder went out. */
  markSent(agreementId: string, reminder: PlannedReminder, messageId: string, now: Date): Promise<void>;
  /** Sending the claimed reminder failed; it goes back to `pending` for the next attempt. */
  release(agreementId: string, reminder: PlannedReminder, error: string, now: Date): Promise<void>;
  /** Sending the claimed reminder failed and nobody can know whether SES accepted it: `uncertain`. */
  markUncertain(agreementId: string, reminder: PlannedReminder, error: string, now: Date): Promise<void>;
  /**
   * Settles a claim whose attempt is gone: the record is still `sending` as `record` read it (same updatedAt), and
   * becomes `sent` with the message id the mail service showed, or `uncertain` with the reason. False when the
   * record moved on meanwhile (another attempt settled it, or the one thought gone finished after all).
   */
  settleAbandoned(record: ReminderRecord, outcome: { messageId: string } | { error: string }, now: Date): Promise<boolean>;
  /** Records the reminder as `skipped`, with its reason, unless it was already sent or is being sent. */
  skip(agreementId: string, reminder: SkippedReminder, now: Date): Promise<void>;
  /** Every reminder of every agreement that is `uncertain` now, oldest first: one Query of the registry. */
  listUncertain(): Promise<UncertainReminder[]>;
}

export interface ReminderStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

function recordKey(agreementId: string, key: string): ItemKey {
  return { pk: agreementPartition(agreementId), sk: `${REMINDER_PREFIX}${key}` };
}

function uncertainKey(agreementId: string, key: string): ItemKey {
  return { pk: UNCERTAIN_PARTITION, sk: `${agreementId}#${key}` };
}

/** How a status change touches the registry of uncertain reminders, in the same transaction. */
type RegistryChange = { enter: { updatedAt: string } } | "leave";

export function createReminderStore({ client, tableName }: ReminderStoreOptions): ReminderStore {
  /** An update that only happens while the record is absent or in one of `from`; false when it was not. */
  async function updateIf(
    agreementId: string,
    reminder: PlannedReminder,
    from: { absent: boolean; statuses: readonly ReminderStatus[]; updatedAt?: string },
    change: { set: Record<string, unknown>; setIfAbsent?: Record<string, unknown>; increment?: string; remove?: string[] },
    registry?: RegistryChange,
  ): Promise<boolean> {
    const names: Record<string, string> = { "#status": "status" };
    const values: Record<string, unknown> = {};
    const name = (attribute: string) => {
      const placeholder = `#a${Object.keys(names).length}`;
      names[placeholder] = attribute;
      return placeholder;
    };
    const value = (content: unknown) => {
      const placeholder = `:v${Object.keys(values).length}`;
      values[placeholder] = content;
      return placeholder;
    };
    const assignments = [
      ...Object.entries(change.set).map(([attribute, content]) => `${name(attribute)} = ${value(content)}`),
      ...Object.entries(change.setIfAbsent ?? {}).map(([attribute, content]) => {
        const placeholder = name(attribute);
        return `${placeholder} = if_not_exists(${placeholder}, ${value(content)})`;
      }),
    ];
    if (change.increment !== undefined) {
      const placeholder = name(change.increment);
      assignments.push(`${placeholder} = if_not_exists(${placeholder}, ${value(0)}) + ${value(1)}`);
    }
    const conditions = from.statuses.map((status) => `#status = ${value(status)}`);
    if (from.absent) conditions.push(`attribute_not_exists(${name(TABLE_DEFINITION.partitionKey)})`);
    const condition = from.updatedAt === undefined ? conditions.join(" OR ") : `(${conditions.join(" OR ")}) AND ${name("updatedAt")} = ${value(from.updatedAt)}`;
    const removals = (change.remove ?? []).map(name);
    const update = {
      TableName: tableName,
      Key: { ...recordKey(agreementId, reminderKey(reminder)) },
      UpdateExpression: `SET ${assignments.join(", ")}${removals.length > 0 ? ` REMOVE ${removals.join(", ")}` : ""}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    const registryKey = uncertainKey(agreementId, reminderKey(reminder));
    for (let attempt = 1; ; attempt++) {
      try {
        if (registry === undefined) await client.send(new UpdateCommand(update));
        else {
          const entry =
            registry === "leave"
              ? { Delete: { TableName: tableName, Key: { ...registryKey } } }
              : { Put: { TableName: tableName, Item: { ...registryKey, ...describing(agreementId, reminder), updatedAt: registry.enter.updatedAt } } };
          await client.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, entry] }));
        }
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reason = error.CancellationReasons?.[0]?.Code;
        if (reason === "ConditionalCheckFailed") return false;
        // Another transaction held the reminder at that moment (two people sending it again at once): nothing was
        // written, so try again and let the status condition decide.
        if (reason !== "TransactionConflict" || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
        await sleep(retryDelay(attempt));
      }
    }
  }

  function describing(agreementId: string, reminder: PlannedReminder): Record<string, unknown> {
    return {
      agreementId,
      key: reminderKey(reminder),
      kind: reminder.kind,
      sendOn: reminder.sendOn,
      concerns: reminder.concerns,
      ...(reminder.requirementId === undefined ? {} : { requirementId: reminder.requirementId }),
    };
  }

  return {
    async list(agreementId) {
      const items = await queryPartition(client, tableName, agreementPartition(agreementId), REMINDER_PREFIX);
      return items.map((item) => parseItem(item, reminderRecordSchema));
    },

    async get(agreementId, key) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { ...recordKey(agreementId, key) }, ConsistentRead: true }));
      return Item === undefined ? null : parseItem(Item, reminderRecordSchema);
    },

    claim(agreementId, reminder, recipients, now) {
      return updateIf(agreementId, reminder, { absent: true, statuses: ["pending"] }, {
        set: { ...describing(agreementId, reminder), status: "sending", recipients: [...recipients], updatedAt: now.toISOString() },
        increment: "attempts",
      });
    },

    claimUncertain(agreementId, reminder, recipients, resentBy, now) {
      return updateIf(agreementId, reminder, { absent: false, statuses: ["uncertain"] }, {
        set: { status: "sending", recipients: [...recipients], resentBy, updatedAt: now.toISOString() },
        increment: "attempts",
      }, "leave");
    },

    async markSent(agreementId, reminder, messageId, now) {
      const marked = await updateIf(agreementId, reminder, { absent: false, statuses: ["sending"] }, {
        set: { status: "sent", messageId, updatedAt: now.toISOString() },
        remove: ["lastError"],
      });
      if (!marked) throw new Error(`Reminder ${reminderKey(reminder)} of ${agreementId} was not being sent`);
    },

    async release(agreementId, reminder, error, now) {
      await updateIf(agreementId, reminder, { absent: false, statuses: ["sending"] }, {
        set: { status: "pending", lastError: error, updatedAt: now.toISOString() },
      });
    },

    async markUncertain(agreementId, reminder, error, now) {
      await updateIf(agreementId, reminder, { absent: false, statuses: ["sending"] }, {
        set: { status: "uncertain", lastError: error, updatedAt: now.toISOString() },
      }, { enter: { updatedAt: now.toISOString() } });
    },

    settleAbandoned(record, outcome, now) {
      const settled = "messageId" in outcome ? { status: "sent", messageId: outcome.messageId } : { status: "uncertain", lastError: outcome.error };
      return updateIf(record.agreementId, record, { absent: false, statuses: ["sending"], updatedAt: record.updatedAt }, {
        set: { ...settled, updatedAt: now.toISOString() },
        ...("messageId" in outcome ? { remove: ["lastError"] } : {}),
      }, "messageId" in outcome ? undefined : { enter: { updatedAt: now.toISOString() } });
    },

    async skip(agreementId, reminder, now) {
      await updateIf(agreementId, reminder, { absent: true, statuses: ["pending"] }, {
        set: { ...describing(agreementId, reminder), status: "skipped", skipReason: reminder.reason, updatedAt: now.toISOString() },
        setIfAbsent: { recipients: [], attempts: 0 },
      });
    },

    async listUncertain() {
      const items = await queryPartition(client, tableName, UNCERTAIN_PARTITION);
      return items.map((item) => parseItem(item, uncertainEntrySchema)).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    },
  };
}
