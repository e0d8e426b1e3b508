// The use cases check the principal's permission themselves, so a page or handler that calls them cannot skip the
// check the JSON routes make in front of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role, StaffPrincipal } from "../../functions/api/auth/principal";
import { NotPermittedError } from "../../functions/app/errors";
import { approval, mammaUnitedContent } from "../support/agreements";
import { appDependenciesForTests } from "../support/api";
import { createTestTable, type TestTable } from "../support/dynamo";

const as = (role: Role): StaffPrincipal => ({ subject: role, email: `${role}@vasteras.se`, roles: [role], via: "session" });

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable();
});

afterAll(async () => {
  await table.dispose();
});

describe("permissions in the use cases", () => {
  it("refuses an action the principal's roles do not grant, and writes nothing", async () => {
    const { application } = appDependenciesForTests(table);
    const draft = await application.agreements.create(as("editor"), mammaUnitedContent());

    await expect(application.agreements.create(as("viewer"), mammaUnitedContent())).rejects.toBeInstanceOf(NotPermittedError);
    await expect(application.agreements.submit(as("registrar"), { agreementId: draft.id })).rejects.toMatchObject({
      kind: "forbidden",
      message: "This needs the edit permission, which none of your roles (registrar) has",
    });
    await application.agreements.submit(as("editor"), { agreementId: draft.id });
    await expect(application.agreements.decide(as("editor"), { agreementId: draft.id, decision: approval })).rejects.toBeInstanceOf(NotPermittedError);
    expect(await table.agreements.get(draft.id)).toMatchObject({ status: "proposed", version: 2 });

    expect(await application.agreements.read(as("viewer"), draft.id)).toMatchObject({ id: draft.id });
    await expect(application.exports.rotateCalendarFeed({ ...as("viewer"), roles: [] })).rejects.toBeInstanceOf(NotPermittedError);
  });
});
