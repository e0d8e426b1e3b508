// Issue item 5, time: the local runtime (a real child process) with agreements like Mamma United, reports included.
// Its clock jumps over more than two years in one move, which sends only the newest reminder of each kind and skips
// the rest; then, between two runs, the data directory's clock is set back by a month: nothing is sent twice, and
// nothing before its day.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stockholmDate } from "../../functions/domain/dates";
import { REMINDER_HEADER } from "../../functions/email/sender";
import type { ReminderRecord } from "../../functions/store/reminders";
import type { RuntimeProcess } from "../support/runtime-process";
import { activeAgreements, keptEmails, moveClock, runtimePlace, startRuntime, tablesOf } from "./local-runtime";
import { recordFigure, scaled } from "./scale";

const AGREEMENTS = scaled({ ci: 10, full: 100 });
/** The day after the agreements became active. */
const START = "2024-02-02T09:00:00+01:00";
/** The 180-day expiry reminder's day, two years and five months on. */
const JUMP_TO = "2026-07-04T08:00:00+02:00";
const SET_BACK_TO = new Date("2026-06-01T08:00:00+02:00");
/** The day before the 90-day expiry reminder, and its day. */
const EVE_OF_NEXT = "2026-10-01T08:00:00+02:00";
const NEXT_DUE = "2026-10-02T08:00:00+02:00";

let place: Awaited<ReturnType<typeof runtimePlace>>;
afterAll(() => place?.cleanUp());

async function records(runtime: RuntimeProcess, ids: readonly string[]): Promise<ReminderRecord[]> {
  const tables = await tablesOf(runtime);
  try {
    return (await Promise.all(ids.map((id) => tables.reminders.list(id)))).flat();
  } finally {
    tables.close();
  }
}

async function settle(runtime: RuntimeProcess, now: string): Promise<void> {
  const response = await moveClock(runtime, now);
  expect(response.status, await response.text()).toBe(200);
}

/** Each email's reminder, from its header; a reminder sent twice shows up twice. */
async function sentReminders(dataDir: string): Promise<string[]> {
  return (await keptEmails(dataDir)).map((email) => email.headers?.find((field) => field.name === REMINDER_HEADER)?.value ?? "no header");
}

describe("time", () => {
  it(`jumps ${AGREEMENTS} agreements' clock over two years sending only the newest reminder of each kind, then set back a month between runs: 0 duplicates, 0 early`, async () => {
    place = await runtimePlace();
    let runtime = await startRuntime(place, { LOCAL_CLOCK: START, DEMO_DATA: "false" });
    const tables = await tablesOf(runtime);
    const ids = await activeAgreements(tables.agreements, AGREEMENTS, "time", { withReports: true });
    tables.close();

    await settle(runtime, JUMP_TO);
    const afterJump = await records(runtime, ids);
    const sentAfterJump = afterJump.filter((record) => record.status === "sent");
    // Of each kind (per reporting requirement), only the newest due reminder went out; the older ones are skipped.
    const groups = new Map<string, ReminderRecord[]>();
    for (const record of afterJump) {
      const group = `${record.agreementId} ${record.kind} ${record.requirementId ?? ""}`;
      groups.set(group, [...(groups.get(group) ?? []), record]);
    }
    for (const [group, members] of groups) {
      const newest = members.reduce((one, other) => (one.sendOn > other.sendOn ? one : other));
      const older = members.filter((member) => member !== newest);
      expect(older.map((member) => member.status), group).toEqual(older.map(() => "skipped"));
      // A "report due in 14 days" about a due date already past is skipped too; everything else newest is sent.
      const pastReportDue = newest.kind === "report-due" && newest.concerns < stockholmDate(new Date(JUMP_TO));
      expect(newest.status, group).toBe(pastReportDue ? "skipped" : "sent");
    }
    expect(new Set(sentAfterJump.map((record) => record.kind))).toEqual(new Set(["expiry", "report-overdue"]));

    // Between two runs, the data directory's clock goes back a month.
    runtime.kill("SIGTERM");
    await runtime.untilExited();
    const clockFile = path.join(place.dataDir, "clock.json");
    const { offsetMs } = JSON.parse(await readFile(clockFile, "utf8")) as { offsetMs: number };
    await writeFile(clockFile, `${JSON.stringify({ offsetMs: SET_BACK_TO.getTime() - Date.now() })}\n`);
    runtime = await startRuntime(place, { DEMO_DATA: "false" });
    expect(offsetMs).toBeGreaterThan(SET_BACK_TO.getTime() - Date.now());
    await settle(runtime, EVE_OF_NEXT);
    const beforeNext = await sentReminders(place.dataDir);
    await settle(runtime, NEXT_DUE);
    const all = await sentReminders(place.dataDir);
    const final = await records(runtime, ids);

    expect(beforeNext).toHaveLength(sentAfterJump.length);
    const duplicates = all.filter((reminder, index) => all.indexOf(reminder) !== index);
    expect(duplicates).toEqual([]);
    expect(all).not.toContain("no header");
    const sent = final.filter((record) => record.status === "sent");
    expect(all).toHaveLength(sent.length);
    expect(sent).toHaveLength(sentAfterJump.length + AGREEMENTS);
    // None early: each went out on or after its day, on the runtime's own clock.
    const early = sent.filter((record) => stockholmDate(new Date(record.updatedAt)) < record.sendOn);
    expect(early).toEqual([]);
    await recordFigure(
      "5. Time",
      `${AGREEMENTS} agreements: a clock jump of 2 years 5 months sent ${sentAfterJump.length} reminders (the newest expiry and overdue-report reminder of each, ${afterJump.length - sentAfterJump.length} skipped); clock set back a month between runs, then forward past the next reminder: ${all.length} emails in all, 0 duplicates, 0 early`,
    );
  }, 15 * 60_000); // a failure guard: two starts of the runtime and the clock moves
});
