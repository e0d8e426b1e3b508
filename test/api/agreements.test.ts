// The agreement routes in-process against a real store on DynamoDB Local, signed in with real tokens of the local
// OpenID Connect provider: every route's happy path, ETag / If-Match, conflicts, problems, request ids and logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../functions/site";
import { jsonLines } from "../../functions/api/logging";
import type { Agreement, DraftContent } from "../../functions/domain/agreement";
import { luhnCheckDigit } from "../../functions/domain/organisation-number";
import type { AuditEvent } from "../../functions/domain/lifecycle";
import type { AgreementStore } from "../../functions/store/agreements";
import { runCommand } from "../../functions/app/commands";
import { appDependenciesForTests, startTestApi, type TestApi } from "../support/api";
import { approval, mammaUnitedContent, workflow as workflowActor } from "../support/agreements";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

let nextAssociation = 1;
/** Mamma United's content for an association of its own, so that agreements of different tests never overlap. */
function content(overrides: DraftContent = {}): DraftContent {
  const nineDigits = `80250${String(nextAssociation++).padStart(4, "0")}`;
  const organisationNumber = `${nineDigits.slice(0, 6)}-${nineDigits.slice(6)}${luhnCheckDigit(nineDigits)}`;
  return { ...mammaUnitedContent(), associations: [{ name: `Förening ${nineDigits}`, organisationNumber }], ...overrides };
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function create(body: DraftContent = content()): Promise<Agreement> {
  const response = await api.request("/api/agreements", { method: "POST", as: "editor", body });
  expect(response.status).toBe(201);
  return json<Agreement>(response);
}

async function post(path: string, as: "editor" | "registrar" | "viewer" | "admin", body?: unknown, headers?: Record<string, string>) {
  return api.request(path, { method: "POST", as, body, headers });
}

/** Creates, submits and approves an agreement; activates it when `active`. */
async function decided(body: DraftContent = content(), { active = false } = {}): Promise<Agreement> {
  const draft = await create(body);
  expect((await post(`/api/agreements/${draft.id}/submit`, "editor")).status).toBe(200);
  const response = await post(`/api/agreements/${draft.id}/decision`, "registrar", approval);
  expect(response.status).toBe(200);
  if (!active) return json<Agreement>(response);
  // The workflow activates agreements on their start date; the API has no route for it.
  const activated = await runCommand(api.store, { agreementId: draft.id, command: { type: "activate" }, actor: workflowActor, now: api.clock.now() });
  return activated.agreement;
}

describe("creating and reading", () => {
  it("creates a draft with 201, its address and ETag, and reads it back", async () => {
    const response = await api.request("/api/agreements", { method: "POST", as: "editor", body: content({ title: "Läxhjälp i Bäckby" }) });
    expect(response.status).toBe(201);
    const created = await json<Agreement>(response);
    expect(created).toMatchObject({ status: "draft", version: 1, title: "Läxhjälp i Bäckby" });
    expect(response.headers.get("Location")).toBe(`/api/agreements/${created.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');

    const read = await api.request(response.headers.get("Location")!, { as: "viewer" });
    expect(read.status).toBe(200);
    expect(read.headers.get("ETag")).toBe('"1"');
    expect(await json(read)).toEqual(created);
    expect((await api.store.events(created.id)).items.map((event) => event.actor)).toEqual([
      { kind: "user", id: "editor@example.se", email: "editor@example.se" },
    ]);
  });

  it("answers 304 to If-None-Match with the current ETag, 200 with an old one", async () => {
    const created = await create();
    const same = await api.request(`/api/agreements/${created.id}`, { as: "viewer", headers: { "If-None-Match": '"1"' } });
    expect(same.status).toBe(304);
    expect(same.headers.get("ETag")).toBe('"1"');
    const old = await api.request(`/api/agreements/${created.id}`, { as: "viewer", headers: { "If-None-Match": '"0"' } });
    expect(old.status).toBe(200);
  });

  it("answers 404 as a problem for an agreement that does not exist", async () => {
    const response = await api.request("/api/agreements/agr-nobody", { as: "viewer" });
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await json(response)).toMatchObject({ type: "about:blank", status: 404, title: "Not found", detail: "No agreement agr-nobody" });
  });
});

describe("updating with If-Match", () => {
  it("changes the fields given when If-Match names the current version, and tells the workflow", async () => {
    const created = await create();
    const response = await api.request(`/api/agreements/${created.id}`, {
      method: "PATCH",
      as: "editor",
      body: { title: "Ny titel", noticePeriodMonths: 6 },
      headers: { "If-Match": '"1"' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(await json(response)).toMatchObject({ version: 2, title: "Ny titel", noticePeriodMonths: 6, purpose: created.purpose });
    expect(api.workflow.calls).toContain(`agreementChanged ${created.id}`);
    expect((await api.store.events(created.id)).items.at(-1)).toMatchObject({ action: "update", fields: ["noticePeriodMonths", "title"] });
  });

  it("answers 428 without If-Match and 412 with a stale one, changing nothing", async () => {
    const created = await create();
    const missing = await api.request(`/api/agreements/${created.id}`, { method: "PATCH", as: "editor", body: { title: "X" } });
    expect(missing.status).toBe(428);
    expect(await json(missing)).toMatchObject({ status: 428, title: "If-Match required" });

    await api.request(`/api/agreements/${created.id}`, { method: "PATCH", as: "editor", body: { title: "Y" }, headers: { "If-Match": '"1"' } });
    const stale = await api.request(`/api/agreements/${created.id}`, { method: "PATCH", as: "editor", body: { title: "Z" }, headers: { "If-Match": '"1"' } });
    expect(stale.status).toBe(412);
    expect(await json(stale)).toMatchObject({ status: 412, detail: `Agreement ${created.id} is at version "2", not one If-Match names ("1"): reload it and try again` });
    const weak = await api.request(`/api/agreements/${created.id}`, { method: "PATCH", as: "editor", body: { title: "Z" }, headers: { "If-Match": 'W/"2"' } });
    expect(weak.status).toBe(412);
    expect((await api.store.get(created.id))?.title).toBe("Y");
  });

  it("refuses changes to the terms once decided, naming the fields as sent", async () => {
    const agreement = await decided();
    const response = await api.request(`/api/agreements/${agreement.id}`, {
      method: "PATCH",
      as: "editor",
      body: { title: "Other", contacts: [] },
      headers: { "If-Match": `"${agreement.version}"` },
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ title: "Field locked after the decision", errors: [{ path: "title", message: "Cannot change after the decision" }] });
    const allowed = await api.request(`/api/agreements/${agreement.id}`, {
      method: "PATCH",
      as: "editor",
      body: { contacts: [] },
      headers: { "If-Match": `"${agreement.version}"` },
    });
    expect(allowed.status).toBe(200);
  });

  it("matches If-Match as RFC 9110 says: any tag of a list, * for any version, a tag not current is 412", async () => {
    const created = await create();
    const patch = (ifMatch: string, title: string, id = created.id) =>
      api.request(`/api/agreements/${id}`, { method: "PATCH", as: "editor", body: { title }, headers: { "If-Match": ifMatch } });

    expect((await patch('"7", "1"', "From a list")).status).toBe(200);
    expect((await patch('W/"2", "stale-0", "2"', "From a longer list")).status).toBe(200);
    expect((await patch("*", "Whatever the version")).status).toBe(200);
    const stale = await patch('"stale-0"', "Never");
    expect(stale.status).toBe(412);
    expect(await json(stale)).toMatchObject({ title: "Changed since you read it", detail: expect.stringContaining('version "4"') });
    expect((await patch('"04"', "Never")).status).toBe(412);
    expect((await patch('"3", "5"', "Never")).status).toBe(412);
    // Malformed, not merely stale: 400 naming the header.
    const malformed = await patch('"4" "5"', "Never");
    expect(malformed.status).toBe(400);
    expect(await json(malformed)).toMatchObject({ errors: [{ path: "If-Match" }] });
    // A condition on an agreement that does not exist is not evaluated.
    expect((await patch('"stale-0"', "Never", "agr-none")).status).toBe(404);
    expect(await api.store.get(created.id)).toMatchObject({ version: 4, title: "Whatever the version" });
  });

  it("answers 20 parallel changes with the same If-Match with one 200 and nineteen 412, writing one event", async () => {
    const created = await create();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        api.request(`/api/agreements/${created.id}`, { method: "PATCH", as: "editor", body: { title: `Parallel ${index}` }, headers: { "If-Match": '"1"' } }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(19).fill(412)]);
    for (const response of responses.filter((response) => response.status === 412)) {
      expect(response.headers.get("Content-Type")).toBe("application/problem+json");
      expect(await json(response)).toMatchObject({ status: 412, title: "Changed since you read it" });
    }
    expect((await api.store.events(created.id)).items.map((event) => event.action)).toEqual(["create", "update"]);
    expect(await api.store.get(created.id)).toMatchObject({ version: 2 });
  });

  /** An app whose store lets another person's change in right after each read, as under real concurrency. */
  async function racingApp() {
    const racing: AgreementStore = {
      ...api.store,
      async get(id) {
        const read = await api.store.get(id);
        if (read !== null) await runCommand(api.store, { agreementId: id, command: { type: "update", changes: { purpose: "Parallel" } }, actor: workflowActor, now: api.clock.now() });
        return read;
      },
    };
    const app = createApp(appDependenciesForTests(api.table, { store: racing, authenticate: api.auth.auth.authenticate }));
    const editor = await api.auth.bearer("editor");
    return (id: string, headers: Record<string, string>) =>
      app.request(`http://localhost/api/agreements/${id}`, {
        method: "PATCH",
        headers: { ...editor, "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ title: "Mine" }),
      });
  }

  it("answers 412 when someone else saves between the read and the write of a change sent with If-Match", async () => {
    const created = await create();
    const response = await (await racingApp())(created.id, { "If-Match": '"1"' });
    expect(response.status).toBe(412);
    expect(await json(response)).toMatchObject({ title: "Changed since you read it", detail: expect.stringContaining("changed by someone else") });
    expect(await api.store.get(created.id)).toMatchObject({ version: 2, purpose: "Parallel", title: created.title });
  });

  it("answers 409 to such a change sent with If-Match: *, which any version matches", async () => {
    const created = await create();
    const response = await (await racingApp())(created.id, { "If-Match": "*" });
    expect(response.status).toBe(409);
    expect(await json(response)).toMatchObject({ title: "Edit conflict" });
    expect(await api.store.get(created.id)).toMatchObject({ version: 2, purpose: "Parallel", title: created.title });
  });
});

describe("lifecycle actions", () => {
  it("submits a complete draft and starts its workflow", async () => {
    const created = await create();
    const response = await post(`/api/agreements/${created.id}/submit`, "editor", undefined, { "If-Match": '"1"' });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(await json(response)).toMatchObject({ status: "proposed" });
    expect(api.workflow.calls).toContain(`ensureRunning ${created.id}`);
  });

  it("refuses an incomplete draft with a field error for each missing part", async () => {
    const created = await create({ title: "Bara en titel" });
    const response = await post(`/api/agreements/${created.id}/submit`, "editor");
    expect(response.status).toBe(400);
    const problem = await json<{ title: string; errors: { path: string }[] }>(response);
    expect(problem.title).toBe("Draft not complete");
    expect(problem.errors.map((error) => error.path)).toEqual(expect.arrayContaining(["purpose", "period", "budget", "responsibleOfficer"]));
  });

  it("answers 409 with the actions allowed now when the status does not allow the action", async () => {
    const created = await create();
    await post(`/api/agreements/${created.id}/submit`, "editor");
    const again = await post(`/api/agreements/${created.id}/submit`, "editor");
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ title: "Not allowed in this status", allowedActions: ["decide", "withdraw"] });
    const renewal = await post(`/api/agreements/${created.id}/renewal`, "editor");
    expect(renewal.status).toBe(409);
  });

  it("lets only a registrar record the decision, and tells the workflow", async () => {
    const created = await create();
    await post(`/api/agreements/${created.id}/submit`, "editor");
    expect((await post(`/api/agreements/${created.id}/decision`, "editor", approval)).status).toBe(403);
    const response = await post(`/api/agreements/${created.id}/decision`, "registrar", approval);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ status: "approved", decision: approval });
    expect(api.workflow.calls).toContain(`decisionRecorded ${created.id}`);
  });

  it("refuses a decision dated in the future, with the path as the body has it", async () => {
    const created = await create();
    await post(`/api/agreements/${created.id}/submit`, "editor");
    const response = await post(`/api/agreements/${created.id}/decision`, "registrar", { ...approval, date: "2026-03-02" });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ errors: [{ path: "date", message: "Must be on or before 2026-03-01" }] });
  });

  it("renews an active agreement into a successor draft, and marks it when the successor is approved", async () => {
    const predecessor = await decided(content(), { active: true });
    const response = await post(`/api/agreements/${predecessor.id}/renewal`, "editor");
    expect(response.status).toBe(201);
    const successor = await json<Agreement>(response);
    expect(response.headers.get("Location")).toBe(`/api/agreements/${successor.id}`);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(successor).toMatchObject({ status: "draft", renewalOf: predecessor.id, period: { start: "2027-01-01" } });

    await post(`/api/agreements/${successor.id}/submit`, "editor");
    const approved = await post(`/api/agreements/${successor.id}/decision`, "registrar", approval);
    expect(approved.status).toBe(200);
    expect(await api.store.get(predecessor.id)).toMatchObject({ status: "active", renewedBy: successor.id });
    expect(api.workflow.calls.slice(-2)).toEqual([`decisionRecorded ${successor.id}`, `agreementChanged ${predecessor.id}`]);
  });

  it("records a termination taking effect later, keeping the agreement active, and tells the workflow", async () => {
    const agreement = await decided(content({ noticePeriodMonths: 3 }), { active: true });
    const notice = { ground: "municipality-notice", givenOn: "2026-03-01", reason: "Verksamheten flyttar" };
    const outside = await post(`/api/agreements/${agreement.id}/terminate`, "editor", { ...notice, effectiveDate: "2030-01-01" });
    expect(outside.status).toBe(400);
    expect(await json(outside)).toMatchObject({ errors: [{ path: "effectiveDate", message: "Must be from 2024-02-01 to 2026-12-31, the agreement's period" }] });
    const tooShort = await post(`/api/agreements/${agreement.id}/terminate`, "editor", { ...notice, effectiveDate: "2026-04-30" });
    expect(tooShort.status).toBe(400);
    expect(await json(tooShort)).toMatchObject({ detail: expect.stringContaining("2026-06-01"), errors: [{ path: "effectiveDate", message: expect.stringContaining("2026-06-01") }] });

    const response = await post(`/api/agreements/${agreement.id}/terminate`, "editor", { ...notice, effectiveDate: "2026-06-30" });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ status: "active", termination: { ground: "municipality-notice", givenOn: "2026-03-01", effectiveDate: "2026-06-30" } });
    expect(api.workflow.calls).toContain(`agreementChanged ${agreement.id}`);
    const again = await post(`/api/agreements/${agreement.id}/terminate`, "editor", { ...notice, effectiveDate: "2026-09-30" });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ allowedActions: ["update"] });
  });

  it("records a termination that took effect earlier as ended at once, and says so in the audit trail", async () => {
    const agreement = await decided(content(), { active: true });
    const response = await post(`/api/agreements/${agreement.id}/terminate`, "editor", { ground: "mutual-agreement", givenOn: "2026-01-20", effectiveDate: "2026-01-31" });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ status: "terminated", termination: { effectiveDate: "2026-01-31" } });
    expect((await api.store.events(agreement.id)).items.at(-1)).toMatchObject({
      action: "terminate",
      from: "active",
      to: "terminated",
      note: "Recorded on 2026-03-01, after it took effect: in force until the end of 2026-01-31",
    });
  });

  it("withdraws a draft with or without a reason", async () => {
    const first = await create();
    const withReason = await post(`/api/agreements/${first.id}/withdraw`, "editor", { reason: "Dubblett" });
    expect(await json(withReason)).toMatchObject({ status: "withdrawn" });
    expect((await api.store.events(first.id)).items.at(-1)).toMatchObject({ action: "withdraw", note: "Dubblett" });
    const second = await create();
    expect((await post(`/api/agreements/${second.id}/withdraw`, "editor")).status).toBe(200);
  });

  it("honours If-Match on actions", async () => {
    const created = await create();
    const stale = await post(`/api/agreements/${created.id}/withdraw`, "editor", undefined, { "If-Match": '"3"' });
    expect(stale.status).toBe(412);
    expect((await api.store.get(created.id))?.status).toBe("draft");
  });
});

describe("audit trail", () => {
  it("shows which sub-effort's activity status changed, from what to what, who and when (Umeå)", async () => {
    const agreement = await decided(content({ title: "Umeå växer – tryggt och säkert", subEfforts: [
      { name: "Förebygga droger och kriminell livsstil", description: "Projektet Starkare.", activityStatus: "started" },
      { name: "Stärka föräldrar", description: "", activityStatus: "planned" },
    ] }), { active: true });
    const subEfforts = agreement.subEfforts!.map((subEffort) => (subEffort.name === "Stärka föräldrar" ? { ...subEffort, activityStatus: "started" } : subEffort));
    const patched = await api.request(`/api/agreements/${agreement.id}`, { method: "PATCH", as: "editor", body: { subEfforts }, headers: { "If-Match": `"${agreement.version}"` } });
    expect(patched.status).toBe(200);
    const { items } = await json<{ items: AuditEvent[] }>(await api.request(`/api/agreements/${agreement.id}/events`, { as: "viewer" }));
    expect(items.at(-1)).toEqual({
      agreementId: agreement.id,
      version: agreement.version + 1,
      at: api.clock.now().toISOString(),
      actor: { kind: "user", id: "editor@example.se", email: "editor@example.se" },
      action: "update",
      from: "active",
      to: "active",
      fields: ["subEfforts"],
      changes: [{ path: "subEfforts[Stärka föräldrar].activityStatus", label: "Stärka föräldrar: activity status", from: "planned", to: "started" }],
    });
  });

  it("lists the events oldest first, page by page", async () => {
    const agreement = await decided();
    const first = await api.request(`/api/agreements/${agreement.id}/events?limit=2`, { as: "viewer" });
    expect(first.status).toBe(200);
    const page = await json<{ items: AuditEvent[]; cursor: string }>(first);
    expect(page.items.map((event) => event.action)).toEqual(["create", "submit"]);
    const second = await json<{ items: AuditEvent[]; cursor: string | null }>(
      await api.request(`/api/agreements/${agreement.id}/events?limit=2&cursor=${encodeURIComponent(page.cursor)}`, { as: "viewer" }),
    );
    expect(second).toMatchObject({ items: [{ action: "decide", from: "proposed", to: "approved", actor: { id: "registrar@example.se" } }], cursor: null });
    expect((await api.request("/api/agreements/agr-nobody/events", { as: "viewer" })).status).toBe(404);
  });
});

describe("sign-in and permissions", () => {
  it("answers an anonymous request with 401 and a Bearer challenge", async () => {
    const response = await api.request("/api/agreements");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(await json(response)).toMatchObject({ status: 401, title: "Not signed in" });
  });

  it("answers 403 to a viewer who submits, and lets a viewer read", async () => {
    const created = await create();
    const response = await post(`/api/agreements/${created.id}/submit`, "viewer");
    expect(response.status).toBe(403);
    expect(await json(response)).toMatchObject({ detail: "This needs the edit permission, which none of your roles (viewer) has" });
    expect((await api.store.get(created.id))?.status).toBe("draft");
    expect((await api.request(`/api/agreements/${created.id}`, { as: "viewer" })).status).toBe(200);
  });

  it("refuses a token that does not verify", async () => {
    const response = await api.request("/api/agreements", { headers: { Authorization: "Bearer not.a.token" } });
    expect(response.status).toBe(401);
  });
});

describe("problems, request ids and logs", () => {
  it("answers malformed input with 400 and field errors that follow the body", async () => {
    const response = await api.request("/api/agreements", {
      method: "POST",
      as: "editor",
      body: { title: 7, period: { start: "2026-02-30", end: "2026-01-01" }, budget: [{ year: 2026, amountSek: -5 }], colour: "red" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    const problem = await json<{ errors: { path: string; message: string; code: string }[] }>(response);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: "title", message: "Write a text", code: "notText" },
        { path: "period.start", message: "Write a real date as year-month-day (for example 2026-12-31)", code: "invalidDate" },
        { path: "budget.0.amountSek", message: "Cannot be less than 0", code: "tooSmall" },
        { path: "colour", message: "Not a field of this request", code: "unknownField" },
      ]),
    );
  });

  it("puts the request id in the header and in the problem, keeping a sane one the client sent", async () => {
    const sent = await api.request("/api/agreements/agr-nobody", { as: "viewer", headers: { "X-Request-Id": "trace-0123.abc" } });
    expect(sent.headers.get("X-Request-Id")).toBe("trace-0123.abc");
    expect(await json(sent)).toMatchObject({ requestId: "trace-0123.abc" });
    const insane = await api.request("/api/health", { headers: { "X-Request-Id": "<script>alert(1)</script>" } });
    expect(insane.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs one structured line per request, with the principal, and no calendar secret", async () => {
    const response = await api.request("/api/agreements?status=draft", { as: "viewer", headers: { "X-Request-Id": "log-line-test" } });
    await api.request("/api/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics");
    expect(response.status).toBe(200);
    expect(api.logs.filter((record) => record.requestId === "log-line-test")).toEqual([
      {
        level: "info",
        message: "request",
        requestId: "log-line-test",
        method: "GET",
        path: "/api/agreements",
        status: 200,
        durationMs: expect.any(Number),
        principal: "viewer@example.se",
      },
    ]);
    expect(JSON.stringify(api.logs)).not.toContain("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(api.logs.at(-1)).toMatchObject({ path: "/api/calendar/{secret}.ics", status: 404 });

    const lines: string[] = [];
    jsonLines((line) => lines.push(line), () => new Date("2026-03-01T10:00:00Z"))({ level: "info", message: "request", requestId: "r1" });
    expect(lines).toEqual(['{"time":"2026-03-01T10:00:00.000Z","level":"info","message":"request","requestId":"r1"}\n']);
  });

  it("answers a failure of its own with a 500 problem that names the request, and logs the cause", async () => {
    const logs: Record<string, unknown>[] = [];
    const broken: AgreementStore = { ...api.store, get: async () => Promise.reject(new Error("DynamoDB unreachable")) };
    const app = createApp(appDependenciesForTests(api.table, { store: broken, authenticate: api.auth.auth.authenticate, log: (record) => logs.push(record) }));
    const response = await app.request("http://localhost/api/agreements/agr-1", { headers: { ...(await api.auth.bearer("viewer")), "X-Request-Id": "broken-1" } });
    expect(response.status).toBe(500);
    const problem = await json(response);
    expect(problem).toMatchObject({ status: 500, requestId: "broken-1" });
    expect(JSON.stringify(problem)).not.toContain("DynamoDB unreachable");
    expect(logs).toContainEqual(expect.objectContaining({ level: "error", requestId: "broken-1", error: expect.stringContaining("DynamoDB unreachable") }));
  });

  it("keeps a saved change when the workflow cannot be told, and logs it", async () => {
    const logs: Record<string, unknown>[] = [];
    const failing = { ensureRunning: () => Promise.reject(new Error("no executions today")), decisionRecorded: async () => {}, agreementChanged: async () => {} };
    const app = createApp(
      appDependenciesForTests(api.table, { workflow: failing, authenticate: api.auth.auth.authenticate, log: (record) => logs.push(record), newId: () => "agr-workflow-down" }),
    );
    const headers = { ...(await api.auth.bearer("editor")), "Content-Type": "application/json" };
    await app.request("http://localhost/api/agreements", { method: "POST", headers, body: JSON.stringify(content()) });
    const response = await app.request("http://localhost/api/agreements/agr-workflow-down/submit", { method: "POST", headers });
    expect(response.status).toBe(200);
    expect((await api.store.get("agr-workflow-down"))?.status).toBe("proposed");
    expect(logs).toContainEqual(expect.objectContaining({ level: "error", message: "The workflow could not be told: agr-workflow-down submitted" }));
  });
});
