// Optimistic locking under real contention: many writers start from the same read, exactly one may win.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDraft, transition, type Change } from "../../functions/domain/lifecycle";
import type { AgreementStore } from "../../functions/store/agreements";
import { VersionConflictError } from "../../functions/store/errors";
import { editor } from "../support/agreements";
import { createTestTable, type TestTable } from "../support/dynamo";

const WRITERS = 20;
const NOW = new Date("2026-03-01T10:00:00Z");

describe("parallel updates from the same read version", () => {
  let table: TestTable;
  let store: AgreementStore;

  beforeAll(async () => {
    table = await createTestTable();
    store = table.agreements;
  });

  afterAll(() => table?.dispose());

  it("lets exactly one win and refuses the others with a version conflict", async () => {
    const created = createDraft("agr-contended", { title: "Start" }, editor, NOW);
    if (!created.ok) throw new Error(created.error.message);
    await store.applyChanges(created.changes);
    const read = (await store.get("agr-contended"))!;

    const attempts: Change[][] = Array.from({ length: WRITERS }, (_, writer) => {
      const result = transition(read, { type: "update", changes: { title: `Skrivare ${writer}` } }, editor, NOW);
      if (!result.ok) throw new Error(result.error.message);
      return result.changes;
    });
    const outcomes = await Promise.allSettled(attempts.map((changes) => store.applyChanges(changes)));

    const winners = outcomes.flatMap((outcome, writer) => (outcome.status === "fulfilled" ? [writer] : []));
    const refusals = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as unknown] : []));
    expect(winners).toHaveLength(1);
    expect(refusals).toHaveLength(WRITERS - 1);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(VersionConflictError);

    const winner = attempts[winners[0]!]![0]!;
    expect(await store.get("agr-contended")).toEqual(winner.after);
    const events = (await store.events("agr-contended")).items;
    expect(events).toEqual([created.changes[0]!.event, winner.event]);
  });
});
