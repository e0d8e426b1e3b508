// Issue item 1, crash mid-sweep: `npm start` as a child process with N active agreements whose 180-day reminders
// fall due the same day; the clock moved to that day, the process SIGKILLed once some but not all of the emails are
// in the mail catcher's store, then started again on the same data directory. Every due reminder ends sent exactly
// once or `uncertain` (for a person to check), none twice, none lost: counted in the catcher's store by each email's
// X-IOP-Reminder header and in the reminder records.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Agreement } from "../../functions/domain/agreement";
import { transition } from "../../functions/domain/lifecycle";
import { REMINDER_HEADER } from "../../functions/email/sender";
import { caughtEmails, readSentFile, type CaughtEmail } from "../../functions/local/mail";
import { findFreePort } from "../../functions/local/ports";
import { CLAIM_TIMEOUT_MS } from "../../functions/workflow/send-reminders";
import { benchAgreement, writeAgreements } from "../../scripts/bench/agreements";
import { editor } from "../support/agreements";
import { CATCH_UP_DEADLINE_MS, killAllRuntimes, openRuntimeTable, spawnRuntime, STARTUP_DEADLINE_MS } from "../support/runtime-process";
import { recordFigure, scaled } from "./scale";

const AGREEMENTS = scaled({ ci: 100, full: 1_000 });
/** The 180-day reminder of an agreement ending 2026-12-31. */
const REMINDER_KEY = "expiry.2026-12-31.2026-07-04";
const directories: string[] = [];

afterAll(async () => {
  await killAllRuntimes();
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

/** The demo agreement, active since 2024-02-01 and ending 2026-12-31, with only its expiry reminders. */
function activeAgreement(index: number): Agreement {
  const active = benchAgreement(`crash-${String(index).padStart(4, "0")}`, { title: `Partnerskap ${index}`, status: "active" });
  const result = transition(active, { type: "update", changes: { reportingRequirements: [] } }, editor, new Date("2024-02-02T09:00:00+01:00"));
  if (!result.ok) throw new Error(result.error.message);
  return result.agreement;
}

/** The emails in the catcher's file in the data directory, which is what a restarted catcher starts from. */
async function recordedEmails(dataDir: string): Promise<CaughtEmail[]> {
  return (await readSentFile(path.join(dataDir, "mail", "sent.jsonl"))).emails;
}

function reminderOf(email: CaughtEmail): string | undefined {
  return email.headers?.find((field) => field.name === REMINDER_HEADER)?.value;
}

describe("a crash in the middle of a reminder sweep", () => {
  it(`leaves each of ${AGREEMENTS} reminders due the same day sent exactly once or uncertain after a SIGKILL mid-sweep and a restart: none twice, none lost`, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "iop-crash-"));
    directories.push(dataDir);
    const port = await findFreePort();
    const env = { DEMO_DATA: "false", LOCAL_CLOCK: "2026-07-03T09:00:00+02:00" };
    const first = await spawnRuntime({ dataDir, port, env }).untilServing();
    const ids: string[] = [];
    {
      const table = await openRuntimeTable(first);
      const agreements = Array.from({ length: AGREEMENTS }, (_, index) => activeAgreement(index + 1));
      await writeAgreements(table.documentClient, table.tableName, agreements);
      ids.push(...agreements.map((agreement) => agreement.id));
      table.close();
    }

    // A day before: every agreement gets an execution, which waits for the reminder's day.
    await first.moveClock("2026-07-03T10:00:00+02:00");
    // The reminders' day: every execution wakes at once and sends its reminder.
    const mailUrl = (await first.info()).mail.url;
    const move = first.moveClock("2026-07-04T08:00:00+02:00").catch(() => undefined);
    const killAt = Math.max(1, Math.floor(AGREEMENTS / 3));
    let atKill: number;
    while ((atKill = (await caughtEmails(mailUrl).catch(() => [])).length) < killAt) {
      if (first.hasExited) throw new Error(`The runtime exited during the sweep:\n${first.stderr}`);
    }
    first.kill("SIGKILL");
    await first.exited;
    await move;
    // What the catcher had written down when the process died: what a restarted catcher starts from.
    const keptAfterKill = (await recordedEmails(dataDir)).length;

    const second = await spawnRuntime({ dataDir, port, env }).untilServing();
    await second.untilCaughtUp();
    // A second on: resolves once every execution the restart gave back has done what it could, so that what is still
    // `sending` is what the kill left, its claims too young to settle.
    const { now } = (await (await fetch(`${second.url}/api/dev/clock`)).json()) as { now: string };
    await second.moveClock(new Date(Date.parse(now) + 1_000).toISOString());
    const table = await openRuntimeTable(second);
    let caughtSending = 0;
    // One read at a time: a hundred at once miss the client's connection timeout on a loaded machine.
    for (const id of ids) if ((await table.reminders.get(id, REMINDER_KEY))?.status === "sending") caughtSending++;
    // Past the timeout of every claim the kill left: every execution wakes, and those claims are settled.
    await second.moveClock(new Date(Date.parse(now) + CLAIM_TIMEOUT_MS + 1_000).toISOString());

    const emails = (await recordedEmails(dataDir)).filter((email) => reminderOf(email)?.endsWith(` ${REMINDER_KEY}`));
    const copies = new Map<string, CaughtEmail[]>();
    for (const email of emails) copies.set(reminderOf(email)!, [...(copies.get(reminderOf(email)!) ?? []), email]);
    const statuses = new Map<string, number>();
    const problems: string[] = [];
    for (const id of ids) {
      const record = await table.reminders.get(id, REMINDER_KEY);
      const sent = copies.get(`${id} ${REMINDER_KEY}`) ?? [];
      if (sent.length > 1) problems.push(`${id}: sent ${sent.length} times`);
      if (record === null) {
        problems.push(`${id}: no record: lost`);
        continue;
      }
      statuses.set(record.status, (statuses.get(record.status) ?? 0) + 1);
      if (record.status === "sent" && (sent.length !== 1 || sent[0]!.messageId !== record.messageId)) problems.push(`${id}: recorded sent as ${record.messageId}, ${sent.length} emails`);
      if (record.status !== "sent" && record.status !== "uncertain") problems.push(`${id}: left ${record.status}`);
    }
    table.close();
    const recordStatuses = [...statuses.entries()].map(([status, count]) => `${count} ${status}`).join(", ");

    expect(problems, `records: ${recordStatuses}`).toEqual([]);
    // The kill came in the middle of the sweep, and caught claims between `sending` and `sent`.
    expect(keptAfterKill, "emails recorded when the runtime was killed").toBeLessThan(AGREEMENTS);
    expect(caughtSending, "claims the kill left sending").toBeGreaterThan(0);
    await recordFigure(
      "1. Crash mid-sweep",
      `${AGREEMENTS} reminders due the same day; SIGKILL once ${atKill} emails were in the catcher (${keptAfterKill} kept), ${caughtSending} claims caught between sending and sent; after the restart: ${emails.length} emails, none twice; records ${recordStatuses}; none lost`,
    );
  }, 2 * STARTUP_DEADLINE_MS + 2 * CATCH_UP_DEADLINE_MS); // failure guards: two starts and two sweeps of the whole runtime
});
