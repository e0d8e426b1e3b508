import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { collectGarbage } from "../../functions/local/memory";

describe("collectGarbage (the local runtime after a clock move)", () => {
  it("collects what nothing refers to any more, without Node started with --expose-gc", async () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    const dropped = new WeakRef({ payload: new Array(10_000).fill("left over from a catch-up") });
    // A WeakRef keeps its target alive to the end of the turn that made it.
    await nextTurn();
    collectGarbage();
    expect(dropped.deref()).toBeUndefined();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
