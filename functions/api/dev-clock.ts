/**
 * `GET` and `POST /api/dev/clock`, local only: read the local clock, or move it forward to show or test what
 * happens on a later day. Moving it re-evaluates every workflow execution: the answer comes once each has caught
 * up (sent what is due, moved its agreement's status) and waits again. The deployed app has no such route.
 */
import { Hono, type Context } from "hono";
import * as z from "zod";
import { stockholmDate } from "../domain/dates";
import { fieldErrorsFromZod } from "../domain/errors";
import type { AppEnv } from "./env";
import { problemResponse } from "./problems";

export const DEV_CLOCK_PATH = "/api/dev/clock";

export interface DevClock {
  now(): Date;
  /**
   * Moves the clock to `instant` and resolves once every execution has caught up. Resolves false, without
   * moving, when `instant` is before the clock's current time.
   */
  moveTo(instant: Date): Promise<boolean>;
}

const requestSchema = z.object({
  now: z.iso.datetime({ offset: true, message: 'An ISO 8601 date and time with an offset, like "2026-10-02T08:00:00+02:00"' }),
});

function clockState(c: Context<AppEnv>, now: Date) {
  c.header("Cache-Control", "no-store");
  return c.json({ now: now.toISOString(), today: stockholmDate(now) });
}

export function devClockRoutes(clock: DevClock): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get(DEV_CLOCK_PATH, (c) => clockState(c, clock.now()))
    .post(DEV_CLOCK_PATH, async (c) => {
      const body: unknown = await c.req.json().catch(() => undefined);
      const parsed = requestSchema.safeParse(body);
      if (!parsed.success) {
        return problemResponse(c, 400, "Invalid request", 'Send JSON like { "now": "2026-10-02T08:00:00+02:00" }', fieldErrorsFromZod(parsed.error));
      }
      if (!(await clock.moveTo(new Date(parsed.data.now)))) {
        const message = `The local clock only moves forward; it is ${clock.now().toISOString()} now`;
        return problemResponse(c, 409, "Clock cannot move back", message, [{ path: "now", message }]);
      }
      return clockState(c, clock.now());
    });
}
