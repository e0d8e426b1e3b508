// The reliability suite's two sizes, and where a full-scale run leaves its figures. In `npm test` every test runs at
// the CI size; `RELIABILITY_SCALE=full npm test -- test/reliability` runs the sizes the issue names and writes each
// test's figure into docs/reliability.md, with the machine and the date beside it.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

export const FULL_SCALE = process.env.RELIABILITY_SCALE === "full";

/** `ci` in `npm test`, `full` with RELIABILITY_SCALE=full. */
export function scaled<T>(sizes: { ci: T; full: T }): T {
  return FULL_SCALE ? sizes.full : sizes.ci;
}

const REPORT = fileURLToPath(new URL("../../docs/reliability.md", import.meta.url));
const LOCK = `${REPORT}.lock`;
const TABLE_START = "<!-- figures: written by RELIABILITY_SCALE=full npm test -- test/reliability -->";
const TABLE_END = "<!-- /figures -->";
const TABLE_HEAD = ["| Item | Figure | Measured |", "| --- | --- | --- |"];

/** The machine a figure was measured on, in a few words. */
function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.versions.node}`;
}

/**
 * At full scale, puts `figure` in the figures table of docs/reliability.md as the row of `item` (e.g. "1. Crash
 * mid-sweep"), replacing that item's earlier row. Test files run in parallel, so the file is taken in turns.
 */
export async function recordFigure(item: string, figure: string): Promise<void> {
  if (!FULL_SCALE) return;
  await withLock(async () => {
    const text = await readFile(REPORT, "utf8");
    const start = text.indexOf(TABLE_START);
    const end = text.indexOf(TABLE_END);
    if (start === -1 || end === -1) throw new Error(`docs/reliability.md has no figures table (${TABLE_START} … ${TABLE_END})`);
    const rows = text
      .slice(start + TABLE_START.length, end)
      .split("\n")
      .filter((line) => line.startsWith("| ") && !TABLE_HEAD.includes(line));
    const row = `| ${item} | ${figure} | ${new Date().toISOString().slice(0, 10)}, ${machine()} |`;
    const kept = rows.filter((line) => !line.startsWith(`| ${item} |`));
    const sorted = [...kept, row].sort((one, other) => one.localeCompare(other, "en", { numeric: true }));
    await writeFile(REPORT, `${text.slice(0, start)}${[TABLE_START, ...TABLE_HEAD, ...sorted, TABLE_END].join("\n")}${text.slice(end + TABLE_END.length)}`);
  });
}

async function withLock(work: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      await sleep(50);
    }
  }
  try {
    await work();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
