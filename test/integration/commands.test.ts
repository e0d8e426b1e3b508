import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgreementStore } from "../../functions/store/agreements";
import { createAgreement, runCommand } from "../../functions/app/commands";
import { AgreementNotFoundError, LifecycleRefusedError, StaleVersionError } from "../../functions/app/errors";
import { approval, at, editor, mammaUnitedContent, registrar } from "../support/agreements";
import { createTestTable, type TestTable } from "../support/dynamo";

describe("running commands on stored agreements", () => {
  let table: TestTable;
  let store: AgreementStore;
  beforeAll(async () => {
    table = await createTestTable();
    store = table.agreements;
  });
  afterAll(() => table.dispose());

  it("takes an agreement from draft to approved, renews it, and marks the predecessor in the same write", async () => {
    const created = await createAgreement(store, { id: "agr-1", content: mammaUnitedContent(), actor: editor, now: at("2023-11-20T09:00:00+01:00") });
    expect(created.status).toBe("draft");
    await runCommand(store, { agreementId: "agr-1", command: { type: "submit" }, actor: editor, now: at("2023-12-05T10:00:00+01:00"), expectedVersion: 1 });
    await runCommand(store, { agreementId: "agr-1", command: { type: "decide", decision: approval }, actor: registrar, now: at("2024-01-19T10:00:00+01:00") });
    await runCommand(store, { agreementId: "agr-1", command: { type: "activate" }, actor: editor, now: at("2024-02-01T08:00:00+01:00") });
    const renewal = await runCommand(store, { agreementId: "agr-1", command: { type: "renew", successorId: "agr-2" }, actor: editor, now: at("2026-06-01T10:00:00+02:00") });
    expect(renewal.agreement).toMatchObject({ id: "agr-2", renewalOf: "agr-1", period: { start: "2027-01-01" } });
    await runCommand(store, { agreementId: "agr-2", command: { type: "submit" }, actor: editor, now: at("2026-09-01T10:00:00+02:00") });
    await runCommand(store, { agreementId: "agr-2", command: { type: "decide", decision: { ...approval, date: "2026-11-15" } }, actor: registrar, now: at("2026-11-15T10:00:00+01:00") });
    expect(await store.get("agr-1")).toMatchObject({ status: "active", renewedBy: "agr-2" });
    expect((await store.events("agr-1")).items.at(-1)).toMatchObject({ action: "renewal-approved" });
  });

  it("refuses a stale expected version, an unknown agreement and a command the lifecycle forbids", async () => {
    await createAgreement(store, { id: "agr-3", content: mammaUnitedContent(), actor: editor, now: at("2023-11-20T09:00:00+01:00") });
    await expect(runCommand(store, { agreementId: "agr-3", command: { type: "submit" }, actor: editor, now: at("2023-12-05T10:00:00+01:00"), expectedVersion: 7 })).rejects.toBeInstanceOf(StaleVersionError);
    await expect(runCommand(store, { agreementId: "nope", command: { type: "submit" }, actor: editor, now: at("2023-12-05T10:00:00+01:00") })).rejects.toBeInstanceOf(AgreementNotFoundError);
    const refusal = await runCommand(store, { agreementId: "agr-3", command: { type: "activate" }, actor: editor, now: at("2023-12-05T10:00:00+01:00") }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LifecycleRefusedError);
    expect((refusal as LifecycleRefusedError).refusal.allowedActions).toEqual(["update", "submit", "withdraw"]);
    expect((await store.get("agr-3"))?.version).toBe(1);
  });
});
