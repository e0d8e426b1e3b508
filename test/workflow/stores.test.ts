// The workflow's items on DynamoDB Local: reminder records claimed with conditions, the workflow state and its
// generations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlannedReminder } from "../../functions/domain/reminders";
import { createReminderStore, type ReminderStore } from "../../functions/store/reminders";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { agreementPartition } from "../../functions/store/items";
import { createWorkflowStateStore, registerFailedWorkflowsIfOutdated, type WorkflowStateStore } from "../../functions/store/workflow-state";
import { nextGeneration, runnableGeneration } from "../../functions/workflow/generations";
import { createTestTable, type TestTable } from "../support/dynamo";

let table: TestTable;
let reminders: ReminderStore;
let workflowState: WorkflowStateStore;
const now = new Date("2026-07-04T00:00:00+02:00");
const expiry: PlannedReminder = { kind: "expiry", sendOn: "2026-07-04", concerns: "2026-12-31" };

beforeAll(async () => {
  table = await createTestTable();
  reminders = createReminderStore({ client: table.documentClient, tableName: table.tableName });
  workflowState = createWorkflowStateStore({ client: table.documentClient, tableName: table.tableName });
});

afterAll(async () => {
  await table.dispose();
});

describe("reminder records", () => {
  it("let exactly one of many concurrent claims send a reminder", async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, () => reminders.claim("a-concurrent", expiry, ["editor@example.se"], now)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await reminders.markSent("a-concurrent", expiry, "message-1", now);
    expect(await reminders.claim("a-concurrent", expiry, ["editor@example.se"], now)).toBe(false);
    expect(await reminders.list("a-concurrent")).toEqual([
      expect.objectContaining({ key: "expiry.2026-12-31.2026-07-04", status: "sent", messageId: "message-1", attempts: 1, recipients: ["editor@example.se"] }),
    ]);
  });

  it("go back to pending when sending failed, to be claimed again by the next attempt", async () => {
    expect(await reminders.claim("a-retry", expiry, ["editor@example.se"], now)).toBe(true);
    await reminders.release("a-retry", expiry, "InternalFailure: SES is down", now);
    expect(await reminders.list("a-retry")).toEqual([expect.objectContaining({ status: "pending", lastError: "InternalFailure: SES is down" })]);

    expect(await reminders.claim("a-retry", expiry, ["editor@example.se"], now)).toBe(true);
    await reminders.markSent("a-retry", expiry, "message-2", now);
    const [record] = await reminders.list("a-retry");
    expect(record).toMatchObject({ status: "sent", attempts: 2 });
    expect(record!.lastError).toBeUndefined();
  });

  it("stay claimed when an attempt died while sending: nobody claims them again", async () => {
    expect(await reminders.claim("a-died", expiry, [], now)).toBe(true);
    expect(await reminders.claim("a-died", expiry, [], new Date(now.getTime() + 86_400_000))).toBe(false);
    await reminders.skip("a-died", { ...expiry, reason: "woke-late" }, now);
    expect((await reminders.list("a-died"))[0]?.status).toBe("sending");
  });

  it("settle a claim whose attempt is gone once: sent with a message id, or uncertain; never one that moved on", async () => {
    expect(await reminders.claim("a-abandoned", expiry, ["editor@example.se"], now)).toBe(true);
    const abandoned = (await reminders.get("a-abandoned", "expiry.2026-12-31.2026-07-04"))!;
    const later = new Date(now.getTime() + 3_600_000);
    const settles = await Promise.all([
      reminders.settleAbandoned(abandoned, { messageId: "message-5" }, later),
      reminders.settleAbandoned(abandoned, { error: "gone" }, later),
    ]);
    expect(settles.filter(Boolean)).toHaveLength(1);
    expect(["sent", "uncertain"]).toContain((await reminders.get("a-abandoned", "expiry.2026-12-31.2026-07-04"))?.status);

    // Claimed again by a person after it was settled uncertain: the earlier reading no longer settles it.
    expect(await reminders.claim("a-resent", expiry, ["editor@example.se"], now)).toBe(true);
    const first = (await reminders.get("a-resent", "expiry.2026-12-31.2026-07-04"))!;
    expect(await reminders.settleAbandoned(first, { error: "gone" }, later)).toBe(true);
    expect(await reminders.claimUncertain("a-resent", expiry, ["editor@example.se"], "editor@example.se", new Date(later.getTime() + 1_000))).toBe(true);
    expect(await reminders.settleAbandoned(first, { messageId: "message-6" }, later)).toBe(false);
    expect(await reminders.get("a-resent", "expiry.2026-12-31.2026-07-04")).toMatchObject({ status: "sending", resentBy: "editor@example.se" });
  });

  it("are skipped unless sent or being sent, and then never claimed", async () => {
    await reminders.skip("a-skip", { ...expiry, reason: "schedule-changed" }, now);
    expect(await reminders.claim("a-skip", expiry, [], now)).toBe(false);
    expect(await reminders.list("a-skip")).toEqual([expect.objectContaining({ status: "skipped", skipReason: "schedule-changed", attempts: 0 })]);
  });

  it("stay uncertain when nobody knows whether SES took them: the workflow never claims them, a person may once", async () => {
    expect(await reminders.claim("a-uncertain", expiry, ["editor@example.se"], now)).toBe(true);
    await reminders.markUncertain("a-uncertain", expiry, "socket hang up", now);
    expect(await reminders.claim("a-uncertain", expiry, ["editor@example.se"], now)).toBe(false);
    await reminders.skip("a-uncertain", { ...expiry, reason: "woke-late" }, now);
    expect(await reminders.get("a-uncertain", "expiry.2026-12-31.2026-07-04")).toMatchObject({ status: "uncertain", lastError: "socket hang up" });
    // The table is shared with the other tests here, whose settled claims may be uncertain too.
    const uncertainHere = async () => (await reminders.listUncertain()).filter((entry) => entry.agreementId === "a-uncertain");
    expect(await uncertainHere()).toEqual([
      { agreementId: "a-uncertain", key: "expiry.2026-12-31.2026-07-04", kind: "expiry", sendOn: "2026-07-04", concerns: "2026-12-31", updatedAt: now.toISOString() },
    ]);

    const resends = await Promise.all(Array.from({ length: 4 }, () => reminders.claimUncertain("a-uncertain", expiry, ["editor@example.se"], "editor@example.se", now)));
    expect(resends.filter(Boolean)).toHaveLength(1);
    // Claimed again, it is no longer uncertain: the same write took it off the registry.
    expect(await uncertainHere()).toEqual([]);
    await reminders.markSent("a-uncertain", expiry, "message-4", now);
    expect(await reminders.get("a-uncertain", "expiry.2026-12-31.2026-07-04")).toMatchObject({ status: "sent", attempts: 2, resentBy: "editor@example.se" });
  });

  it("refuse to mark a reminder sent that nobody claimed", async () => {
    await expect(reminders.markSent("a-unclaimed", expiry, "message-3", now)).rejects.toThrow(/was not being sent/);
  });
});

describe("workflow state", () => {
  it("moves from generation to generation only through the one before, and keeps a registry of unfinished workflows", async () => {
    expect(await workflowState.beginGeneration("w-1", 1, now)).toBe(false);
    expect(await workflowState.beginGeneration("w-1", 0, now)).toBe(true);
    expect(await workflowState.beginGeneration("w-1", 0, now)).toBe(false);
    expect(await workflowState.saveDecisionToken("w-1", 0, "token-0", now)).toBe(true);
    expect(await workflowState.beginGeneration("w-1", 2, now)).toBe(false);
    expect(await workflowState.beginGeneration("w-1", 1, now)).toBe(true);
    expect(await workflowState.saveDecisionToken("w-1", 0, "stale", now)).toBe(false);
    expect(await workflowState.get("w-1")).toMatchObject({ generation: 1, finished: false });
    expect((await workflowState.get("w-1"))?.decisionToken).toBeUndefined();
    expect((await workflowState.listUnfinished({ limit: 100, after: null })).agreementIds).toContain("w-1");

    await workflowState.finish("w-1", 1, now);
    expect(await workflowState.get("w-1")).toMatchObject({ generation: 1, finished: true });
    expect((await workflowState.listUnfinished({ limit: 100, after: null })).agreementIds).not.toContain("w-1");
  });

  it("lists the unfinished workflows page by page, each once, in the order of their ids", async () => {
    const ids = ["page-a", "page-b", "page-c", "page-d", "page-e"];
    for (const id of ids) await workflowState.beginGeneration(id, 0, now);
    const pages: string[][] = [];
    let after: string | null = null;
    do {
      const page = await workflowState.listUnfinished({ limit: 2, after });
      pages.push(page.agreementIds);
      after = page.after;
    } while (after !== null);
    expect(pages.flat().filter((id) => id.startsWith("page-"))).toEqual(ids);
    expect(pages.every((page) => page.length <= 2)).toBe(true);
  });

  it("records a failure on the current generation, and lists it as failed, until the workflow catches up again or moves on", async () => {
    const failedIds = async () => (await workflowState.listFailed()).map((state) => state.agreementId);
    await workflowState.beginGeneration("w-2", 0, now);
    const failure = { at: now.toISOString(), generation: 0, error: "ReminderNotSentError", cause: "SES is down" };
    await workflowState.recordFailure("w-2", failure);
    expect((await workflowState.get("w-2"))?.failure).toEqual(failure);
    expect(await workflowState.listFailed()).toContainEqual(expect.objectContaining({ agreementId: "w-2", failure }));
    await workflowState.clearFailure("w-2", 0, now);
    expect((await workflowState.get("w-2"))?.failure).toBeUndefined();
    expect(await failedIds()).not.toContain("w-2");

    // A failure of a replaced generation is not recorded; a new generation, or the end, takes the workflow off the list.
    await workflowState.recordFailure("w-2", failure);
    await workflowState.beginGeneration("w-2", 1, now);
    await workflowState.recordFailure("w-2", failure);
    expect(await failedIds()).not.toContain("w-2");
    await workflowState.recordFailure("w-2", { ...failure, generation: 1 });
    expect(await failedIds()).toContain("w-2");
    await workflowState.finish("w-2", 1, now);
    expect(await failedIds()).not.toContain("w-2");
  });

  it("lists the failures a table recorded before the failed registry, once registered on start", async () => {
    await workflowState.beginGeneration("w-older", 0, now);
    const failure = { at: now.toISOString(), generation: 0, error: "States.TaskFailed", cause: "DynamoDB unavailable" };
    // The state alone, as versions before the registry wrote it.
    const stateKey = { pk: agreementPartition("w-older"), sk: "WORKFLOW" };
    await table.documentClient.send(new UpdateCommand({ TableName: table.tableName, Key: stateKey, UpdateExpression: "SET failure = :failure", ExpressionAttributeValues: { ":failure": failure } }));
    const failedIds = async () => (await workflowState.listFailed()).map((state) => state.agreementId);
    expect(await failedIds()).not.toContain("w-older");

    expect(await registerFailedWorkflowsIfOutdated(table.documentClient, table.tableName)).toBeGreaterThanOrEqual(1);
    expect(await failedIds()).toContain("w-older");
    expect(await registerFailedWorkflowsIfOutdated(table.documentClient, table.tableName)).toBe(0);
  });

  it("runs the current generation, or begins the next once it finished; a restart always begins the next", async () => {
    expect(await runnableGeneration(workflowState, "w-3", now)).toBe(0);
    expect(await runnableGeneration(workflowState, "w-3", now)).toBe(0);
    await workflowState.finish("w-3", 0, now);
    expect(await runnableGeneration(workflowState, "w-3", now)).toBe(1);
    expect(await nextGeneration(workflowState, "w-3", now)).toEqual({ generation: 2, previous: 1 });
    expect(await nextGeneration(workflowState, "w-4", now)).toEqual({ generation: 0, previous: null });
  });
});
