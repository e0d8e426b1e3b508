// Issue item 5, time: `npm start` as a child process with N active agreements (the demo agreement: 2024-02-01 to
// 2026-12-31, two reports a year), its local clock jumping over more than a year twice, then set back months by
// editing the data directory's clock file between two runs. A jump sends only the newest due reminder of each kind
// (per report for report reminders), none about a date already past but the overdue report's; the clock set back
// sends nothing twice and nothing before its day. Emails are told apart by their X-IOP-Reminder header.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stockholmDate } from "../../functions/domain/dates";
import { REMINDER_HEADER } from "../../functions/email/sender";
import { caughtEmails } from "../../functions/local/mail";
import { findFreePort } from "../../functions/local/ports";
import { benchAgreement, writeAgreements } from "../../scripts/bench/agreements";
import { CATCH_UP_DEADLINE_MS, killAllRuntimes, openRuntimeTable, spawnRuntime, STARTUP_DEADLINE_MS, type RuntimeProcess } from "../support/runtime-process";
import { recordFigure, scaled } from "./scale";

const AGREEMENTS = scaled({ ci: 10, full: 100 });
const directories: string[] = [];

afterAll(async () => {
  await killAllRuntimes();
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

/** How many emails went out for each reminder key ("report-due.2025-03-31.2025-03-17.ekonomi"), over all agreements. */
async function emailsByReminder(runtime: RuntimeProcess, ids: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const email of await caughtEmails((await runtime.info()).mail.url)) {
    const [agreementId, key] = email.headers?.find((field) => field.name === REMINDER_HEADER)?.value.split(" ") ?? [];
    if (agreementId === undefined || key === undefined || !ids.includes(agreementId)) continue;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Each reminder key sent once for every agreement. */
function onceEach(keys: readonly string[]): Map<string, number> {
  return new Map(keys.map((key) => [key, AGREEMENTS]));
}

/** Lets every execution finish what it is doing: a move of the clock by a second resolves once all wait again. */
async function untilSettled(runtime: RuntimeProcess): Promise<string> {
  const { now } = (await (await fetch(`${runtime.url}/api/dev/clock`)).json()) as { now: string };
  const settled = new Date(Date.parse(now) + 1_000).toISOString();
  await runtime.moveClock(settled);
  return settled;
}

describe("time", () => {
  it(`sends only the newest reminder of each kind after clock jumps of 13 and 20 months, and nothing twice or early after the clock is set back 5½ months across a restart (${AGREEMENTS} agreements)`, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "iop-time-"));
    directories.push(dataDir);
    const port = await findFreePort();
    const env = { DEMO_DATA: "false", LOCAL_CLOCK: "2024-02-02T09:00:00+01:00" };
    let runtime = await spawnRuntime({ dataDir, port, env }).untilServing();
    const agreements = Array.from({ length: AGREEMENTS }, (_, index) => benchAgreement(`time-${index + 1}`, { title: `Partnerskap ${index + 1}`, status: "active" }));
    const ids = agreements.map((agreement) => agreement.id);
    const table = await openRuntimeTable(runtime);
    await writeAgreements(table.documentClient, table.tableName, agreements);
    table.close();
    await runtime.moveClock("2024-02-02T10:00:00+01:00");
    expect(await emailsByReminder(runtime, ids)).toEqual(new Map());

    // 13½ months on: the reports due 2025-03-31 are due in 11 days; their reminders went out on 2025-03-17, late.
    await runtime.moveClock("2025-03-20T09:00:00+01:00");
    const firstJump = ["report-due.2025-03-31.2025-03-17.ekonomi", "report-due.2025-03-31.2025-03-17.verksamhet"];
    expect(await emailsByReminder(runtime, ids)).toEqual(onceEach(firstJump));

    // 20 months on: two expiry reminders and, for each of the two reports, an overdue one for 2025 and a due and an
    // overdue one for 2026 were due meanwhile. The newest of each kind goes out, but no report-due one, its report's
    // due date having passed: 3 of 8.
    await runtime.moveClock("2026-11-15T09:00:00+01:00");
    const secondJump = ["expiry.2026-12-31.2026-10-02", "report-overdue.2026-03-31.2026-04-01.ekonomi", "report-overdue.2026-03-31.2026-04-01.verksamhet"];
    expect(await emailsByReminder(runtime, ids)).toEqual(onceEach([...firstJump, ...secondJump]));

    // Stopped, the clock set back to 2026-06-01 in the data directory, started again.
    const firstRun = runtime;
    runtime.kill("SIGTERM");
    await runtime.untilExited();
    const setBackTo = Date.parse("2026-06-01T09:00:00+02:00");
    await writeFile(path.join(dataDir, "clock.json"), `${JSON.stringify({ offsetMs: setBackTo - Date.now() })}\n`);
    runtime = await spawnRuntime({ dataDir, port, env }).untilServing();
    await runtime.untilCaughtUp();
    expect(stockholmDate(new Date(await untilSettled(runtime)))).toBe("2026-06-01");
    expect(await emailsByReminder(runtime, ids)).toEqual(onceEach([...firstJump, ...secondJump]));

    // Through the days of reminders already sent or skipped, to the one still to come.
    for (const day of ["2026-07-04T09:00:00+02:00", "2026-10-02T09:00:00+02:00", "2026-11-30T09:00:00+01:00"]) {
      await runtime.moveClock(day);
      expect(await emailsByReminder(runtime, ids), `on ${day}`).toEqual(onceEach([...firstJump, ...secondJump]));
    }
    await runtime.moveClock("2026-12-01T09:00:00+01:00");
    expect(await emailsByReminder(runtime, ids)).toEqual(onceEach([...firstJump, ...secondJump, "expiry.2026-12-31.2026-12-01"]));

    // Neither run had a workflow fail or the reconciler repair anything.
    expect(`${firstRun.stderr}${runtime.stderr}`).not.toMatch(/ALARM|failed/);
    await recordFigure(
      "5. Time",
      `${AGREEMENTS} agreements: clock jumps of 13½ and 20 months sent ${firstJump.length} and ${secondJump.length} reminders each (the newest of each kind, of 2 and 8 due); the clock set back 5½ months across a restart: none sent twice, none early, the next one on its day`,
    );
  }, 2 * STARTUP_DEADLINE_MS + 2 * CATCH_UP_DEADLINE_MS); // failure guards: two starts of the whole runtime
});

