// Issue item 1, a crash mid-sweep: the local runtime (`npm start`, a real child process) with many active agreements
// whose 180-day expiry reminders fall due on the same day. The clock moves to that day, and while the runtime sends
// them it is killed with SIGKILL, then started again on the same data directory. Every due reminder is then sent
// exactly once: counted in what the mail catcher kept on disk and in the reminder records.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import type { RuntimeProcess } from "../support/runtime-process";
import { activeAgreements, agreementOf, keptEmails, moveClock, runtimePlace, startRuntime, tablesOf } from "./local-runtime";
import { recordFigure, scaled } from "./scale";

const AGREEMENTS = scaled({ ci: 100, full: 1_000 });
const ENV = { LOCAL_CLOCK: "2026-06-01T09:00:00+02:00" };
/** 180 days before 2026-12-31. */
const DUE_DAY = "2026-07-04T08:00:00+02:00";

let place: Awaited<ReturnType<typeof runtimePlace>>;

afterAll(() => place?.cleanUp());

describe("a crash mid-sweep", () => {
  it(`sends each of ${AGREEMENTS.toLocaleString("en")} reminders due the same day exactly once across a SIGKILL mid-sweep and a restart`, async () => {
    place = await runtimePlace();
    let runtime: RuntimeProcess = await startRuntime(place, ENV);
    const tables = await tablesOf(runtime);
    const ids = await activeAgreements(tables.agreements, AGREEMENTS, "sweep");
    tables.close();

    // The sweep: the clock's answer comes once every execution has caught up, so it is not awaited before the kill.
    const sweep = moveClock(runtime, DUE_DAY).catch(() => null);
    const killAt = Math.ceil(AGREEMENTS / 3);
    let keptAtKill = 0;
    for (;;) {
      keptAtKill = (await keptEmails(place.dataDir)).length;
      if (keptAtKill >= killAt) break;
      if (keptAtKill >= AGREEMENTS) throw new Error("The sweep finished before it could be interrupted");
      await sleep(20);
    }
    runtime.kill("SIGKILL");
    await runtime.exited;
    await sweep;
    const keptBeforeRestart = (await keptEmails(place.dataDir)).length;
    runtime = await startRuntime(place, ENV);

    // The restarted runtime catches up by itself; moving the clock a minute waits until every execution has.
    const settled = await moveClock(runtime, "2026-07-04T08:01:00+02:00");
    expect(settled.status, await settled.text()).toBe(200);

    const emails = await keptEmails(place.dataDir);
    const perAgreement = new Map<string, number>();
    for (const email of emails) perAgreement.set(agreementOf(email), (perAgreement.get(agreementOf(email)) ?? 0) + 1);
    const tablesAfter = await tablesOf(runtime);
    const statuses = new Map<string, number>();
    const notSentOnce: string[] = [];
    for (const id of ids) {
      const records = await tablesAfter.reminders.list(id);
      for (const record of records) statuses.set(record.status, (statuses.get(record.status) ?? 0) + 1);
      const sent = records.filter((record) => record.status === "sent");
      if (perAgreement.get(id) !== 1 || records.length !== 1 || sent.length !== 1) {
        notSentOnce.push(`${id}: ${perAgreement.get(id) ?? 0} emails, records ${records.map((record) => record.status).join(", ") || "none"}`);
      }
    }
    tablesAfter.close();
    const recordStatuses = [...statuses.entries()].map(([status, count]) => `${count} ${status}`).join(", ");
    expect(notSentOnce, `records: ${recordStatuses}`).toEqual([]);
    expect(emails).toHaveLength(AGREEMENTS);
    await recordFigure(
      "1. Crash mid-sweep",
      `${AGREEMENTS.toLocaleString("en")} reminders due the same day; SIGKILL after ${keptAtKill.toLocaleString("en")} were kept (${keptBeforeRestart.toLocaleString("en")} on disk at the restart); after the restart ${emails.length.toLocaleString("en")} emails, each agreement's reminder sent exactly once (records: ${recordStatuses})`,
    );
  }, 15 * 60_000); // a failure guard: two starts of the runtime and the sweeps
});
