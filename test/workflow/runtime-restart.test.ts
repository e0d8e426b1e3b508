// `npm start` as a real process: the workflow engine, the mail catcher and the dev clock behind the HTTP API, killed
// with SIGKILL in the middle of an agreement's life and started again on the same data directory; the sent email,
// the mail view's port and the local provider's tokens outlive the restart.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Command } from "../../functions/domain/lifecycle";
import { caughtEmails, type CaughtEmail } from "../../functions/local/mail";
import { findFreePort } from "../../functions/local/ports";
import { createAgreement, runCommand } from "../../functions/app/commands";
import { approval, editor, mammaUnitedContent, registrar } from "../support/agreements";
import { killAllRuntimes, openRuntimeTable, spawnRuntime, STARTUP_DEADLINE_MS, type RuntimeProcess } from "../support/runtime-process";

const ID = "mamma-united";
const directories: string[] = [];

afterAll(async () => {
  await killAllRuntimes();
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

/** A Bearer token for the seeded editor from the runtime's local provider. */
async function devToken(runtime: RuntimeProcess): Promise<string> {
  const response = await fetch(`${runtime.url}/api/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "editor@example.se" }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

describe("the local runtime's workflow", () => {
  it("sends exactly the three expiry reminders across a SIGKILL and a restart, none twice and none missed", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "iop-workflow-"));
    directories.push(dataDir);
    const port = await findFreePort();
    const env = { DEMO_DATA: "false", LOCAL_CLOCK: "2023-11-20T09:00:00+01:00" };
    let runtime = await spawnRuntime({ dataDir, port, env }).untilServing();
    expect((await runtime.health()).body).toMatchObject({ components: { mail: { ok: true }, workflow: { ok: true } } });

    const { agreements: store, close } = await openRuntimeTable(runtime);
    await createAgreement(store, { id: ID, content: mammaUnitedContent(), actor: editor, now: new Date("2023-11-20T09:00:00+01:00") });
    await runtime.moveClock("2023-12-05T10:00:00+01:00");
    await runCommand(store, { agreementId: ID, command: { type: "submit" }, actor: editor, now: new Date("2023-12-05T10:00:00+01:00") });
    await runtime.moveClock("2024-01-18T15:00:00+01:00");
    const decision = { ...approval, date: "2024-01-18" };
    await runCommand(store, { agreementId: ID, command: { type: "decide", decision }, actor: registrar, now: new Date("2024-01-18T15:00:00+01:00") });
    // Submitting needs a reporting requirement; without one from here on, only the expiry reminders apply.
    const withoutReports: Command = { type: "update", changes: { reportingRequirements: [] } };
    await runCommand(store, { agreementId: ID, command: withoutReports, actor: editor, now: new Date("2024-01-18T15:00:00+01:00") });
    await runtime.moveClock("2024-02-01T08:00:00+01:00");
    expect((await store.get(ID))?.status).toBe("active");
    await runtime.moveClock("2026-07-04T08:00:00+02:00");
    close();
    const mailBeforeKill = (await runtime.info()).mail.url;
    const beforeKill: CaughtEmail[] = await caughtEmails(mailBeforeKill);
    const tokenBeforeKill = await devToken(runtime);

    runtime.kill("SIGKILL");
    await runtime.exited;
    runtime = await spawnRuntime({ dataDir, port, env }).untilServing();
    // What was handed out before the restart still works: the token, and the mail view's address.
    const listed = await fetch(`${runtime.url}/api/agreements`, { headers: { Authorization: `Bearer ${tokenBeforeKill}` } });
    expect(listed.status, await listed.clone().text()).toBe(200);
    expect((await runtime.info()).mail.url).toBe(mailBeforeKill);
    for (const now of ["2026-07-05T08:00:00+02:00", "2026-10-02T08:00:00+02:00", "2026-12-01T08:00:00+01:00", "2027-01-01T08:00:00+01:00"]) {
      await runtime.moveClock(now);
    }
    // The catcher lists what was sent before the kill too, so a duplicate across the restart would show here.
    const afterRestart = await caughtEmails((await runtime.info()).mail.url);

    expect(beforeKill.map((email) => email.subject)).toEqual(["Avtalet löper ut om 180 dagar: Partnerskap för delaktighet, tillit och framtidstro hos mammor"]);
    expect(afterRestart.map((email) => email.subject)).toEqual([
      "Avtalet löper ut om 180 dagar: Partnerskap för delaktighet, tillit och framtidstro hos mammor",
      "Avtalet löper ut om 90 dagar: Partnerskap för delaktighet, tillit och framtidstro hos mammor",
      "Avtalet löper ut om 30 dagar: Partnerskap för delaktighet, tillit och framtidstro hos mammor",
    ]);
    expect(afterRestart[0]).toEqual(beforeKill[0]);
    for (const email of afterRestart) {
      expect(email.destination.to).toEqual(["editor@example.se"]);
      expect(email.body.text).toContain(`${runtime.url.replace("127.0.0.1", "localhost")}/agreements/${ID}`);
    }
    const reopened = await openRuntimeTable(runtime);
    expect((await reopened.agreements.get(ID))?.status).toBe("expired");
    reopened.close();

    const clock = await (await fetch(`${runtime.url}/api/dev/clock`)).json();
    expect(clock).toMatchObject({ today: "2027-01-01" });
    const back = await fetch(`${runtime.url}/api/dev/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ now: "2026-01-01T00:00:00+01:00" }),
    });
    expect(back.status).toBe(409);
    expect(back.headers.get("content-type")).toContain("application/problem+json");
  }, 2 * STARTUP_DEADLINE_MS + 60_000); // two starts of the whole runtime: a failure guard, not a timing
});
