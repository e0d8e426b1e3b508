// An agreement's reminders through the API: every state in one list, and staff sending an uncertain one again into
// the real mail catcher. The records are written through the reminder store, as the workflow writes them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReminderView } from "../../functions/app/reminders";
import type { Agreement } from "../../functions/domain/agreement";
import type { PlannedReminder } from "../../functions/domain/reminders";
import { runCommand } from "../../functions/app/commands";
import { createReminderStore, type ReminderStore } from "../../functions/store/reminders";
import { approval, editor, registrar } from "../support/agreements";
import { startReportTestApi, type ReportTestApi } from "../reports/setup";

let api: ReportTestApi;
let reminders: ReminderStore;

beforeAll(async () => {
  api = await startReportTestApi();
  reminders = createReminderStore({ client: api.table.documentClient, tableName: api.table.tableName });
});
afterAll(() => api.stopAll());

const list = async (agreementId: string, as: "viewer" | "editor" = "viewer") => {
  const response = await api.request(`/api/agreements/${agreementId}/reminders`, { as });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: ReminderView[] }).items;
};

const expiry = (sendOn: string): PlannedReminder => ({ kind: "expiry", sendOn, concerns: "2026-12-31" });
const at = (iso: string) => new Date(iso);

/** The 180-day reminder sent, the 90-day one uncertain, as the workflow leaves them. */
async function sentAndUncertain(agreement: Agreement) {
  await reminders.claim(agreement.id, expiry("2026-07-04"), ["editor@example.se"], at("2026-07-04T00:00:00+02:00"));
  await reminders.markSent(agreement.id, expiry("2026-07-04"), "message-1", at("2026-07-04T00:00:01+02:00"));
  await reminders.claim(agreement.id, expiry("2026-10-02"), ["editor@example.se"], at("2026-10-02T00:00:00+02:00"));
  await reminders.markUncertain(agreement.id, expiry("2026-10-02"), "socket hang up", at("2026-10-02T00:00:15+02:00"));
}

describe("GET /api/agreements/{id}/reminders", () => {
  it("lists every reminder in send order with its state: sent, uncertain, skipped with why, planned", async () => {
    const agreement = await api.activeAgreement("Påminnelser: alla lägen");
    await sentAndUncertain(agreement);
    await reminders.skip(agreement.id, { kind: "report-due", sendOn: "2025-03-17", concerns: "2025-03-31", requirementId: "verksamhet", reason: "woke-late" }, at("2025-04-02T00:00:00+02:00"));

    const items = await list(agreement.id);

    const expiries = items.filter((item) => item.kind === "expiry");
    expect(expiries).toEqual([
      expect.objectContaining({ id: "expiry.2026-12-31.2026-07-04", state: "sent", recipients: ["editor@example.se"], updatedAt: "2026-07-03T22:00:01.000Z", canResend: false }),
      expect.objectContaining({ id: "expiry.2026-12-31.2026-10-02", state: "uncertain", lastError: "socket hang up", canResend: true }),
      { id: "expiry.2026-12-31.2026-12-01", kind: "expiry", sendOn: "2026-12-01", concerns: "2026-12-31", state: "planned", canResend: false },
    ]);
    expect(items.find((item) => item.sendOn === "2025-03-17" && item.requirementId === "verksamhet")).toMatchObject({ state: "skipped", skipReason: "woke-late" });
    expect(items.map((item) => item.sendOn)).toEqual(items.map((item) => item.sendOn).sort());
  });

  it("shows a reminder being sent, and one the workflow will try again", async () => {
    const agreement = await api.activeAgreement("Påminnelser: på väg");
    await reminders.claim(agreement.id, expiry("2026-07-04"), ["editor@example.se"], at("2026-07-04T00:00:00+02:00"));
    await reminders.claim(agreement.id, expiry("2026-10-02"), ["editor@example.se"], at("2026-10-02T00:00:00+02:00"));
    await reminders.release(agreement.id, expiry("2026-10-02"), "TooManyRequestsException: slow down", at("2026-10-02T00:00:01+02:00"));

    const states = (await list(agreement.id)).filter((item) => item.kind === "expiry").map((item) => [item.sendOn, item.state]);

    expect(states).toEqual([
      ["2026-07-04", "sending"],
      ["2026-10-02", "pending"],
      ["2026-12-01", "planned"],
    ]);
  });

  it("shows the reminders a change of settings passed over, and those a renewal or a termination cancelled", async () => {
    const changed = await api.activeAgreement("Påminnelser: ändrade");
    api.clock.set("2026-12-02T10:00:00+01:00");
    await runCommand(api.store, { agreementId: changed.id, command: { type: "update", changes: { reminders: { ...changed.reminders!, expiryDaysBefore: [180, 90, 29, 7] } } }, actor: editor, now: api.clock.now() });
    const terminated = await api.activeAgreement("Påminnelser: uppsagda");
    await runCommand(api.store, { agreementId: terminated.id, command: { type: "terminate", termination: { ground: "mutual-agreement", givenOn: "2026-12-02", effectiveDate: "2026-12-31", reason: "Verksamheten upphör" } }, actor: editor, now: api.clock.now() });
    const renewed = await api.activeAgreement("Påminnelser: förnyade");
    const successorId = `${renewed.id}-next`;
    await runCommand(api.store, { agreementId: renewed.id, command: { type: "renew", successorId }, actor: editor, now: api.clock.now() });
    await runCommand(api.store, { agreementId: successorId, command: { type: "submit" }, actor: editor, now: api.clock.now() });
    await runCommand(api.store, { agreementId: successorId, command: { type: "decide", decision: { ...approval, date: "2026-12-02" } }, actor: registrar, now: api.clock.now() });
    api.clock.set("2026-03-01T10:00:00Z");

    const afterRenewal = (await list(renewed.id)).map((item) => [item.kind, item.state, item.skipReason]);
    const afterChange = (await list(changed.id)).filter((item) => item.kind === "expiry").map((item) => [item.sendOn, item.state, item.skipReason]);
    const afterTermination = new Set((await list(terminated.id)).map((item) => `${item.kind} ${item.concerns} ${item.state} ${item.skipReason}`));

    expect(afterChange).toEqual([
      ["2026-07-04", "skipped", "schedule-changed"],
      ["2026-10-02", "skipped", "schedule-changed"],
      ["2026-12-02", "skipped", "schedule-changed"],
      ["2026-12-24", "planned", undefined],
    ]);
    // Reports due until the last day in force stay due; what comes after it is cancelled.
    expect(afterTermination).toEqual(
      new Set([
        "expiry 2026-12-31 skipped termination",
        "report-due 2025-03-31 planned undefined",
        "report-overdue 2025-03-31 planned undefined",
        "report-due 2026-03-31 planned undefined",
        "report-overdue 2026-03-31 planned undefined",
        "report-due 2027-03-31 skipped termination",
        "report-overdue 2027-03-31 skipped termination",
      ]),
    );
    expect(afterRenewal.filter(([kind]) => kind === "expiry")).toEqual([
      ["expiry", "skipped", "renewal"],
      ["expiry", "skipped", "renewal"],
      ["expiry", "skipped", "renewal"],
    ]);
    expect(afterRenewal.filter(([kind]) => kind === "report-due").every(([, state]) => state === "planned")).toBe(true);
  });

  it("lists none for a draft, and answers 404 for an agreement that does not exist", async () => {
    const draft = await api.request("/api/agreements", { method: "POST", as: "editor", body: { title: "Påminnelser: utkast" } });
    expect(await list(((await draft.json()) as Agreement).id)).toEqual([]);
    expect((await api.request("/api/agreements/agr-nobody/reminders", { as: "viewer" })).status).toBe(404);
  });
});

describe("POST /api/agreements/{id}/reminders/{reminderId}/resend", () => {
  const resend = (agreementId: string, reminderId: string, as: "viewer" | "editor" = "editor") =>
    api.request(`/api/agreements/${agreementId}/reminders/${reminderId}/resend`, { method: "POST", as });

  it("sends an uncertain reminder again once, to today's recipients, and records who asked", async () => {
    const agreement = await api.activeAgreement("Påminnelser: skicka igen");
    await sentAndUncertain(agreement);
    api.clock.set("2026-10-05T09:00:00+02:00");

    const responses = await Promise.all([resend(agreement.id, "expiry.2026-12-31.2026-10-02"), resend(agreement.id, "expiry.2026-12-31.2026-10-02")]);

    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    const sent = (await responses.find((response) => response.status === 200)!.json()) as ReminderView;
    expect(sent).toMatchObject({ state: "sent", attempts: 2, resentBy: "editor@example.se", canResend: false });
    const emails = (await api.emailsTo("editor@example.se")).filter((email) => email.subject.includes("Påminnelser: skicka igen"));
    expect(emails.map((email) => email.subject)).toEqual(["Avtalet löper ut om 87 dagar: Påminnelser: skicka igen"]);
    expect(emails[0]!.destination.cc).toEqual(["iop-team@example.se"]);
    api.clock.set("2026-03-01T10:00:00Z");
  });

  it("refuses a reminder that is not uncertain (409), one never recorded (404), a malformed id (400), and a viewer (403)", async () => {
    const agreement = await api.activeAgreement("Påminnelser: vägrade");
    await sentAndUncertain(agreement);

    const sent = await resend(agreement.id, "expiry.2026-12-31.2026-07-04");
    expect(sent.status).toBe(409);
    expect(await sent.json()).toMatchObject({ detail: expect.stringContaining("this one is sent") });
    expect((await resend(agreement.id, "expiry.2026-12-31.2026-12-01")).status).toBe(404);
    expect((await resend(agreement.id, "expiry-2026-12-01")).status).toBe(400);
    expect((await resend(agreement.id, "expiry.2026-12-31.2026-10-02", "viewer")).status).toBe(403);
    expect((await list(agreement.id)).find((item) => item.sendOn === "2026-10-02")).toMatchObject({ state: "uncertain" });
  });
});
