// The local engine's task slots (functions/local/task-slots.ts): the bound, the person's line before the
// background's, and waiters moved or withdrawn.
import { describe, expect, it } from "vitest";
import { TaskSlots, type TaskLine } from "../../functions/local/task-slots";

/** Asks for a slot for each owner in turn; `granted` lists them in the order they got one (or were withdrawn). */
function queue(slots: TaskSlots<string>, owners: [string, TaskLine][]) {
  const granted: string[] = [];
  for (const [owner, line] of owners) void slots.acquire(owner, line).then((got) => granted.push(got ? owner : `${owner} withdrawn`));
  return granted;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("task slots", () => {
  it("grant the bound at once, then one waiter a release, a person's before the background's, each line first come first served", async () => {
    const slots = new TaskSlots<string>(2);
    const granted = queue(slots, [
      ["a", "background"],
      ["b", "background"],
      ["c", "background"],
      ["d", "background"],
      ["p1", "person"],
      ["p2", "person"],
    ]);
    await turn();
    expect(granted).toEqual(["a", "b"]);
    expect(slots.load).toEqual({ running: 2, waiting: 4 });
    for (let released = 0; released < 4; released++) slots.release();
    await turn();
    expect(granted).toEqual(["a", "b", "p1", "p2", "c", "d"]);
    expect(slots.load).toEqual({ running: 2, waiting: 0 });
  });

  it("move a promoted waiter to the person's line and resolve a withdrawn one with false, skipping both afterwards", async () => {
    const slots = new TaskSlots<string>(1);
    const granted = queue(slots, [
      ["running", "background"],
      ["b1", "background"],
      ["b2", "background"],
      ["b3", "background"],
    ]);
    slots.promote("b3");
    slots.withdraw("b1");
    slots.withdraw("not waiting");
    await turn();
    expect(granted).toEqual(["running", "b1 withdrawn"]);
    slots.release();
    await turn();
    slots.release();
    await turn();
    slots.release();
    await turn();
    expect(granted).toEqual(["running", "b1 withdrawn", "b3", "b2"]);
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
  });

  it("refuses a bound below one", () => {
    expect(() => new TaskSlots(0)).toThrow("A task bound must be a whole number from 1, not 0");
  });
});
