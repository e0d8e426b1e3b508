/**
 * Where the local runtime's log lines go: its terminal, in batches. Node writes to a terminal or a pipe
 * synchronously on Linux, and one write per request was under about a fifth of node's busy time on a loaded detail
 * route (docs/benchmarks.md). Lines logged in one turn of the event loop are written together, in order, at the start of
 * the next. Lambda's handlers write each line at once instead: a function may be frozen right after it answers.
 */
export function batchedLines(stream: { write(chunk: string): unknown }): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    const lines = pending.join("");
    pending = [];
    stream.write(lines);
  };
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
}
