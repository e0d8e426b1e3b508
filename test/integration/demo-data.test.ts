import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_AGREEMENTS } from "../../functions/local/demo-agreements";
import { replayDemoAgreement, seedDemoAgreements } from "../../functions/local/demo-data";
import type { AgreementStore } from "../../functions/store/agreements";
import { createTestTable, type TestTable } from "../support/dynamo";

const now = new Date("2026-11-23T12:00:00+01:00");

describe("demo agreements", () => {
  it("replay through the lifecycle to the status their history gives them", () => {
    const statuses = Object.fromEntries(DEMO_AGREEMENTS.map((demo) => [demo.id, replayDemoAgreement(demo, now).at(-1)!.at(-1)!.after.status]));
    expect(statuses).toEqual({
      "vasteras-mamma-united": "active",
      "vasteras-backby": "active",
      "molndal-kallered": "terminated",
      "molndal-balltorp": "active",
      "umea-tryggt-och-sakert": "proposed",
      "helsingborg-punktinsats": "draft",
    });
  });

  it("leave steps after now to the workflow", () => {
    const beforeActivation = replayDemoAgreement(DEMO_AGREEMENTS[0]!, new Date("2024-01-31T12:00:00+01:00"));
    expect(beforeActivation.at(-1)!.at(-1)!.after.status).toBe("approved");
  });

  describe("seeded into a table", () => {
    let table: TestTable;
    let store: AgreementStore;
    beforeAll(async () => {
      table = await createTestTable();
      store = table.agreements;
    });
    afterAll(() => table.dispose());

    it("load once into an empty table, with their audit trail, and never again", async () => {
      expect(await seedDemoAgreements(store, now)).toBe(6);
      expect(await seedDemoAgreements(store, now)).toBe(0);
      expect((await store.listNewestFirst({ limit: 100 })).items).toHaveLength(6);
      const events = await store.events("vasteras-mamma-united");
      expect(events.items.map((event) => event.to)).toEqual(["draft", "proposed", "approved", "active"]);
      const backby = await store.get("vasteras-backby");
      expect(backby?.decision).toMatchObject({ body: "Kommunstyrelsen", diaryNumber: "KS 2025/39" });
      expect(backby?.subEfforts).toHaveLength(5);
    });
  });
});
