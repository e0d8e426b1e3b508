/**
 * The local runtime's clock: real time plus an offset that can only grow, so a demo or a test can jump to the
 * day a reminder is due (`POST /api/dev/clock`). The offset is kept in the data directory across restarts.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Clock } from "../domain/clock";

export class MovableClock implements Clock {
  #offsetMs: number;

  /** Starts at `start` (real time when left out); time then flows as real time does. */
  constructor(start?: Date, private readonly realNow: () => number = Date.now) {
    this.#offsetMs = start === undefined ? 0 : start.getTime() - realNow();
  }

  /** A clock `offsetMs` ahead of real time (behind when negative). */
  static ahead(offsetMs: number): MovableClock {
    const clock = new MovableClock();
    clock.#offsetMs = offsetMs;
    return clock;
  }

  now(): Date {
    return new Date(this.realNow() + this.#offsetMs);
  }

  /** How far ahead of real time the clock is, in milliseconds (negative when it was started in the past). */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Moves the clock to `instant`; false, and nothing moves, when `instant` is before its current time. */
  moveTo(instant: Date): boolean {
    if (instant < this.now()) return false;
    this.#offsetMs = instant.getTime() - this.realNow();
    return true;
  }
}

/**
 * The clock as the data directory left it; when it has none, one starting at `start` (real time when left out),
 * saved there at once so later starts continue from it.
 */
export async function loadClock(file: string, start?: Date): Promise<MovableClock> {
  try {
    const { offsetMs } = JSON.parse(await readFile(file, "utf8")) as { offsetMs: number };
    return MovableClock.ahead(offsetMs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const clock = new MovableClock(start);
    await saveClock(file, clock);
    return clock;
  }
}

export async function saveClock(file: string, clock: MovableClock): Promise<void> {
  await writeFile(file, `${JSON.stringify({ offsetMs: clock.offsetMs })}\n`);
}
