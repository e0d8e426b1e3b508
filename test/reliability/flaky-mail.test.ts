// Issue item 2, a flaky mail service: the workflow as the local runtime runs it (DynamoDB Local, the local engine,
// the real SES client) sending through a proxy in front of the mail catcher that fails 30 % of the sends, half of
// those after the catcher took the email (the answer is lost), half throttled before it. Every reminder is sent at
// most once; every one not known to be sent is `uncertain` (for a person to check) or was retried until sent; none
// is lost without a trace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REMINDER_HEADER } from "../../functions/email/sender";
import { caughtEmails } from "../../functions/local/mail";
import { mammaUnitedContent } from "../support/agreements";
import { startFailingProxy, type FailingProxy } from "../workflow/failing-proxy";
import { startHarness, type Harness } from "../workflow/harness";
import { recordFigure, scaled } from "./scale";

const AGREEMENTS = scaled({ ci: 40, full: 400 });
const FAILURE_RATE = 0.3;
const AFTER_ACCEPTED_SHARE = 0.5;

let proxy: FailingProxy;
let harness: Harness;

/** Deterministic, so a failure runs again as it was. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

beforeAll(async () => {
  proxy = await startFailingProxy();
  harness = await startHarness({
    start: "2026-06-01T09:00:00+02:00",
    sesEndpoint: (catcherUrl) => {
      proxy.target = catcherUrl;
      return proxy.url;
    },
  });
});
afterAll(async () => {
  await harness?.stop();
  await proxy?.close();
});

describe("a flaky mail service", () => {
  it(`sends each of ${AGREEMENTS} reminders at most once with ${FAILURE_RATE * 100} % of sends failing (half after acceptance); every one not sent is uncertain, none lost`, async () => {
    const ids: string[] = [];
    for (let index = 0; index < AGREEMENTS; index++) {
      const id = `flaky-${String(index + 1).padStart(4, "0")}`;
      ids.push(id);
      await harness.create(id, { ...mammaUnitedContent(), title: `Partnerskap ${index + 1}` });
      await harness.command(id, { type: "submit" });
      await harness.command(id, { type: "decide", decision: { outcome: "approved", date: "2026-06-01", body: "Kommunstyrelsen", diaryNumber: `KS 2026/${index + 1}`, minuteReference: "§ 1" } });
      // Only the expiry reminders: the agreement's reports are not what this is about.
      await harness.command(id, { type: "update", changes: { reportingRequirements: [] } });
    }
    await harness.jumpTo("2026-06-02T09:00:00+02:00");
    proxy.failRandomly({ rate: FAILURE_RATE, loseAnswerShare: AFTER_ACCEPTED_SHARE, random: seededRandom(2_026) });
    // The 180-day expiry reminders of all of them, due the same day.
    await harness.jumpTo("2026-07-04T08:00:00+02:00");

    const emails = (await caughtEmails(harness.mailUrl)).filter((email) => email.subject.includes("180 dagar"));
    const copies = new Map<string, number>();
    for (const email of emails) {
      const reminder = email.headers?.find((field) => field.name === REMINDER_HEADER)?.value ?? "no header";
      copies.set(reminder, (copies.get(reminder) ?? 0) + 1);
    }
    const statuses = new Map<string, number>();
    const problems: string[] = [];
    for (const id of ids) {
      const records = (await harness.reminders.list(id)).filter((record) => record.kind === "expiry" && record.sendOn === "2026-07-04");
      const record = records[0];
      if (record === undefined) {
        problems.push(`${id}: no record: lost without a trace`);
        continue;
      }
      statuses.set(record.status, (statuses.get(record.status) ?? 0) + 1);
      const sent = copies.get(`${id} ${record.key}`) ?? 0;
      if (sent > 1) problems.push(`${id}: sent ${sent} times`);
      if (record.status === "sent" && sent !== 1) problems.push(`${id}: recorded sent, ${sent} emails`);
      if (!["sent", "uncertain"].includes(record.status)) problems.push(`${id}: left ${record.status}`);
    }
    const recordStatuses = [...statuses.entries()].map(([status, count]) => `${count} ${status}`).join(", ");
    expect(problems, `records: ${recordStatuses}; failed sends: ${JSON.stringify(proxy.failed)}`).toEqual([]);
    expect(proxy.failed.throttle + proxy.failed["lose-answer"]).toBeGreaterThan(0);
    await recordFigure(
      "2. A flaky mail service",
      `${AGREEMENTS} reminders due the same day, ${FAILURE_RATE * 100} % of sends failing (${proxy.failed.throttle} throttled before the catcher, ${proxy.failed["lose-answer"]} answers lost after it took the email): ${emails.length} emails, none twice; records ${recordStatuses}; none pending, none lost`,
    );
  }, 10 * 60_000); // a failure guard: the workflow's retries
});
