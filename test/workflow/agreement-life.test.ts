// Whole agreement lives through the local engine: the deployed definition, the real task handlers, DynamoDB Local
// and the mail catcher. Time moves only through the harness's clock.
import { afterEach, describe, expect, it } from "vitest";
import type { ReportingRequirement } from "../../functions/domain/agreement";
import { stockholmDate } from "../../functions/domain/dates";
import { listReminders } from "../../functions/app/reminders";
import { createSesMailer, REMINDER_HEADER } from "../../functions/email/sender";
import { sesClientConfig } from "../../functions/local/mail";
import { ABANDONED_CLAIM_ERROR, CLAIM_TIMEOUT_MS } from "../../functions/workflow/send-reminders";
import { createReportStore } from "../../functions/store/reports";
import { storeSubmittedReport } from "../reports/fixtures";
import { approval, mammaUnitedContent } from "../support/agreements";
import { startFailingProxy, type FailingProxy } from "./failing-proxy";
import { startHarness, TEAM_MAILBOX, type Harness } from "./harness";

const ID = "mamma-united";
const TITLE = "Partnerskap för delaktighet, tillit och framtidstro hos mammor";
let harness: Harness;
let proxy: FailingProxy | undefined;

afterEach(async () => {
  await harness?.stop();
  await proxy?.close();
  proxy = undefined;
});

/**
 * Draft on 2023-11-20, submitted 2023-12-05, approved 2024-01-18: the demo agreement's history. Submitting needs a
 * reporting requirement; once approved, `reportingRequirements` replaces the demo's, by default with none, so
 * that only the expiry reminders apply.
 */
async function proposeAndApprove(h: Harness, id = ID, reportingRequirements: ReportingRequirement[] = []) {
  await h.create(id, mammaUnitedContent());
  await h.jumpTo("2023-12-05T10:00:00+01:00");
  await h.command(id, { type: "submit" });
  await h.engine.ensureRunning(id);
  await h.engine.settled();
  await h.jumpTo("2024-01-18T15:00:00+01:00");
  await h.command(id, { type: "decide", decision: { ...approval, date: "2024-01-18" } });
  await h.engine.decisionRecorded(id);
  await h.engine.settled();
  await h.command(id, { type: "update", changes: { reportingRequirements } });
}

describe("Mamma United from proposal to expiry", () => {
  it("waits for the decision, activates on the start date, sends exactly the three expiry reminders, then expires", async () => {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    await harness.create(ID, mammaUnitedContent());
    await harness.jumpTo("2023-12-05T10:00:00+01:00");
    await harness.command(ID, { type: "submit" });
    await harness.engine.ensureRunning(ID);
    await harness.engine.settled();
    expect((await harness.workflowState.get(ID))?.decisionToken).toEqual(expect.any(String));

    await harness.jumpTo("2024-01-18T15:00:00+01:00");
    await harness.command(ID, { type: "decide", decision: { ...approval, date: "2024-01-18" } });
    await harness.engine.decisionRecorded(ID);
    await harness.engine.settled();
    // Only the expiry reminders are under test here.
    await harness.command(ID, { type: "update", changes: { reportingRequirements: [] } });
    expect((await harness.store.get(ID))?.status).toBe("approved");
    expect(harness.engine.hasExecution(ID)).toBe(true);

    await harness.advanceTo("2024-02-01T00:00:00+01:00");
    expect((await harness.store.get(ID))?.status).toBe("active");

    await harness.advanceTo("2027-01-15T00:00:00+01:00");

    expect((await harness.store.get(ID))?.status).toBe("expired");
    const emails = await harness.emails(ID);
    expect(emails.map((email) => email.subject)).toEqual([
      `Avtalet löper ut om 180 dagar: ${TITLE}`,
      `Avtalet löper ut om 90 dagar: ${TITLE}`,
      `Avtalet löper ut om 30 dagar: ${TITLE}`,
    ]);
    for (const email of emails) {
      expect(email.destination).toEqual({ to: ["editor@example.se"], cc: [TEAM_MAILBOX], bcc: [] });
      expect(email.body.text).toContain("löper ut den 31 december 2026");
      expect(email.body.text).toContain("Förening: Mamma United");
      expect(email.body.text).toContain("Påbörja en förnyelse");
      expect(email.body.html).toContain(`href="http://127.0.0.1:3000/agreements/${ID}"`);
    }
    const sent = (await harness.reminders.list(ID)).filter((record) => record.status === "sent");
    expect(sent.map((record) => [record.sendOn, stockholmDate(new Date(record.updatedAt))])).toEqual([
      ["2026-07-04", "2026-07-04"],
      ["2026-10-02", "2026-10-02"],
      ["2026-12-01", "2026-12-01"],
    ]);
    const expiredAt = (await harness.store.events(ID)).items.find((event) => event.to === "expired")?.at;
    expect(expiredAt).toBe(new Date("2027-01-01T00:00:00+01:00").toISOString());
    expect(harness.engine.hasExecution(ID)).toBe(false);
    expect(harness.alarms).toEqual([]);
  });

  it("continues as new before each execution nears a year: a three-year agreement runs in several generations", async () => {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    await proposeAndApprove(harness);

    await harness.advanceTo("2027-01-15T00:00:00+01:00");

    const state = await harness.workflowState.get(ID);
    expect(state).toMatchObject({ finished: true });
    expect(state!.generation).toBeGreaterThanOrEqual(3);
    const log = harness.engine.eventLog(ID);
    const continued = log.filter((event) => event.type === "StateEntered" && event.state === "ContinueAsNew");
    expect(continued.map((event) => event.execution)).toEqual(
      Array.from({ length: state!.generation }, (_, generation) => `${ID}-g${generation}`),
    );
    expect(new Set(log.map((event) => event.execution))).toEqual(
      new Set(Array.from({ length: state!.generation + 1 }, (_, generation) => `${ID}-g${generation}`)),
    );
    expect((await harness.emails(ID)).map((email) => email.subject)).toHaveLength(3);
  });

  it("sends nothing twice and misses nothing when the engine is replaced in the middle, or two run at once", async () => {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    await proposeAndApprove(harness);
    await harness.advanceTo("2026-08-01T12:00:00+02:00");

    await harness.startAnotherEngine({ stopCurrent: true });
    await harness.advanceTo("2026-10-01T12:00:00+02:00");
    // Two engines at once, each with its own execution of the agreement, reach the same reminder.
    await harness.startAnotherEngine({ stopCurrent: false });
    await harness.advanceTo("2027-01-15T00:00:00+01:00");

    expect((await harness.emails(ID)).map((email) => email.subject)).toEqual([
      `Avtalet löper ut om 180 dagar: ${TITLE}`,
      `Avtalet löper ut om 90 dagar: ${TITLE}`,
      `Avtalet löper ut om 30 dagar: ${TITLE}`,
    ]);
    expect((await harness.store.get(ID))?.status).toBe("expired");
  });

  it("after a late wake-up sends only the most recent due reminder of a kind and records the stale ones as skipped", async () => {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    await proposeAndApprove(harness);
    await harness.advanceTo("2026-06-01T12:00:00+02:00");

    await harness.jumpTo("2026-12-05T09:00:00+01:00");

    expect((await harness.emails(ID)).map((email) => email.subject)).toEqual([`Avtalet löper ut om 26 dagar: ${TITLE}`]);
    const records = await harness.reminders.list(ID);
    expect(records.map((record) => [record.sendOn, record.status])).toEqual([
      ["2026-07-04", "skipped"],
      ["2026-10-02", "skipped"],
      ["2026-12-01", "sent"],
    ]);
  });
});

describe("a restarted engine", () => {
  it("answers at once and re-creates the executions in the background, its health report saying how far it has come", async () => {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    const ids = ["proposed-1", "proposed-2", "proposed-3"];
    for (const id of ids) {
      // One association may hold several agreements at once when they are about different things (titles).
      await harness.create(id, { ...mammaUnitedContent(), title: `Partnerskap ${id}` });
      await harness.command(id, { type: "submit" });
    }

    await harness.startAnotherEngine({ stopCurrent: true, settle: false });
    const starting = await harness.engine.health();
    expect(starting).toMatchObject({ ok: true, detail: expect.stringContaining("catching up after the start") });
    expect(ids.filter((id) => harness.engine.hasExecution(id))).not.toEqual(ids);

    await harness.engine.settled();
    expect(ids.filter((id) => harness.engine.hasExecution(id))).toEqual(ids);
    expect(await harness.engine.health()).toEqual({ ok: true, detail: "3 executions: 0 waiting, 3 awaiting a decision" });
  });
});

describe("renewal and termination", () => {
  it("ends the predecessor as renewed and activates the successor the next day, with no reminder after the approval", async () => {
    const SUCCESSOR = "mamma-united-2027";
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    await proposeAndApprove(harness);
    await harness.advanceTo("2026-11-15T10:00:00+01:00");

    await harness.command(ID, { type: "renew", successorId: SUCCESSOR });
    const finalReport = { id: "slut", kind: "final" as const, description: "", dueDates: ["2030-03-31"] };
    await harness.command(SUCCESSOR, { type: "update", changes: { reportingRequirements: [finalReport] } });
    await harness.command(SUCCESSOR, { type: "submit" });
    await harness.engine.ensureRunning(SUCCESSOR);
    await harness.command(SUCCESSOR, { type: "decide", decision: { ...approval, date: "2026-11-15", diaryNumber: "KIFN 2026/301" } });
    await harness.engine.decisionRecorded(SUCCESSOR);
    await harness.engine.agreementChanged(ID);
    await harness.engine.settled();
    const approvedAt = harness.clock.now();

    await harness.advanceTo("2027-01-15T00:00:00+01:00");

    const predecessor = await harness.store.get(ID);
    const successor = await harness.store.get(SUCCESSOR);
    expect(predecessor).toMatchObject({ status: "renewed", renewedBy: SUCCESSOR });
    expect(successor).toMatchObject({ status: "active", period: { start: "2027-01-01" } });
    const newYear = new Date("2027-01-01T00:00:00+01:00").toISOString();
    expect((await harness.store.events(ID)).items.find((event) => event.to === "renewed")?.at).toBe(newYear);
    expect((await harness.store.events(SUCCESSOR)).items.find((event) => event.to === "active")?.at).toBe(newYear);
    const sent = (await harness.reminders.list(ID)).filter((record) => record.status === "sent");
    expect(sent.map((record) => record.sendOn)).toEqual(["2026-07-04", "2026-10-02"]);
    expect(sent.every((record) => new Date(record.updatedAt) < approvedAt)).toBe(true);
    expect(await harness.reminders.list(SUCCESSOR)).toEqual([]);
    expect(harness.engine.hasExecution(ID)).toBe(false);
    expect(harness.engine.hasExecution(SUCCESSOR)).toBe(true);
  });

  it("keeps a terminated agreement active until its effective date, ends it at Stockholm midnight, and sends no reminder after", async () => {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    await proposeAndApprove(harness);
    await harness.advanceTo("2026-08-01T10:00:00+02:00");

    const termination = { ground: "mutual-agreement", givenOn: "2026-08-01", effectiveDate: "2026-09-30", reason: "Verksamheten upphör" } as const;
    await harness.command(ID, { type: "terminate", termination });
    await harness.engine.agreementChanged(ID);
    await harness.engine.settled();
    expect(await harness.store.get(ID)).toMatchObject({ status: "active", termination });
    expect(harness.engine.hasExecution(ID)).toBe(true);

    await harness.advanceTo("2026-09-30T23:59:00+02:00");
    expect((await harness.store.get(ID))?.status).toBe("active");
    await harness.advanceTo("2027-01-15T00:00:00+01:00");
    expect((await harness.store.get(ID))?.status).toBe("terminated");
    const ended = (await harness.store.events(ID)).items.at(-1);
    expect(ended).toMatchObject({ action: "end", from: "active", to: "terminated", at: new Date("2026-10-01T00:00:00+02:00").toISOString() });
    expect((await harness.emails(ID)).map((email) => email.subject)).toEqual([`Avtalet löper ut om 180 dagar: ${TITLE}`]);
    expect(await harness.workflowState.get(ID)).toMatchObject({ finished: true });
    expect(harness.engine.hasExecution(ID)).toBe(false);
  });
});

describe("report reminders", () => {
  it("reminds 14 days before a report is due, and the day after only when it did not come in", async () => {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    const requirement = { id: "verksamhet", kind: "activity" as const, description: "Verksamhetsberättelse", dueDates: ["2025-03-31", "2026-03-31"] };
    await proposeAndApprove(harness, ID, [requirement]);
    await harness.advanceTo("2025-03-20T12:00:00+01:00");
    const reports = createReportStore({ client: harness.table.documentClient, tableName: harness.table.tableName });
    await storeSubmittedReport(reports, { agreementId: ID, requirementId: "verksamhet", dueDate: "2025-03-31" }, new Date("2025-03-20T12:00:00+01:00"));

    await harness.advanceTo("2026-04-05T12:00:00+02:00");

    const emails = await harness.emails(ID);
    expect(emails.map((email) => email.subject)).toEqual([
      `Rapport ska lämnas om 14 dagar: ${TITLE}`,
      `Rapport ska lämnas om 14 dagar: ${TITLE}`,
      `Rapport har inte kommit in: ${TITLE}`,
    ]);
    expect(emails[0]!.body.text).toContain("Mamma United ska lämna en verksamhetsrapport för IOP-avtalet");
    expect(emails[0]!.body.text).toContain("Rapport: Verksamhetsrapport – Verksamhetsberättelse");
    expect(emails[2]!.body.text).toContain("skulle ha lämnats senast den 31 mars 2026 men har inte kommit in");
    const records = await harness.reminders.list(ID);
    expect(records.filter((record) => record.kind === "report-overdue").map((record) => [record.concerns, record.status])).toEqual([
      ["2025-03-31", "skipped"],
      ["2026-03-31", "sent"],
    ]);
  });
});

describe("when sending fails", () => {
  /** Mamma United approved, with SES behind a proxy that fails on request, the clock just before the 180-day reminder. */
  async function approveBehindFailingProxy(): Promise<FailingProxy> {
    const failing = await startFailingProxy();
    proxy = failing;
    const proxyUrl = failing.url;
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00", sesEndpoint: () => proxyUrl });
    failing.target = harness.mailUrl;
    await proposeAndApprove(harness);
    await harness.advanceTo("2026-07-01T12:00:00+02:00");
    return failing;
  }

  it("retries the catch-up and sends the reminder once when SES throttles the first attempt", async () => {
    const failing = await approveBehindFailingProxy();

    failing.failNextSends(1);
    await harness.advanceTo("2026-07-05T12:00:00+02:00");

    expect((await harness.emails(ID)).map((email) => email.subject)).toEqual([`Avtalet löper ut om 180 dagar: ${TITLE}`]);
    expect(await harness.reminders.list(ID)).toEqual([
      expect.objectContaining({ sendOn: "2026-07-04", status: "sent", attempts: 2 }),
    ]);
    expect(harness.engine.eventLog(ID)).toContainEqual(expect.objectContaining({ type: "StateRetried", state: "CatchUp" }));
    expect(harness.alarms).toEqual([]);
  });

  it("records the failure and raises an alarm once the retries are spent, and sends the reminder when the workflow is re-evaluated", async () => {
    const failing = await approveBehindFailingProxy();

    failing.failNextSends(Number.POSITIVE_INFINITY);
    await harness.advanceTo("2026-07-04T12:00:00+02:00");

    expect(harness.alarms).toEqual([expect.objectContaining({ agreementId: ID, error: "ReminderNotSentError" })]);
    expect((await harness.workflowState.get(ID))?.failure).toMatchObject({ error: "ReminderNotSentError" });
    expect(await harness.reminders.list(ID)).toEqual([expect.objectContaining({ status: "pending", lastError: expect.stringContaining("Simulated SES throttling") })]);
    expect(harness.engine.hasExecution(ID)).toBe(false);
    expect(await harness.emails(ID)).toEqual([]);

    failing.failNextSends(0);
    await harness.jumpTo("2026-07-04T13:00:00+02:00");

    expect((await harness.emails(ID)).map((email) => email.subject)).toEqual([`Avtalet löper ut om 180 dagar: ${TITLE}`]);
    expect((await harness.workflowState.get(ID))?.failure).toBeUndefined();
    expect(harness.engine.hasExecution(ID)).toBe(true);
  });

  it("marks a reminder uncertain, and never sends it again by itself, when the answer to a send that reached SES is lost", async () => {
    const failing = await approveBehindFailingProxy();

    failing.failNextSends(1, "lose-answer");
    await harness.advanceTo("2026-07-05T12:00:00+02:00");

    expect((await harness.emails(ID)).map((email) => email.subject)).toEqual([`Avtalet löper ut om 180 dagar: ${TITLE}`]);
    expect(await harness.reminders.list(ID)).toEqual([
      expect.objectContaining({ sendOn: "2026-07-04", status: "uncertain", attempts: 1, lastError: expect.any(String) }),
    ]);
    expect(harness.engine.eventLog(ID)).not.toContainEqual(expect.objectContaining({ type: "StateRetried" }));
    expect(harness.alarms).toEqual([]);

    // Restarts and later wake-ups leave it as it is; the next reminder goes out as usual.
    await harness.startAnotherEngine({ stopCurrent: true });
    await harness.advanceTo("2026-10-03T12:00:00+02:00");
    expect((await harness.emails(ID)).map((email) => email.subject)).toEqual([
      `Avtalet löper ut om 180 dagar: ${TITLE}`,
      `Avtalet löper ut om 90 dagar: ${TITLE}`,
    ]);
    const items = await listReminders({ agreements: harness.store, reminders: harness.reminders }, ID);
    expect(items.filter((item) => item.state !== "planned").map((item) => [item.sendOn, item.state, item.canResend])).toEqual([
      ["2026-07-04", "uncertain", true],
      ["2026-10-02", "sent", false],
    ]);
  });
});

describe("a claim whose attempt died while sending", () => {
  const KEY = "expiry.2026-12-31.2026-07-04";
  const expiry180 = { kind: "expiry", sendOn: "2026-07-04", concerns: "2026-12-31" } as const;

  /**
   * Mamma United approved as `id` (the mail catcher is shared by the file's tests, so each has its own), the clock on
   * the day before its 180-day reminder; that reminder claimed at `claimedAt` by an attempt that then died.
   */
  async function claimedByADeadAttempt(id: string, claimedAt: string) {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    await proposeAndApprove(harness, id);
    await harness.advanceTo("2026-07-03T12:00:00+02:00");
    expect(await harness.reminders.claim(id, expiry180, ["editor@example.se"], new Date(claimedAt))).toBe(true);
  }

  it(`is settled uncertain, never sent again, once no attempt can still hold it (${CLAIM_TIMEOUT_MS / 60_000} minutes), when the mail service shows no such email`, async () => {
    const id = "claim-died-before-sending";
    await claimedByADeadAttempt(id, "2026-07-04T07:58:00+02:00");

    await harness.jumpTo("2026-07-04T08:00:00+02:00");
    expect(await harness.reminders.get(id, KEY)).toMatchObject({ status: "sending" });
    // The execution waits for the claim to time out, rather than for the next reminder months away.
    expect(harness.engine.nextWakeAt()).toEqual(new Date(new Date("2026-07-04T07:58:00+02:00").getTime() + CLAIM_TIMEOUT_MS));

    await harness.advanceTo("2026-07-05T12:00:00+02:00");
    expect(await harness.emails(id)).toEqual([]);
    expect(await harness.reminders.get(id, KEY)).toMatchObject({ status: "uncertain", lastError: ABANDONED_CLAIM_ERROR, attempts: 1 });
    // Listed where the dashboard looks for reminders a person must check.
    expect(await harness.reminders.listUncertain()).toContainEqual(expect.objectContaining({ agreementId: id, key: KEY }));
    const items = await listReminders({ agreements: harness.store, reminders: harness.reminders }, id);
    expect(items.find((item) => item.sendOn === "2026-07-04")).toMatchObject({ state: "uncertain", canResend: true });
  });

  it("is settled sent, with the message id, when the mail service shows the email went", async () => {
    const id = "claim-died-after-sending";
    await claimedByADeadAttempt(id, "2026-07-04T00:00:00+02:00");
    const header = `${id} ${KEY}`;
    const mailer = createSesMailer({ clientConfig: sesClientConfig(harness.mailUrl), from: "iop-noreply@kommun.example" });
    const { messageId } = await mailer.send({ to: ["editor@example.se"], cc: [], subject: "Avtalet löper ut om 180 dagar", text: "…", html: "<p>…</p>", headers: { [REMINDER_HEADER]: header } });

    await harness.jumpTo("2026-07-04T08:00:00+02:00");

    expect(await harness.reminders.get(id, KEY)).toMatchObject({ status: "sent", messageId, attempts: 1 });
    expect((await harness.emails()).filter((email) => email.headers?.some((field) => field.value === header))).toHaveLength(1);
  });
});

describe("a change of the reminder settings", () => {
  /** Mamma United approved; on `changedAt` staff change its expiry reminders to `expiryDaysBefore`; then to the end. */
  async function changeExpiryReminders(changedAt: string, expiryDaysBefore: number[]) {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });
    await proposeAndApprove(harness);
    await harness.advanceTo(changedAt);
    const emailsBefore = (await harness.emails(ID)).length;

    await harness.command(ID, { type: "update", changes: { reminders: { ...mammaUnitedContent().reminders!, expiryDaysBefore } } });
    await harness.engine.agreementChanged(ID);
    await harness.engine.settled();
    const emailsAtOnce = (await harness.emails(ID)).length - emailsBefore;
    await harness.advanceTo("2027-01-15T00:00:00+01:00");
    return { emailsBefore, emailsAtOnce };
  }

  it("never sends at once: the 30-day reminder went out on 1 December, 29 days on 2 December sends nothing", async () => {
    expect(await changeExpiryReminders("2026-12-02T10:00:00+01:00", [180, 90, 29])).toEqual({ emailsBefore: 3, emailsAtOnce: 0 });

    expect((await harness.emails(ID)).map((email) => email.subject)).toEqual([
      `Avtalet löper ut om 180 dagar: ${TITLE}`,
      `Avtalet löper ut om 90 dagar: ${TITLE}`,
      `Avtalet löper ut om 30 dagar: ${TITLE}`,
    ]);
    expect((await harness.reminders.list(ID)).map((record) => [record.sendOn, record.status, record.skipReason])).toEqual([
      ["2026-07-04", "sent", undefined],
      ["2026-10-02", "sent", undefined],
      ["2026-12-01", "sent", undefined],
      ["2026-12-02", "skipped", "schedule-changed"],
    ]);
  });

  it("plans the reminders later than today anew", async () => {
    expect(await changeExpiryReminders("2026-11-15T10:00:00+01:00", [180, 90, 29, 7])).toEqual({ emailsBefore: 2, emailsAtOnce: 0 });

    expect((await harness.emails(ID)).map((email) => email.subject)).toEqual([
      `Avtalet löper ut om 180 dagar: ${TITLE}`,
      `Avtalet löper ut om 90 dagar: ${TITLE}`,
      `Avtalet löper ut om 29 dagar: ${TITLE}`,
      `Avtalet löper ut om 7 dagar: ${TITLE}`,
    ]);
  });
});

describe("a failure no retry mends", () => {
  it("goes straight to RecordFailure: a workflow for an agreement that does not exist", async () => {
    harness = await startHarness({ start: "2023-11-20T09:00:00+01:00" });

    await harness.engine.ensureRunning("agr-nobody");
    await harness.engine.settled();

    const log = harness.engine.eventLog("agr-nobody");
    expect(log).not.toContainEqual(expect.objectContaining({ type: "StateRetried" }));
    expect(log).toContainEqual(expect.objectContaining({ type: "StateEntered", state: "RecordFailure" }));
    expect(harness.alarms).toEqual([expect.objectContaining({ agreementId: "agr-nobody", error: "AgreementNotFoundError" })]);
  });
});
