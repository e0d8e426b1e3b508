// The agreement store against a real DynamoDB Local: writes through the lifecycle, every list query with
// paging, optimistic locking and cursor checks.
import { randomUUID } from "node:crypto";
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STATUSES, type Agreement, type Association, type DraftContent, type Status } from "../../functions/domain/agreement";
import { addDays, yearOf } from "../../functions/domain/dates";
import { createDraft, transition, type Command, type Related } from "../../functions/domain/lifecycle";
import { luhnCheckDigit } from "../../functions/domain/organisation-number";
import { createAgreementStore, type AgreementStore } from "../../functions/store/agreements";
import type { Page, PageRequest } from "../../functions/store/paging";
import { CorruptItemError, InvalidCursorError, VersionConflictError } from "../../functions/store/errors";
import { agreementItem, agreementKey } from "../../functions/store/items";
import { recountIfOutdated } from "../../functions/store/status-counts";
import { createReportStore } from "../../functions/store/reports";
import { storeSubmittedReport } from "../reports/fixtures";
import { ensureTable, TABLE_DEFINITION, TableMismatchError } from "../../functions/store/table";
import { createTestTable, type TestTable } from "../support/dynamo";
import { approval, editor, mammaUnitedContent } from "../support/agreements";

const CURSOR_SECRET = "store-test-cursor-secret-0123456789abcdef";
/** Today is 2026-03-01 in Stockholm for every transition in this file. */
const NOW = new Date("2026-03-01T10:00:00Z");

let nextAssociation = 1;
/** A new association with a valid organisationsnummer, so tests never share an association partition. */
function newAssociation(): Association {
  const nineDigits = `80240${String(nextAssociation++).padStart(4, "0")}`;
  return {
    name: `Förening ${nineDigits}`,
    organisationNumber: `${nineDigits.slice(0, 6)}-${nineDigits.slice(6)}${luhnCheckDigit(nineDigits)}`,
  };
}

/** Complete content running from 2025-01-01 to `end`, with a budget for each year. */
function content(overrides: { title: string; end: string; associations: Association[]; officerEmail?: string }): DraftContent {
  const { responsibleOfficer, ...base } = mammaUnitedContent();
  return {
    ...base,
    title: overrides.title,
    associations: overrides.associations,
    period: { start: "2025-01-01", end: overrides.end },
    budget: Array.from({ length: yearOf(overrides.end) - 2025 + 1 }, (_, index) => ({ year: 2025 + index, amountSek: 100_000 })),
    ...(overrides.officerEmail === undefined ? {} : { responsibleOfficer: { name: "Handläggare", email: overrides.officerEmail } }),
  };
}

async function create(store: AgreementStore, id: string, draftContent: DraftContent, createdAt = NOW, renewalOf: string | null = null) {
  const result = createDraft(id, draftContent, editor, createdAt, renewalOf);
  if (!result.ok) throw new Error(result.error.message);
  await store.applyChanges(result.changes);
  return result.agreement;
}

/** Runs a command through the lifecycle and stores the result, as the API will. */
async function act(store: AgreementStore, agreement: Agreement, command: Command, related?: Related) {
  const result = transition(agreement, command, editor, NOW, related);
  if (!result.ok) throw new Error(`${command.type} refused: ${result.error.message}`);
  await store.applyChanges(result.changes);
  return result;
}

const decided = (outcome: "approved" | "rejected"): Command => ({ type: "decide", decision: { ...approval, outcome } });

/** The commands that take a new draft to each status (but "renewed", which takes a successor). */
function pathTo(status: Exclude<Status, "renewed">, end: string): Command[] {
  const toActive: Command[] = [{ type: "submit" }, decided("approved"), { type: "activate" }];
  const paths: Record<Exclude<Status, "renewed">, Command[]> = {
    draft: [],
    proposed: [{ type: "submit" }],
    withdrawn: [{ type: "withdraw" }],
    rejected: [{ type: "submit" }, decided("rejected")],
    approved: [{ type: "submit" }, decided("approved")],
    active: toActive,
    expired: [...toActive, { type: "expire" }],
    terminated: [...toActive, { type: "terminate", termination: { ground: "mutual-agreement", givenOn: end, effectiveDate: end, reason: "Verksamheten upphör" } }],
  };
  return paths[status];
}

/** Follows cursors to the end, keeping each page's size. */
async function readAll<T>(read: (cursor: string | null) => Promise<Page<T>>) {
  const items: T[] = [];
  const pageSizes: number[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await read(cursor);
    items.push(...page.items);
    pageSizes.push(page.items.length);
    cursor = page.cursor;
  } while (cursor !== null);
  return { items, pageSizes };
}

const ids = (agreements: readonly Agreement[]) => agreements.map((agreement) => agreement.id);

/** Soonest end first, then by id; agreements without a period last. */
function byEndDate(a: Agreement, b: Agreement): number {
  const endA = a.period?.end ?? "\uffff";
  const endB = b.period?.end ?? "\uffff";
  return endA === endB ? a.id.localeCompare(b.id) : endA < endB ? -1 : 1;
}

/** Full pages, then one that is not empty: paging never ends on an empty page. */
function expectPaged(pageSizes: number[], total: number, limit: number): void {
  const full = Math.floor(total / limit);
  const rest = total % limit;
  expect(pageSizes).toEqual(total === 0 ? [0] : [...Array<number>(full).fill(limit), ...(rest > 0 ? [rest] : [])]);
}

describe("queries over a seeded table", () => {
  const LIMIT = 4;
  const ANNA = "Anna.Andersson@Vasteras.example.se";
  const BENGT = "bengt.berg@vasteras.example.se";
  const associationA = newAssociation();
  const associationB = newAssociation();
  const associationC = newAssociation();
  let table: TestTable;
  let store: AgreementStore;
  let seeded: Agreement[];

  beforeAll(async () => {
    table = await createTestTable();
    store = createAgreementStore({ client: table.documentClient, tableName: table.tableName, cursorSecret: CURSOR_SECRET });

    const withPeriod = Array.from({ length: 22 }, (_, index) => {
      const end = addDays("2025-06-15", index * 47);
      const statuses: Exclude<Status, "renewed">[] =
        end < "2026-03-01" ? ["expired", "terminated"] : ["active", "draft", "proposed", "approved", "rejected", "withdrawn", "active"];
      return {
        id: `agr-${String(index).padStart(2, "0")}`,
        end,
        status: statuses[index % statuses.length]!,
        content: content({
          title: `Överenskommelse ${index}`,
          end,
          associations: [[associationA], [associationB], [associationA, associationC]][index % 3]!,
          officerEmail: index % 2 === 0 ? ANNA : BENGT,
        }),
      };
    });
    const withoutPeriod = [
      { id: "agr-draft-1", end: "", status: "draft" as const, content: { title: "Utkast", responsibleOfficer: { name: "Anna", email: ANNA.toLowerCase() } } },
      { id: "agr-draft-2", end: "", status: "draft" as const, content: { title: "Tomt utkast", associations: [associationB] } },
    ];
    const seeds = [...withPeriod, ...withoutPeriod];
    // Creation order differs from end-date order: 7 steps through 24 minutes visits each minute once.
    seeded = await Promise.all(
      seeds.map(async (seed, index) => {
        const createdAt = new Date(Date.UTC(2026, 0, 1, 8, (index * 7) % seeds.length));
        let agreement = await create(store, seed.id, seed.content, createdAt);
        for (const command of pathTo(seed.status, seed.end)) agreement = (await act(store, agreement, command)).agreement;
        return agreement;
      }),
    );
  });

  afterAll(() => table?.dispose());

  it("seeds every status the queries below rely on", () => {
    const statuses = new Set(seeded.map((agreement) => agreement.status));
    expect([...statuses].sort()).toEqual(["active", "approved", "draft", "expired", "proposed", "rejected", "terminated", "withdrawn"]);
  });

  it("lists every agreement newest first, page by page", async () => {
    const { items, pageSizes } = await readAll((cursor) => store.listNewestFirst({ limit: LIMIT, cursor }));

    const expected = [...seeded].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    expect(ids(items)).toEqual(ids(expected));
    expect(items).toEqual(expected);
    expectPaged(pageSizes, seeded.length, LIMIT);
  });

  it.each(["active", "draft", "expired", "terminated", "proposed"] as const)("lists %s agreements by end date", async (status) => {
    const { items, pageSizes } = await readAll((cursor) => store.listByStatus(status, { limit: LIMIT, cursor }));

    const expected = seeded.filter((agreement) => agreement.status === status).sort(byEndDate);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(items)).toEqual(ids(expected));
    expectPaged(pageSizes, expected.length, LIMIT);
  });

  it("puts drafts without a period after the dated ones", async () => {
    const { items } = await readAll((cursor) => store.listByStatus("draft", { limit: LIMIT, cursor }));

    expect(ids(items).slice(-2)).toEqual(["agr-draft-1", "agr-draft-2"]);
  });

  it("narrows a status to an end-date range, bounds included, open on either side", async () => {
    const active = seeded.filter((agreement) => agreement.status === "active").sort(byEndDate);
    const [first, second, third] = active.map((agreement) => agreement.period!.end);

    const closed = await readAll((cursor) => store.listByStatus("active", { limit: 1, cursor, endsBetween: { from: first!, to: second! } }));
    const upTo = await readAll((cursor) => store.listByStatus("active", { limit: 1, cursor, endsBetween: { to: second! } }));
    const from = await readAll((cursor) => store.listByStatus("active", { limit: LIMIT, cursor, endsBetween: { from: third! } }));

    expect(ids(closed.items)).toEqual(ids(active.slice(0, 2)));
    expect(ids(upTo.items)).toEqual(ids(active.slice(0, 2)));
    expect(ids(from.items)).toEqual(ids(active.slice(2)));
  });

  it("lists an officer's agreements by end date, whatever the letter case of the email", async () => {
    const { items, pageSizes } = await readAll((cursor) => store.listByOfficer("ANNA.andersson@vasteras.EXAMPLE.se", { limit: LIMIT, cursor }));

    const expected = seeded
      .filter((agreement) => agreement.responsibleOfficer?.email.toLowerCase() === ANNA.toLowerCase())
      .sort(byEndDate);
    expect(ids(items)).toEqual(ids(expected));
    expect(ids(items)).toContain("agr-draft-1");
    expect(ids(items)).not.toContain("agr-draft-2");
    expectPaged(pageSizes, expected.length, LIMIT);
  });

  it("lists an officer's agreements ending in a range", async () => {
    const { items } = await store.listByOfficer(BENGT, { endsBetween: { from: "2026-01-01", to: "2026-12-31" } });

    const expected = seeded
      .filter((agreement) => agreement.responsibleOfficer?.email === BENGT && agreement.period!.end.startsWith("2026"))
      .sort(byEndDate);
    expect(expected.length).toBeGreaterThan(1);
    expect(ids(items)).toEqual(ids(expected));
  });

  it.each([
    { from: "2025-10-01", to: "2027-06-30", limit: 3 },
    // Ends inside the range on both bounds exactly, and spans years in which nothing ends.
    { from: "2025-06-15", to: "2030-12-31", limit: 5 },
    { from: "2026-01-01", to: "2026-12-31", limit: 1 },
  ])("lists agreements in every status ending from $from to $to", async ({ from, to, limit }) => {
    const { items, pageSizes } = await readAll((cursor) => store.listEndingBetween({ from, to }, { limit, cursor }));

    const expected = seeded.filter((agreement) => agreement.period && agreement.period.end >= from && agreement.period.end <= to).sort(byEndDate);
    expect(new Set(expected.map((agreement) => agreement.status)).size).toBeGreaterThan(1);
    expect(ids(items)).toEqual(ids(expected));
    expectPaged(pageSizes, expected.length, limit);
  });

  it("finds nothing, with no cursor, when nothing ends in the range", async () => {
    expect(await store.listEndingBetween({ from: "2031-01-01", to: "2032-12-31" })).toEqual({ items: [], cursor: null });
  });

  it("lists an association's agreements, including those it shares with another association", async () => {
    const digitsOnly = associationA.organisationNumber.replace("-", "");
    const { items, pageSizes } = await readAll((cursor) => store.listByAssociation(digitsOnly, { limit: LIMIT, cursor }));

    const expected = seeded.filter((agreement) => agreement.associations?.some((association) => association.organisationNumber === associationA.organisationNumber));
    expect(ids(items)).toEqual(ids(expected).sort());
    expect(items.some((agreement) => agreement.associations?.length === 2)).toBe(true);
    expectPaged(pageSizes, expected.length, LIMIT);
  });

  it("refuses a forged cursor", async () => {
    const forged = `${Buffer.from(JSON.stringify({ pk: "AGREEMENT#agr-00", sk: "AGREEMENT" })).toString("base64url")}.c2lnbmF0dXJl`;

    for (const cursor of [forged, "not-a-cursor", "", "a.b.c"]) {
      await expect(store.listNewestFirst({ cursor })).rejects.toThrow(InvalidCursorError);
    }
  });

  it("refuses a cursor with an altered key", async () => {
    const { cursor } = await store.listByStatus("active", { limit: 1 });
    const [payload, signature] = cursor!.split(".");
    const key = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, string>;
    const altered = Buffer.from(JSON.stringify({ ...key, statusKey: "draft" })).toString("base64url");

    await expect(store.listByStatus("draft", { cursor: `${altered}.${signature}` })).rejects.toThrow(InvalidCursorError);
    await expect(store.listByStatus("active", { cursor: `${altered}.${signature}` })).rejects.toThrow(InvalidCursorError);
  });

  it("refuses a cursor from another query, another filter or another secret", async () => {
    const { cursor } = await store.listByStatus("active", { limit: 1 });
    const otherSecret = createAgreementStore({ client: table.documentClient, tableName: table.tableName, cursorSecret: `${CURSOR_SECRET}-rotated` });

    await expect(store.listByStatus("draft", { cursor })).rejects.toThrow(InvalidCursorError);
    await expect(store.listByStatus("active", { cursor, endsBetween: { to: "2027-12-31" } })).rejects.toThrow(InvalidCursorError);
    await expect(store.listNewestFirst({ cursor })).rejects.toThrow(InvalidCursorError);
    await expect(store.events("agr-00", { cursor })).rejects.toThrow(InvalidCursorError);
    await expect(otherSecret.listByStatus("active", { cursor })).rejects.toThrow(InvalidCursorError);
    expect((await store.listByStatus("active", { limit: 1, cursor })).items).toHaveLength(1);
  });

  it("refuses page sizes and ranges it cannot serve cheaply", async () => {
    await expect(store.listNewestFirst({ limit: 0 })).rejects.toThrow(RangeError);
    await expect(store.listNewestFirst({ limit: 101 })).rejects.toThrow(RangeError);
    await expect(store.listByStatus("active", { endsBetween: { from: "2026-02-30" } })).rejects.toThrow(RangeError);
    await expect(store.listEndingBetween({ from: "2027-01-01", to: "2026-01-01" })).rejects.toThrow(RangeError);
    await expect(store.listEndingBetween({ from: "2000-01-01", to: "2030-12-31" })).rejects.toThrow(RangeError);
    await expect(store.listByAssociation("802400-0000")).rejects.toThrow(RangeError);
  });
});

describe("writing agreements", () => {
  let table: TestTable;
  let store: AgreementStore;

  beforeAll(async () => {
    table = await createTestTable();
    store = createAgreementStore({ client: table.documentClient, tableName: table.tableName, cursorSecret: CURSOR_SECRET });
  });

  afterAll(() => table?.dispose());

  const eventsOf = async (agreementId: string) => (await readAll((cursor) => store.events(agreementId, { limit: 2, cursor }))).items;
  const associated = async (association: Association) => ids((await store.listByAssociation(association.organisationNumber)).items);

  it("stores a new draft and reads it back unchanged", async () => {
    const created = await create(store, "agr-new", { title: "Bäckbysatsningen", associations: [newAssociation()] });

    expect(await store.get("agr-new")).toEqual(created);
    expect(await store.get("agr-missing")).toBeNull();
    expect(await eventsOf("agr-new")).toEqual([expect.objectContaining({ version: 1, action: "create", from: null, to: "draft" })]);
  });

  it("stores each transition with its audit event, in version order", async () => {
    const end = "2026-12-31";
    let agreement = await create(store, "agr-flow", content({ title: "Mamma United", end, associations: [newAssociation()], officerEmail: "a@example.se" }));
    for (const command of [{ type: "update", changes: { purpose: "Nytt syfte" } }, ...pathTo("active", end)] satisfies Command[]) {
      agreement = (await act(store, agreement, command)).agreement;
    }

    expect(await store.get("agr-flow")).toEqual(agreement);
    expect(agreement).toMatchObject({ version: 5, status: "active", purpose: "Nytt syfte" });
    const events = await eventsOf("agr-flow");
    expect(events.map((event) => [event.version, event.action, event.to])).toEqual([
      [1, "create", "draft"],
      [2, "update", "draft"],
      [3, "submit", "proposed"],
      [4, "decide", "approved"],
      [5, "activate", "active"],
    ]);
    expect(events[1]).toMatchObject({ fields: ["purpose"], actor: editor });
  });

  it("keeps the association lookup in step when the associations change", async () => {
    const [first, second, third] = [newAssociation(), newAssociation(), newAssociation()];
    const agreement = await create(store, "agr-moving", { title: "Flyttar", associations: [first, second] });
    expect(await associated(first)).toEqual(["agr-moving"]);

    await act(store, agreement, { type: "update", changes: { associations: [second, third] } });

    expect(await associated(first)).toEqual([]);
    expect(await associated(second)).toEqual(["agr-moving"]);
    expect(await associated(third)).toEqual(["agr-moving"]);
  });

  it("refuses a write based on a stale version and writes nothing of it", async () => {
    const [kept, proposedInstead] = [newAssociation(), newAssociation()];
    const original = await create(store, "agr-stale", { title: "Original", associations: [kept] });
    const current = (await act(store, original, { type: "update", changes: { title: "Först" } })).agreement;

    const stale = transition(original, { type: "update", changes: { title: "Sen", associations: [proposedInstead] } }, editor, NOW);
    if (!stale.ok) throw new Error(stale.error.message);
    const failure = store.applyChanges(stale.changes);

    await expect(failure).rejects.toThrow(VersionConflictError);
    await expect(failure).rejects.toMatchObject({ agreementId: "agr-stale", expectedVersion: 1 });
    expect(await store.get("agr-stale")).toEqual(current);
    expect((await eventsOf("agr-stale")).map((event) => event.version)).toEqual([1, 2]);
    expect(await associated(kept)).toEqual(["agr-stale"]);
    expect(await associated(proposedInstead)).toEqual([]);
  });

  it("refuses to create an agreement whose id is taken", async () => {
    const existing = await create(store, "agr-taken", { title: "Först" });

    const again = createDraft("agr-taken", { title: "Dubblett" }, editor, NOW);
    if (!again.ok) throw new Error(again.error.message);
    await expect(store.applyChanges(again.changes)).rejects.toMatchObject({ name: "VersionConflictError", expectedVersion: null });
    expect(await store.get("agr-taken")).toEqual(existing);
  });

  describe("a renewal, whose approval writes two agreements in one transaction", () => {
    async function renewalReadyForDecision(prefix: string) {
      const end = "2026-06-30";
      let predecessor = await create(store, `${prefix}-old`, content({ title: "Förnyas", end, associations: [newAssociation()], officerEmail: "b@example.se" }));
      for (const command of pathTo("active", end)) predecessor = (await act(store, predecessor, command)).agreement;
      let successor = (await act(store, predecessor, { type: "renew", successorId: `${prefix}-new` })).agreement;
      successor = (await act(store, successor, { type: "submit" }, await store.findRelated(successor, "submit"))).agreement;
      return { predecessor, successor };
    }

    it("finds the predecessor and the other agreements of the same association", async () => {
      const { predecessor, successor } = await renewalReadyForDecision("agr-related");

      const related = await store.findRelated(successor, "submit");

      expect(related.predecessor).toEqual(predecessor);
      expect(ids(related.sameAssociation ?? [])).toContain(predecessor.id);
      expect(ids(related.sameAssociation ?? [])).not.toContain(successor.id);
      // Activating reads nothing else: on a day when hundreds start, each would read its association's agreements.
      expect(await store.findRelated(successor, "activate")).toEqual({ overlapGuard: new Map() });
    });

    it("writes both the approved successor and the renewed predecessor", async () => {
      const { predecessor, successor } = await renewalReadyForDecision("agr-renewal");

      const result = await act(store, successor, decided("approved"), await store.findRelated(successor, "decide"));

      expect(result.changes).toHaveLength(2);
      expect(await store.get(successor.id)).toMatchObject({ status: "approved", version: successor.version + 1 });
      expect(await store.get(predecessor.id)).toMatchObject({ renewedBy: successor.id, version: predecessor.version + 1 });
      expect((await eventsOf(predecessor.id)).at(-1)).toMatchObject({ action: "renewal-approved" });
    });

    it("writes neither when the predecessor changed after it was read", async () => {
      const { predecessor, successor } = await renewalReadyForDecision("agr-raced");
      const related = await store.findRelated(successor, "decide");
      await act(store, predecessor, { type: "update", changes: { contacts: [{ name: "Ny kontakt" }] } });

      const approvalAttempt = transition(successor, decided("approved"), editor, NOW, related);
      if (!approvalAttempt.ok) throw new Error(approvalAttempt.error.message);

      await expect(store.applyChanges(approvalAttempt.changes)).rejects.toMatchObject({
        name: "VersionConflictError",
        agreementId: predecessor.id,
      });
      expect(await store.get(successor.id)).toEqual(successor);
      expect((await eventsOf(successor.id)).map((event) => event.action)).toEqual(["create", "submit"]);
    });
  });

  it("lists an agreement's reports apart from its events", async () => {
    await create(store, "agr-reports", { title: "Med rapporter" });
    const reports = createReportStore({ client: table.documentClient, tableName: table.tableName });
    for (const [requirementId, dueDate] of [["activity", "2026-03-31"], ["financial", "2025-03-31"], ["activity", "2025-03-31"]] as const) {
      await storeSubmittedReport(reports, { agreementId: "agr-reports", requirementId, dueDate }, NOW);
    }

    const { items } = await readAll((cursor) => store.reports("agr-reports", { limit: 2, cursor }));

    expect(items.map((report) => report.reportId)).toEqual(["2025-03-31_activity", "2025-03-31_financial", "2026-03-31_activity"]);
    expect(await eventsOf("agr-reports")).toHaveLength(1);
  });

  it("reports a stored item that is not a valid agreement", async () => {
    await table.documentClient.send(
      new PutCommand({ TableName: table.tableName, Item: { ...agreementKey("agr-corrupt"), id: "agr-corrupt", version: "two" } }),
    );

    await expect(store.get("agr-corrupt")).rejects.toThrow(CorruptItemError);
    await expect(store.get("agr-corrupt")).rejects.toThrow(/AGREEMENT#agr-corrupt.*version/);
  });

  // Every write above went through applyChanges: new drafts, transitions, a renewal's two agreements in one
  // transaction, and writes refused for a stale version or a taken id, which must not move a counter either.
  it("keeps each status's counter, and the count of active agreements ending by a date, equal to what its index counts", async () => {
    const counters = await store.countsByStatus();

    for (const status of STATUSES) expect({ status, agreements: counters[status] }).toEqual({ status, agreements: await store.countByStatus(status) });
    expect(counters).toMatchObject({ draft: 5, proposed: 2, approved: 1, active: 4 });
    const dates = ["2025-12-31", "2026-06-30", "2026-12-31", "2027-12-31", "2030-12-31"];
    const onIndex = await Promise.all(dates.map((to) => store.countByStatus("active", { to })));
    expect(await store.countActiveEndingBy(dates)).toEqual(onIndex);
    expect(onIndex.at(-1)).toBe(4);
  });

  // Many agreements start on the same day (often 1 January): their transitions all move the same counters at once.
  it("counts 40 agreements created at once and submitted at once, without one write refused", async () => {
    const end = "2026-12-31";
    const ids = Array.from({ length: 40 }, (_, index) => `concurrent-${index}`);
    const before = await store.countsByStatus();
    await Promise.all(ids.map((id) => create(store, id, content({ title: id, end, associations: [newAssociation()], officerEmail: "c@example.se" }))));
    expect(await store.countsByStatus()).toMatchObject({ draft: before.draft + 40, proposed: before.proposed });

    const drafts = await Promise.all(ids.map(async (id) => (await store.get(id))!));
    await Promise.all(drafts.map((draft) => act(store, draft, { type: "submit" })));
    expect(await store.countsByStatus()).toMatchObject({ draft: before.draft, proposed: before.proposed + 40 });
  });
});

describe("the status counters of a table written before them", () => {
  let table: TestTable;
  let store: AgreementStore;

  beforeAll(async () => {
    table = await createTestTable();
    store = createAgreementStore({ client: table.documentClient, tableName: table.tableName, cursorSecret: CURSOR_SECRET });
  });

  afterAll(() => table?.dispose());

  it("are counted once on start, and kept by the writes from then on", async () => {
    const end = "2026-12-31";
    // Agreement items alone, as a version before the counters wrote them.
    for (const [id, status] of [["old-1", "draft"], ["old-2", "draft"], ["old-3", "active"]] as const) {
      const created = createDraft(id, content({ title: id, end, associations: [newAssociation()], officerEmail: "c@example.se" }), editor, NOW);
      if (!created.ok) throw new Error(created.error.message);
      let stored = created.agreement;
      for (const command of status === "active" ? pathTo("active", end) : []) {
        const result = transition(stored, command, editor, NOW);
        if (!result.ok) throw new Error(result.error.message);
        stored = result.agreement;
      }
      await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: agreementItem(stored) }));
    }
    const countOnIndex = (status: Status) => store.countByStatus(status);
    const listActive = (request: PageRequest) => store.listByStatus("active", request);
    expect(await store.countsByStatus()).toMatchObject({ draft: 0, active: 0 });
    expect(await store.countActiveEndingBy([end])).toEqual([0]);

    expect(await recountIfOutdated(table.documentClient, table.tableName, countOnIndex, listActive)).toBe(3);
    expect(await store.countsByStatus()).toMatchObject({ draft: 2, proposed: 0, active: 1 });
    expect(await store.countActiveEndingBy([addDays(end, -1), end])).toEqual([0, 1]);
    expect(await recountIfOutdated(table.documentClient, table.tableName, countOnIndex, listActive)).toBe(0);

    const draft = (await store.get("old-1"))!;
    await act(store, draft, { type: "submit" });
    expect(await store.countsByStatus()).toMatchObject({ draft: 1, proposed: 1, active: 1 });
  });
});

describe("ensureTable", () => {
  let table: TestTable;
  const otherTables: string[] = [];

  beforeAll(async () => {
    table = await createTestTable();
  });

  afterAll(async () => {
    await Promise.all(otherTables.map((tableName) => table.client.send(new DeleteTableCommand({ TableName: tableName }))));
    await table?.dispose();
  });

  async function createBareTable(sortKey: string): Promise<string> {
    const tableName = `bare-${randomUUID()}`;
    otherTables.push(tableName);
    await table.client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: sortKey, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: sortKey, KeyType: "RANGE" },
        ],
      }),
    );
    return tableName;
  }

  const indexNames = async (tableName: string) =>
    ((await table.client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.GlobalSecondaryIndexes ?? [])
      .map((index) => `${index.IndexName} ${index.IndexStatus}`)
      .sort();

  it("is idempotent and adds the indexes a table from an older version lacks", async () => {
    const tableName = await createBareTable("sk");

    await ensureTable(table.client, tableName);
    await ensureTable(table.client, tableName);

    const expected = Object.keys(TABLE_DEFINITION.globalIndexes).map((name) => `${name} ACTIVE`).sort();
    expect(await indexNames(tableName)).toEqual(expected);
    expect(await indexNames(table.tableName)).toEqual(expected);
  });

  it("refuses a table keyed differently instead of using it", async () => {
    const tableName = await createBareTable("sortKey");

    await expect(ensureTable(table.client, tableName)).rejects.toThrow(TableMismatchError);
  });
});
