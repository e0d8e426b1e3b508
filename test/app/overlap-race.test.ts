// The overlap rule under contention, on DynamoDB Local: overlapping submissions for the same association and title
// sent at the same instant through the application layer. The rule (findOverlap) is checked on a read; the
// submit transaction's guard makes that read count, so exactly one wins.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import type { Agreement } from "../../functions/domain/agreement";
import { LifecycleRefusedError } from "../../functions/app/errors";
import { approval, mammaUnitedContent } from "../support/agreements";
import { appDependenciesForTests } from "../support/api";
import { createTestTable, type TestTable } from "../support/dynamo";

const editor: StaffPrincipal = { subject: "editor", email: "handlaggare@vasteras.se", roles: ["editor"], via: "bearer" };
const registrar: StaffPrincipal = { subject: "registrar", email: "registrator@vasteras.se", roles: ["registrar"], via: "bearer" };

let table: TestTable;
let app: ReturnType<typeof appDependenciesForTests>["application"];

beforeAll(async () => {
  table = await createTestTable();
  app = appDependenciesForTests(table, { newId: () => `agr-${crypto.randomUUID()}` }).application;
});

afterAll(async () => {
  await table.dispose();
});

let titles = 0;
/** Mamma United's content under a title of this test's own; the title's letter case and spaces vary per draft. */
function drafts(count: number): Promise<Agreement[]> {
  const title = `Mötesplats ${++titles}`;
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      app.agreements.create(editor, { ...mammaUnitedContent(), title: index % 2 === 0 ? title : ` ${title.toUpperCase()} ` }),
    ),
  );
}

async function submitAll(agreements: readonly Agreement[]) {
  return Promise.allSettled(agreements.map((agreement) => app.agreements.submit(editor, { agreementId: agreement.id })));
}

describe("overlapping submissions at the same instant", () => {
  it("lets exactly one of 20 win; the other 19 are refused as overlapping", async () => {
    const agreements = await drafts(20);

    const outcomes = await submitAll(agreements);

    const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(LifecycleRefusedError);
      expect((reason as LifecycleRefusedError).refusal.code).toBe("overlap");
    }
    const stored = await table.agreements.getMany(agreements.map((agreement) => agreement.id));
    expect(stored.filter((agreement) => agreement.status === "proposed")).toHaveLength(1);
    expect(stored.filter((agreement) => agreement.status === "draft")).toHaveLength(19);
  });

  it("does not block a later submission once the winner is withdrawn, rejected or ended", async () => {
    const [first, second, third] = await drafts(3);
    await app.agreements.submit(editor, { agreementId: first!.id });
    await expect(app.agreements.submit(editor, { agreementId: second!.id })).rejects.toBeInstanceOf(LifecycleRefusedError);

    await app.agreements.withdraw(editor, { agreementId: first!.id });
    expect((await app.agreements.submit(editor, { agreementId: second!.id })).status).toBe("proposed");

    await app.agreements.decide(registrar, { agreementId: second!.id, decision: { ...approval, outcome: "rejected" } });
    expect((await app.agreements.submit(editor, { agreementId: third!.id })).status).toBe("proposed");
  });

  it("lets agreements for the same association and title with periods apart all pass at once", async () => {
    const title = `Läxhjälp ${++titles}`;
    const years = [2030, 2032, 2034, 2036];
    const agreements = await Promise.all(
      years.map((year) =>
        app.agreements.create(editor, {
          ...mammaUnitedContent(),
          title,
          period: { start: `${year}-01-01`, end: `${year}-12-31` },
          budget: [{ year, amountSek: 100_000 }],
          reportingRequirements: [{ ...mammaUnitedContent().reportingRequirements![0]!, dueDates: [`${year}-06-30`] }],
        }),
      ),
    );

    const outcomes = await submitAll(agreements);

    expect(outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value.status : String(outcome.reason)))).toEqual(
      years.map(() => "proposed"),
    );
  });
});
