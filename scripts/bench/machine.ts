/** The machine a figure was measured on, printed under every section of docs/benchmarks.md. */
import os from "node:os";

/** Where, when and under what load: the load average matters on a shared machine. */
export function machine(nodeVersion: string): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((value) => value.toFixed(1));
  return [
    `Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} on ${cpus[0]?.model.trim() ?? "unknown CPU"},`,
    `${cpus.length} logical cores, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB memory,`,
    `${os.type()} ${os.release()} (${os.arch()}),`,
    `Node.js ${nodeVersion}; load average ${load.join(", ")} (1, 5, 15 minutes) when the section was written.`,
  ].join("\n");
}
