import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { batchedLines } from "../../functions/local/log-output";

describe("the local runtime's log output", () => {
  it("writes the lines of one turn in one write, in order, on the next turn", async () => {
    const writes: string[] = [];
    const write = batchedLines({ write: (chunk: string) => writes.push(chunk) });

    write("one\n");
    write("two\n");
    write("three\n");
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(["one\ntwo\nthree\n"]);

    write("four\n");
    await nextTurn();
    expect(writes).toEqual(["one\ntwo\nthree\n", "four\n"]);
  });
});
