// Listing agreements with filters: the free-text index, every filter alone and combined, cursor paging over pages
// the store fills from the most selective index, and the bound on what one page reads.
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agreement, DraftContent, Status } from "../../functions/domain/agreement";
import { createDraft, transition, type Command } from "../../functions/domain/lifecycle";
import { luhnCheckDigit } from "../../functions/domain/organisation-number";
import { MAX_EXAMINED_PER_PAGE } from "../../functions/store/agreement-search";
import { searchWords, textPartition } from "../../functions/store/search";
import { startTestApi, type TestApi } from "../support/api";
import { approval, editor, mammaUnitedContent } from "../support/agreements";

let api: TestApi;
const NOW = new Date("2026-03-01T10:00:00Z");

function organisationNumber(serial: number): string {
  const nineDigits = `80260${String(serial).padStart(4, "0")}`;
  return `${nineDigits.slice(0, 6)}-${nineDigits.slice(6)}${luhnCheckDigit(nineDigits)}`;
}

interface Seed {
  id: string;
  title: string;
  association: [name: string, serial: number];
  end: string;
  officer: string;
  status: Status;
  diaryNumber?: string;
}

/** Stores an agreement and takes it to `status` through the lifecycle, as the API would. */
async function seed({ id, title, association, end, officer, status, diaryNumber }: Seed): Promise<Agreement> {
  const content: DraftContent = {
    ...mammaUnitedContent(),
    title,
    associations: [{ name: association[0], organisationNumber: organisationNumber(association[1]) }],
    period: { start: "2025-01-01", end },
    budget: Array.from({ length: Number(end.slice(0, 4)) - 2024 }, (_, index) => ({ year: 2025 + index, amountSek: 100_000 })),
    responsibleOfficer: { name: "Handläggare", email: officer },
  };
  const created = createDraft(id, content, editor, NOW);
  if (!created.ok) throw new Error(created.error.message);
  await api.store.applyChanges(created.changes);
  let agreement = created.agreement;
  const steps: Command[] =
    status === "draft" ? [] : status === "proposed" ? [{ type: "submit" }] : [{ type: "submit" }, { type: "decide", decision: { ...approval, diaryNumber: diaryNumber ?? approval.diaryNumber } }];
  for (const command of steps) {
    const result = transition(agreement, command, editor, NOW, await api.store.findRelated(agreement, command.type));
    if (!result.ok) throw new Error(result.error.message);
    await api.store.applyChanges(result.changes);
    agreement = result.agreement;
  }
  return agreement;
}

interface Page {
  items: Agreement[];
  cursor: string | null;
}

async function list(query: string, limit?: number): Promise<Page> {
  const response = await api.request(`/api/agreements?${query}${limit === undefined ? "" : `&limit=${limit}`}`, { as: "viewer" });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Page;
}

/** Every id the filter finds, following cursors, with the size of each page. */
async function listAll(query: string, limit: number): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await list(`${query}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`, limit);
    ids.push(...page.items.map((agreement) => agreement.id));
    pages.push(page.items.length);
    cursor = page.cursor;
  } while (cursor !== null);
  return { ids, pages };
}

const ids = (page: Page) => page.items.map((agreement) => agreement.id).sort();

beforeAll(async () => {
  api = await startTestApi();
  const seeds: Seed[] = [
    { id: "s-backby", title: "Bäckby: fem delinsatser", association: ["Bäckby Fritidsförening", 1], end: "2026-06-30", officer: "Anna@Example.se", status: "approved", diaryNumber: "KS 2025/39" },
    { id: "s-mamma", title: "Partnerskap för mammor", association: ["Mamma United", 2], end: "2026-12-31", officer: "anna@example.se", status: "approved", diaryNumber: "KSN-2016-1422" },
    { id: "s-kallered", title: "Mötesplats Kållered", association: ["Kållereds Idrottsförening", 3], end: "2027-06-30", officer: "bo@example.se", status: "proposed" },
    { id: "s-umea", title: "Tryggt och säkert i Umeå", association: ["Trygga vuxna", 4], end: "2025-12-31", officer: "bo@example.se", status: "draft" },
    { id: "s-mamma-2", title: "Mammor i Bäckby", association: ["Mamma United", 2], end: "2028-12-31", officer: "cia@example.se", status: "draft" },
  ];
  for (const entry of seeds) await seed(entry);
});
afterAll(() => api.stop());

describe("free text", () => {
  it("folds letter case and Swedish letters, and matches the beginnings of words", () => {
    expect(searchWords("Bäckby: FEM delinsatser, Kållered & Ørsted Æble – KS 2025/39")).toEqual([
      "backby", "fem", "delinsatser", "kallered", "orsted", "aeble", "ks", "2025", "39",
    ]);
  });

  it("finds agreements by title, association name and diary number, every word matching", async () => {
    expect(ids(await list("q=backby"))).toEqual(["s-backby", "s-mamma-2"]);
    expect(ids(await list("q=B%C3%84CKBY%20fem"))).toEqual(["s-backby"]);
    expect(ids(await list("q=mamm"))).toEqual(["s-mamma", "s-mamma-2"]);
    expect(ids(await list("q=idrottsf%C3%B6r"))).toEqual(["s-kallered"]);
    expect(ids(await list(`q=${encodeURIComponent("KS 2025/39")}`))).toEqual(["s-backby"]);
    expect(ids(await list("q=ksn-2016"))).toEqual(["s-mamma"]);
    expect(ids(await list("q=mammor%20kallered"))).toEqual([]);
  });

  it("follows changes to the words: a renamed agreement is found by its new title only", async () => {
    await seed({ id: "s-rename", title: "Läxhjälp Rinkeby", association: ["Läxhjälpen", 5], end: "2027-12-31", officer: "dan@example.se", status: "draft" });
    const response = await api.request("/api/agreements/s-rename", {
      method: "PATCH",
      as: "editor",
      body: { title: "Sommarlovsaktiviteter" },
      headers: { "If-Match": '"1"' },
    });
    expect(response.status).toBe(200);
    expect(ids(await list("q=rinkeby"))).toEqual([]);
    expect(ids(await list("q=sommarlov"))).toEqual(["s-rename"]);
    expect(ids(await list("q=laxhjalp"))).toEqual(["s-rename"]); // still the association's name
    // The bucket of the word that left holds no item for the agreement any more.
    const { Items } = await api.table.documentClient.send(
      new QueryCommand({ TableName: api.table.tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": textPartition("rinkeby") } }),
    );
    expect(Items ?? []).toEqual([]);
  });
});

describe("filters", () => {
  it("filters by status, responsible officer (any case), association and end date (exclusive)", async () => {
    expect(ids(await list("status=approved"))).toEqual(["s-backby", "s-mamma"]);
    expect(ids(await list("responsible=ANNA%40example.se"))).toEqual(["s-backby", "s-mamma"]);
    expect(ids(await list(`association=${organisationNumber(2)}`))).toEqual(["s-mamma", "s-mamma-2"]);
    expect(ids(await list(`association=${organisationNumber(2).replace("-", "")}`))).toEqual(["s-mamma", "s-mamma-2"]);
    expect(ids(await list("endsBefore=2026-12-31"))).toEqual(["s-backby", "s-umea"]);
    expect(ids(await list("endsBefore=2027-01-01"))).toEqual(["s-backby", "s-mamma", "s-umea"]);
  });

  it("combines filters, every one matching", async () => {
    expect(ids(await list("status=approved&endsBefore=2026-07-01"))).toEqual(["s-backby"]);
    expect(ids(await list("responsible=bo%40example.se&status=draft"))).toEqual(["s-umea"]);
    expect(ids(await list(`association=${organisationNumber(2)}&status=draft`))).toEqual(["s-mamma-2"]);
    expect(ids(await list("q=mamma&endsBefore=2027-01-01"))).toEqual(["s-mamma"]);
    expect(ids(await list("q=backby&responsible=cia%40example.se&status=draft&endsBefore=2029-01-01"))).toEqual(["s-mamma-2"]);
  });

  it("lists everything newest first without filters", async () => {
    const all = await list("", 100);
    expect(all.items.length).toBeGreaterThanOrEqual(5);
    const created = all.items.map((agreement) => agreement.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
  });
});

describe("sorting by end date", () => {
  const endOrder = (agreement: Agreement) => `${agreement.period?.end ?? "none"}#${agreement.id}`;

  it("lists everything soonest end first without filters, those without a period last, page by page", async () => {
    const everything = (await list("", 100)).items;
    const expected = [...everything].sort((a, b) => endOrder(a).localeCompare(endOrder(b))).map((agreement) => agreement.id);
    expect((await list("sort=endDate", 100)).items.map((agreement) => agreement.id)).toEqual(expected);
    const paged = await listAll("sort=endDate", 2);
    expect(paged.ids).toEqual(expected);
    expect(paged.pages.slice(0, -1).every((size) => size === 2)).toBe(true);
  });

  it("keeps the end-date order of a status, and refuses it for a search or an association", async () => {
    expect(await list("status=approved&sort=endDate")).toEqual(await list("status=approved"));
    for (const query of ["q=mamma&sort=endDate", `association=${organisationNumber(2)}&sort=endDate`]) {
      const response = await api.request(`/api/agreements?${query}`, { as: "viewer" });
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ path: "sort" }] });
    }
    const unknown = await api.request("/api/agreements?sort=title", { as: "viewer" });
    expect(unknown.status).toBe(400);
  });

  it("takes a cursor only for the same order", async () => {
    const first = await list("sort=endDate", 1);
    const newest = await api.request(`/api/agreements?limit=1&cursor=${encodeURIComponent(first.cursor!)}`, { as: "viewer" });
    expect(newest.status).toBe(400);
  });
});

describe("paging", () => {
  it("pages through every filter without gaps or repeats", async () => {
    for (const query of ["", "sort=endDate", "q=mamm", "status=draft", "endsBefore=2030-01-01", `association=${organisationNumber(2)}`, "q=backby&status=draft"]) {
      const whole = ids(await list(query, 100));
      const paged = await listAll(query, 1);
      expect(paged.ids.sort(), query).toEqual(whole);
    }
  });

  it("refuses a forged cursor, and a cursor from other filters", async () => {
    const first = await list("status=approved", 1);
    expect(first.cursor).not.toBeNull();
    const other = await api.request(`/api/agreements?status=draft&limit=1&cursor=${encodeURIComponent(first.cursor!)}`, { as: "viewer" });
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ title: "Invalid cursor", errors: [{ path: "cursor" }] });
    const forged = await api.request("/api/agreements?cursor=eyJwayI6IkFHUkVFTUVOVCMxIn0.c2lnbmF0dXJl", { as: "viewer" });
    expect(forged.status).toBe(400);
  });

  it(`reads at most ${MAX_EXAMINED_PER_PAGE} entries for a page, continuing from a cursor`, async () => {
    const officer = "many@example.se";
    for (let index = 0; index < MAX_EXAMINED_PER_PAGE + 10; index++) {
      const id = `s-many-${String(index).padStart(3, "0")}`;
      const created = createDraft(id, { title: `Nr ${index}`, responsibleOfficer: { name: "Många", email: officer }, period: { start: "2025-01-01", end: `2026-01-01` } }, editor, NOW);
      if (!created.ok) throw new Error(created.error.message);
      await api.store.applyChanges(created.changes);
    }
    // The last one by end date and id is the only proposed one.
    await seed({ id: "s-many-zzz", title: "Sist", association: ["Sista föreningen", 6], end: "2026-01-01", officer, status: "proposed" });

    const first = await list(`responsible=${officer}&status=proposed`, 5);
    expect(first).toEqual({ items: [], cursor: expect.any(String) });
    const all = await listAll(`responsible=${officer}&status=proposed`, 5);
    expect(all.ids).toEqual(["s-many-zzz"]);
    expect(all.pages).toEqual([0, 1]);
  });
});
