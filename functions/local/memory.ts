/**
 * Giving memory back after a clock move. A move over many agreements runs months of workflow in seconds, a burst
 * of allocation after which V8 keeps the heap it grew to until it needs the room again: after a year over 100
 * active agreements the runtime held about 600 MB, of which 70 MB were still in use. The local runtime is a tool on
 * a developer's machine, so after such a burst it collects at once (a full collection of a heap this size takes
 * milliseconds) and the memory goes back to the system. `npm run bench -- workflow-clock` measures it.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | undefined;

/** A full garbage collection, without starting Node with `--expose-gc`. */
export function collectGarbage(): void {
  if (collect === undefined) {
    // The flag makes a fresh context get the `gc` global; the process's own stays as it was.
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
}
