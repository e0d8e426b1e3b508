// `GET`/`POST /api/dev/clock` on the local clock, and how the local runtime keeps it across restarts.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devClockRoutes, DEV_CLOCK_PATH } from "../../functions/api/dev-clock";
import { loadClock, MovableClock, saveClock } from "../../functions/local/clock";

const directories: string[] = [];

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

function routesOn(clock: MovableClock) {
  const moves: Date[] = [];
  const app = devClockRoutes({
    now: () => clock.now(),
    async moveTo(instant) {
      if (!clock.moveTo(instant)) return false;
      moves.push(instant);
      return true;
    },
  });
  const post = (body: unknown) =>
    app.request(DEV_CLOCK_PATH, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { app, post, moves };
}

describe("the dev clock route", () => {
  it("tells the local time and Stockholm date, and moves the clock forward", async () => {
    const { app, post, moves } = routesOn(new MovableClock(new Date("2026-10-01T12:00:00Z"), () => 0));

    expect(await (await app.request(DEV_CLOCK_PATH)).json()).toEqual({ now: "2026-10-01T12:00:00.000Z", today: "2026-10-01" });
    const moved = await post({ now: "2026-10-02T08:00:00+02:00" });

    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual({ now: "2026-10-02T06:00:00.000Z", today: "2026-10-02" });
    expect(moves).toEqual([new Date("2026-10-02T06:00:00Z")]);
  });

  it("refuses to move the clock back, and input that is not a date and time with an offset, as problems", async () => {
    const { post, moves } = routesOn(new MovableClock(new Date("2026-10-01T12:00:00Z"), () => 0));

    const back = await post({ now: "2026-09-30T12:00:00Z" });
    expect(back.status).toBe(409);
    expect(back.headers.get("content-type")).toBe("application/problem+json");
    expect(await back.json()).toMatchObject({ title: "Clock cannot move back", errors: [{ path: "now" }] });

    for (const body of [{ now: "2026-10-02" }, { now: "tomorrow" }, {}]) {
      const refused = await post(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(await refused.json()).toMatchObject({ errors: [expect.objectContaining({ path: "now" })] });
    }
    expect(moves).toEqual([]);
  });
});

describe("the local clock", () => {
  it("flows with real time from where it was put, and keeps its lead in the data directory", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "iop-clock-"));
    directories.push(directory);
    const file = path.join(directory, "clock.json");
    let real = 1_000_000;
    const clock = new MovableClock(new Date("2023-11-20T08:00:00Z"), () => real);
    real += 5_000;
    expect(clock.now()).toEqual(new Date("2023-11-20T08:00:05Z"));

    expect(clock.moveTo(new Date("2026-10-02T06:00:00Z"))).toBe(true);
    expect(clock.moveTo(new Date("2026-10-01T00:00:00Z"))).toBe(false);
    await saveClock(file, clock);

    expect((await loadClock(file, new Date("2020-01-01T00:00:00Z"))).offsetMs).toBe(clock.offsetMs);
    const fresh = await loadClock(path.join(directory, "fresh.json"), new Date("2020-01-01T00:00:00Z"));
    expect(fresh.now().getUTCFullYear()).toBe(2020);
    expect((await loadClock(path.join(directory, "fresh.json"), new Date("2025-01-01T00:00:00Z"))).offsetMs).toBe(fresh.offsetMs);
  });
});
