// More than 200 malformed requests across the routes: wrong types, missing and extra fields, 10 MB strings,
// Unicode edge cases, impossible dates, end before start, negative or fractional kronor, injection strings where
// they are not valid, wrong content types, forged cursors, oversize bodies, wrong preconditions and permissions.
// Every one must answer 4xx as problem+json, none 5xx, and the table must be byte for byte what it was before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../functions/api/auth/principal";
import { problemSchema } from "../../functions/api/problems";
import type { Agreement, DraftContent } from "../../functions/domain/agreement";
import { runCommand } from "../../functions/app/commands";
import { RecordingMailer, startTestApi, type TestApi } from "../support/api";
import { approval, mammaUnitedContent, workflow as workflowActor } from "../support/agreements";

interface Case {
  name: string;
  method: string;
  path: string;
  as?: Role;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  /** The status expected; any 4xx when left out. */
  status?: number;
  /** The Allow header expected (with 405). */
  allow?: string;
}

let api: TestApi;
let draft: Agreement;
let proposed: Agreement;
let active: Agreement;
let feedUrl: string;
/** A working report link to the active agreement's 2026 activity report, and an invitation of it. */
let reportToken: string;
let invitationId: string;

const INJECTIONS = [
  "' OR '1'='1",
  "\"; DROP TABLE agreements; --",
  "<script>alert(1)</script>",
  "${jndi:ldap://x/a}",
  "{{7*7}}",
  "../../../etc/passwd",
  "AGREEMENT#x",
  "$where: 1",
];
const TEN_MEGABYTES = "x".repeat(10 * 1024 * 1024);

async function createAs(content: DraftContent): Promise<Agreement> {
  const response = await api.request("/api/agreements", { method: "POST", as: "editor", body: content });
  if (response.status !== 201) throw new Error(await response.text());
  return (await response.json()) as Agreement;
}

beforeAll(async () => {
  api = await startTestApi();
  draft = await createAs({ title: "Bara en titel" });
  proposed = await createAs({ ...mammaUnitedContent(), title: "Föreslaget avtal" });
  await api.request(`/api/agreements/${proposed.id}/submit`, { method: "POST", as: "editor" });
  const toActivate = await createAs({ ...mammaUnitedContent(), title: "Aktivt avtal" });
  await api.request(`/api/agreements/${toActivate.id}/submit`, { method: "POST", as: "editor" });
  await api.request(`/api/agreements/${toActivate.id}/decision`, { method: "POST", as: "registrar", body: approval });
  active = (await runCommand(api.store, { agreementId: toActivate.id, command: { type: "activate" }, actor: workflowActor, now: api.clock.now() })).agreement;
  proposed = (await api.store.get(proposed.id))!;
  feedUrl = ((await (await api.request("/api/calendar-feed", { method: "POST", as: "editor" })).json()) as { url: string }).url;
  const invited = await api.request(`/api/agreements/${active.id}/invitations`, {
    method: "POST",
    as: "editor",
    body: { requirementId: "verksamhet", dueDate: "2026-03-31", email: "kassor@mammaunited.example.se" },
  });
  invitationId = ((await invited.json()) as { invitationId: string }).invitationId;
  reportToken = /\/report\/([A-Za-z0-9_-]{43})/.exec((api.reporting.mailer as RecordingMailer).sent.at(-1)!.text)![1]!;
});
afterAll(() => api.stop());

/** The create body with one field replaced (or removed, for undefined). */
const withField = (field: string, value: unknown): Record<string, unknown> => {
  const body: Record<string, unknown> = { ...mammaUnitedContent() };
  if (value === undefined) delete body[field];
  else body[field] = value;
  return body;
};

function createCases(): Case[] {
  const bad: [field: string, values: unknown[]][] = [
    ["title", [5, null, true, [], {}, "", "   ", "x".repeat(201), "a\u0000b", "\ud800 lone", "bell\u0007"]],
    ["purpose", [42, "p".repeat(5001), ["text"]]],
    ["municipality", ["Västerås", { organisation: "Västerås stad" }, { organisation: 1, decidingBody: "KS" }]],
    [
      "associations",
      [
        [],
        "Mamma United",
        [{ name: "Mamma United" }],
        [{ name: "Mamma United", organisationNumber: "802535-1234" }],
        [{ name: "Mamma United", organisationNumber: "12345" }],
        [{ name: "", organisationNumber: "802535-1233" }],
        [{ name: "M", organisationNumber: 8025351233 }],
        Array.from({ length: 21 }, () => ({ name: "M", organisationNumber: "802535-1233" })),
        ...INJECTIONS.slice(0, 4).map((injection) => [{ name: "M", organisationNumber: injection }]),
      ],
    ],
    [
      "period",
      [
        { start: "2026-02-30", end: "2026-12-31" },
        { start: "2026-12-31", end: "2026-01-01" },
        { start: "2026-13-01", end: "2027-01-01" },
        { start: "2026-1-1", end: "2027-01-01" },
        { start: "26-01-01", end: "2027-01-01" },
        { start: "2026-01-01T00:00:00Z", end: "2027-01-01" },
        { start: 20260101, end: "2027-01-01" },
        { start: "2026-01-01" },
        "2026-01-01/2027-01-01",
        { start: "2025-02-29", end: "2026-01-01" },
        { start: "２０２６-01-01", end: "2027-01-01" },
      ],
    ],
    ["noticePeriodMonths", [-1, 1.5, 61, "6", true]],
    [
      "budget",
      [
        [{ year: 2026, amountSek: -1 }],
        [{ year: 2026, amountSek: 1.5 }],
        [{ year: 2026, amountSek: -0.01 }],
        [{ year: 2026, amountSek: "100000" }],
        [{ year: 2026, amountSek: 1e13 }],
        [{ year: 1800, amountSek: 1 }],
        [{ year: 2026.5, amountSek: 1 }],
        [{ year: 2026 }],
        [],
        { 2026: 100 },
        [{ year: "2026", amountSek: 1 }],
      ],
    ],
    ["coFinancing", [{ amountSek: 5 }, { description: "x", amountSek: -5 }, "lots"]],
    [
      "responsibleOfficer",
      [
        { name: "Eva", email: "not-an-email" },
        { name: "Eva", email: "eva@" },
        { name: "Eva" },
        { name: "", email: "eva@example.se" },
        { name: "Eva", email: `${"e".repeat(250)}@example.se` },
        ...INJECTIONS.slice(0, 3).map((injection) => ({ name: "Eva", email: injection })),
      ],
    ],
    ["contacts", [[{ email: "a@example.se" }], "Eva", [{ name: "Eva", email: "nope" }]]],
    ["subEfforts", [[{ name: "" }], [{ name: "A", activityStatus: "green" }], [{}]]],
    [
      "reportingRequirements",
      [
        [{ id: "Bad ID", kind: "activity", dueDates: ["2026-03-31"] }],
        [{ id: "r", kind: "weekly", dueDates: ["2026-03-31"] }],
        [{ id: "r", kind: "activity", dueDates: [] }],
        [{ id: "r", kind: "activity", dueDates: ["2026-02-29"] }],
        [{ id: "'; DROP TABLE x; --", kind: "activity", dueDates: ["2026-03-31"] }],
      ],
    ],
    [
      "reminders",
      [
        { expiryDaysBefore: [0], noticeDaysBefore: 30, reportDaysBefore: 14, notifyAssociationContact: false },
        { expiryDaysBefore: [731], noticeDaysBefore: 30, reportDaysBefore: 14, notifyAssociationContact: false },
        { expiryDaysBefore: "180", noticeDaysBefore: 30, reportDaysBefore: 14, notifyAssociationContact: false },
        { expiryDaysBefore: [180], noticeDaysBefore: -1, reportDaysBefore: 14, notifyAssociationContact: false },
        { expiryDaysBefore: [180], noticeDaysBefore: 30, reportDaysBefore: 14, notifyAssociationContact: "yes" },
      ],
    ],
    ["procurementAssessment", [["LOU"], 0, ""]],
    // Fields that are not the client's to set, and fields that do not exist.
    ["id", ["chosen-id"]],
    ["status", ["active"]],
    ["version", [99]],
    ["decision", [approval]],
    ["renewalOf", ["vasteras-mamma-united"]],
    ["colour", ["red"]],
    ["__proto__", [{ polluted: true }]],
    ["constructor", [{ prototype: {} }]],
  ];
  return bad.flatMap(([field, values]) =>
    values.map((value, index) => ({
      name: `create with bad ${field} #${index + 1}`,
      method: "POST",
      path: "/api/agreements",
      as: "editor" as const,
      body: field === "__proto__" ? `{"__proto__": ${JSON.stringify(value)}}` : withField(field, value),
      headers: { "Content-Type": "application/json" },
      status: 400,
    })),
  );
}

function bodyCases(): Case[] {
  const json = { "Content-Type": "application/json" };
  const raw = (name: string, body: string | Uint8Array, headers: Record<string, string> = json, status?: number): Case => ({
    name,
    method: "POST",
    path: "/api/agreements",
    as: "editor",
    body,
    headers,
    status,
  });
  let deep = "1";
  for (let level = 0; level < 2000; level++) deep = `[${deep}]`;
  return [
    raw("not JSON", "{title: 'x'}", json, 400),
    raw("truncated JSON", '{"title": "x"', json, 400),
    raw("JSON null", "null", json, 400),
    raw("JSON array", '[{"title": "x"}]', json, 400),
    raw("JSON string", '"title"', json, 400),
    raw("JSON number", "42", json, 400),
    raw("duplicate key turning into an unknown field", '{"title": "a", "title": 5}', json, 400),
    raw("lone surrogate escape", '{"title": "\\ud800"}', json, 400),
    raw("unpaired low surrogate", '{"title": "x\\udc00y"}', json, 400),
    raw("NUL escape", '{"title": "a\\u0000"}', json, 400),
    raw("escape sequence in a field name", '{"tit\\u006ce2": "x"}', json, 400),
    raw("deep nesting", `{"title": ${deep}}`, json, 400),
    raw("10 MB string", JSON.stringify({ title: TEN_MEGABYTES }), json, 413),
    raw("101 KB body", JSON.stringify({ title: "x", purpose: "p".repeat(101 * 1024) }), json, 413),
    raw("text/plain", JSON.stringify({ title: "x" }), { "Content-Type": "text/plain" }, 415),
    raw("no content type", JSON.stringify({ title: "x" }), {}, 415),
    raw("form", "title=x", { "Content-Type": "application/x-www-form-urlencoded" }, 415),
    raw("multipart", "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--b--\r\n", { "Content-Type": "multipart/form-data; boundary=b" }, 415),
    raw("XML", "<agreement><title>x</title></agreement>", { "Content-Type": "application/xml" }, 415),
    raw("JSON in Latin-1", JSON.stringify({ title: "x" }), { "Content-Type": "application/json; charset=iso-8859-1" }, 415),
    raw("JSON with a made-up type", JSON.stringify({ title: "x" }), { "Content-Type": "application/jsonx" }, 415),
    raw("empty body", "", json, 400),
    // Bytes that are not UTF-8 at all, where a lenient decoder would store "�".
    raw("invalid UTF-8 bytes", Buffer.concat([Buffer.from('{"title": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), json, 400),
    raw("an overlong UTF-8 encoding", Buffer.concat([Buffer.from('{"title": "a'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), json, 400),
    raw("the UTF-8 of a lone surrogate", Buffer.concat([Buffer.from('{"title": "a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), json, 400),
    raw("a truncated UTF-8 sequence", Buffer.concat([Buffer.from('{"title": "a'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]), json, 400),
    raw("Latin-1 bytes sent as UTF-8", Buffer.from('{"title": "Bäckby"}', "latin1"), json, 400),
  ];
}

function updateCases(): Case[] {
  const patch = (name: string, agreement: () => Agreement, body: unknown, headers: Record<string, string>, status: number): Case => ({
    name,
    method: "PATCH",
    path: `/api/agreements/${agreement().id}`,
    as: "editor",
    body,
    headers,
    status,
  });
  const current = (agreement: Agreement) => ({ "If-Match": `"${agreement.version}"` });
  return [
    patch("update without If-Match", () => draft, { title: "x" }, {}, 428),
    patch("update with a stale If-Match", () => draft, { title: "x" }, { "If-Match": '"99"' }, 412),
    patch("update with a weak ETag", () => draft, { title: "x" }, { "If-Match": 'W/"1"' }, 412),
    patch("update with an unquoted ETag", () => draft, { title: "x" }, { "If-Match": "1" }, 400),
    // Well-formed entity-tags that are not the current one fail the condition (RFC 9110 §13.1.1): 412, not 400.
    patch("update with two stale ETags", () => draft, { title: "x" }, { "If-Match": '"98", "99"' }, 412),
    patch("update with an ETag that was never ours", () => draft, { title: "x" }, { "If-Match": '"stale-0"' }, 412),
    patch("update with a negative ETag", () => draft, { title: "x" }, { "If-Match": '"-1"' }, 412),
    patch("update with a huge ETag", () => draft, { title: "x" }, { "If-Match": `"${"9".repeat(40)}"` }, 412),
    patch("update with the version zero-padded", () => draft, { title: "x" }, { "If-Match": '"01"' }, 412),
    patch("update with an empty ETag", () => draft, { title: "x" }, { "If-Match": '""' }, 412),
    patch("update with a weak ETag in a list", () => draft, { title: "x" }, { "If-Match": 'W/"1", "99"' }, 412),
    // Only what is not an entity-tag list is 400.
    patch("update with an injection as ETag", () => draft, { title: "x" }, { "If-Match": INJECTIONS[1]! }, 400),
    patch("update with two ETags without a comma", () => draft, { title: "x" }, { "If-Match": '"1" "2"' }, 400),
    patch("update with * in a list", () => draft, { title: "x" }, { "If-Match": '*, "1"' }, 400),
    patch("update with a space inside an ETag", () => draft, { title: "x" }, { "If-Match": '"1 "' }, 400),
    patch("update with an unclosed ETag", () => draft, { title: "x" }, { "If-Match": '"1' }, 400),
    patch("update with a lower-case weak prefix", () => draft, { title: "x" }, { "If-Match": 'w/"1"' }, 400),
    patch("update with nothing to change", () => draft, {}, { "If-Match": '"1"' }, 400),
    patch("update with an unknown field", () => draft, { colour: "red" }, { "If-Match": '"1"' }, 400),
    patch("update setting the status", () => draft, { status: "active" }, { "If-Match": '"1"' }, 400),
    patch("update with a null title", () => draft, { title: null }, { "If-Match": '"1"' }, 400),
    patch("update with end before start", () => draft, { period: { start: "2027-01-01", end: "2026-01-01" } }, { "If-Match": '"1"' }, 400),
    patch("update with 30 February", () => draft, { period: { start: "2026-02-30", end: "2027-01-01" } }, { "If-Match": '"1"' }, 400),
    patch("update with fractional kronor", () => draft, { budget: [{ year: 2026, amountSek: 0.5 }] }, { "If-Match": '"1"' }, 400),
    patch("update with negative kronor", () => draft, { budget: [{ year: 2026, amountSek: -100 }] }, { "If-Match": '"1"' }, 400),
    patch("update of a locked field after the decision", () => active, { title: "Nytt" }, current(active), 400),
    patch("update of the period after the decision", () => active, { period: { start: "2024-02-01", end: "2030-12-31" } }, current(active), 400),
    patch("update of a proposal", () => proposed, { contacts: [] }, current(proposed), 409),
    patch("update as JSON text/plain", () => draft, JSON.stringify({ title: "x" }), { "If-Match": '"1"', "Content-Type": "text/plain" }, 415),
    { ...patch("update by a viewer", () => draft, { title: "x" }, { "If-Match": '"1"' }, 403), as: "viewer" },
    { ...patch("update by a registrar", () => draft, { title: "x" }, { "If-Match": '"1"' }, 403), as: "registrar" },
    { ...patch("update anonymously", () => draft, { title: "x" }, { "If-Match": '"1"' }, 401), as: undefined },
    { name: "update of an unknown agreement", method: "PATCH", path: "/api/agreements/agr-none", as: "editor", body: { title: "x" }, headers: { "If-Match": '"1"' }, status: 404 },
  ];
}

function actionCases(): Case[] {
  const action = (name: string, agreement: () => Agreement, verb: string, as: Role, body: unknown, status: number, headers: Record<string, string> = {}): Case => ({
    name,
    method: "POST",
    path: `/api/agreements/${agreement().id}/${verb}`,
    as,
    body,
    headers,
    status,
  });
  const decisions: [string, unknown][] = [
    ["outcome maybe", { ...approval, outcome: "maybe" }],
    ["30 February", { ...approval, date: "2026-02-30" }],
    ["a future date", { ...approval, date: "2099-01-01" }],
    ["a timestamp", { ...approval, date: "2026-01-18T10:00:00Z" }],
    ["no body name", { ...approval, body: "" }],
    ["no diary number", { ...approval, diaryNumber: undefined }],
    ["a diary number with a quote", { ...approval, diaryNumber: "KS 2025/39'" }],
    ...INJECTIONS.map((injection, index): [string, unknown] => [`an injection as diary number #${index + 1}`, { ...approval, diaryNumber: injection }]),
    ["a 61-character diary number", { ...approval, diaryNumber: `KS ${"1".repeat(58)}` }],
    ["an extra field", { ...approval, approvedBy: "me" }],
    ["an array", [approval]],
    ["no minute reference", { ...approval, minuteReference: undefined }],
  ];
  const termination = { ground: "mutual-agreement", givenOn: "2026-02-01", effectiveDate: "2026-06-30", reason: "x" };
  const terminations: [string, unknown][] = [
    ["30 February", { ...termination, effectiveDate: "2026-02-30" }],
    ["a date after the period", { ...termination, effectiveDate: "2031-01-01" }],
    ["a date before the period", { ...termination, effectiveDate: "2020-01-01" }],
    ["no ground", { ...termination, ground: undefined }],
    ["an unknown ground", { ...termination, ground: "boredom" }],
    ["no date the notice was given", { ...termination, givenOn: undefined }],
    ["notice given in the future", { ...termination, givenOn: "2031-01-01" }],
    ["a notice taking effect before it was given", { ...termination, ground: "association-notice", givenOn: "2026-02-01", effectiveDate: "2026-01-15" }],
    ["a reason of 2001 characters", { ...termination, reason: "r".repeat(2001) }],
    ["a numeric date", { ...termination, effectiveDate: 20260630 }],
    ["an extra field", { ...termination, refund: true }],
  ];
  return [
    action("submit an incomplete draft", () => draft, "submit", "editor", undefined, 400),
    action("submit a proposal again", () => proposed, "submit", "editor", undefined, 409),
    action("submit an active agreement", () => active, "submit", "editor", undefined, 409),
    action("submit with a body", () => draft, "submit", "editor", { force: true }, 400),
    action("submit as a viewer", () => draft, "submit", "viewer", undefined, 403),
    action("submit with a stale If-Match", () => draft, "submit", "editor", undefined, 412, { "If-Match": '"5"' }),
    ...decisions.map(([what, body]) => action(`decision with ${what}`, () => proposed, "decision", "registrar", body, 400)),
    action("decision on a draft", () => draft, "decision", "registrar", approval, 409),
    action("decision on an active agreement", () => active, "decision", "registrar", approval, 409),
    action("decision by an editor", () => proposed, "decision", "editor", approval, 403),
    action("decision by a viewer", () => proposed, "decision", "viewer", approval, 403),
    action("decision without a body", () => proposed, "decision", "registrar", undefined, 400),
    action("decision with a stale If-Match", () => proposed, "decision", "registrar", approval, 412, { "If-Match": '"1"' }),
    ...terminations.map(([what, body]) => action(`termination with ${what}`, () => active, "terminate", "editor", body, 400)),
    action("termination of a draft", () => draft, "terminate", "editor", termination, 409),
    action("termination by a registrar", () => active, "terminate", "registrar", termination, 403),
    action("withdraw with a numeric reason", () => draft, "withdraw", "editor", { reason: 5 }, 400),
    action("withdraw with a null reason", () => draft, "withdraw", "editor", { reason: null }, 400),
    action("withdraw with a reason of 2001 characters", () => draft, "withdraw", "editor", { reason: "r".repeat(2001) }, 400),
    action("withdraw with an extra field", () => draft, "withdraw", "editor", { reason: "x", notify: true }, 400),
    action("withdraw an active agreement", () => active, "withdraw", "editor", undefined, 409),
    action("withdraw as a viewer", () => draft, "withdraw", "viewer", undefined, 403),
    action("renew a draft", () => draft, "renewal", "editor", undefined, 409),
    action("renew a proposal", () => proposed, "renewal", "editor", undefined, 409),
    action("renew with a body", () => active, "renewal", "editor", { successorId: "mine" }, 400),
    action("renew as a registrar", () => active, "renewal", "registrar", undefined, 403),
    action("renew with a stale If-Match", () => active, "renewal", "editor", undefined, 412, { "If-Match": '"1"' }),
    // Names every plain object has are not fields either.
    action("withdraw with the reason in __proto__", () => draft, "withdraw", "editor", '{"__proto__": {"reason": "x"}}', 400, { "Content-Type": "application/json" }),
    action("withdraw with a constructor field", () => draft, "withdraw", "editor", { reason: "x", constructor: "x" }, 400),
    action("decision in __proto__", () => proposed, "decision", "registrar", `{"__proto__": ${JSON.stringify(approval)}}`, 400, { "Content-Type": "application/json" }),
    action("decision with a prototype field", () => proposed, "decision", "registrar", { ...approval, prototype: {} }, 400),
  ];
}

function pathCases(): Case[] {
  const ids = [
    ...INJECTIONS.map(encodeURIComponent),
    "%00",
    "agr%0A1",
    "a".repeat(65),
    "agr-%C3%A5",
    "-leading-dash",
    "agr.1",
    "%E0%A4%A",
    "%",
  ];
  return [
    ...ids.map((id): Case => ({ name: `read id ${id.slice(0, 30)}`, method: "GET", path: `/api/agreements/${id}`, as: "viewer" })),
    ...ids.slice(0, 6).map((id): Case => ({ name: `submit id ${id.slice(0, 30)}`, method: "POST", path: `/api/agreements/${id}/submit`, as: "editor" })),
    { name: "read an unknown agreement", method: "GET", path: "/api/agreements/agr-none", as: "viewer", status: 404 },
    { name: "events of an unknown agreement", method: "GET", path: "/api/agreements/agr-none/events", as: "viewer", status: 404 },
    { name: "reminders of an unknown agreement", method: "GET", path: "/api/agreements/agr-none/reminders", as: "viewer", status: 404 },
    { name: "submit an unknown agreement", method: "POST", path: "/api/agreements/agr-none/submit", as: "editor", status: 404 },
    { name: "delete an agreement", method: "DELETE", path: `/api/agreements/${draft.id}`, as: "admin", status: 405, allow: "GET, HEAD, PATCH" },
    { name: "replace an agreement", method: "PUT", path: `/api/agreements/${draft.id}`, as: "admin", body: mammaUnitedContent(), status: 405, allow: "GET, HEAD, PATCH" },
    { name: "delete every agreement", method: "DELETE", path: "/api/agreements", as: "admin", status: 405, allow: "GET, HEAD, POST" },
    { name: "read an action", method: "GET", path: `/api/agreements/${draft.id}/submit`, as: "admin", status: 405, allow: "POST" },
    { name: "options of an agreement", method: "OPTIONS", path: `/api/agreements/${draft.id}`, status: 405, allow: "GET, HEAD, PATCH" },
    { name: "patch the audit trail", method: "PATCH", path: `/api/agreements/${draft.id}/events`, as: "admin", body: { items: [] }, status: 405, allow: "GET, HEAD" },
    { name: "delete the health check", method: "DELETE", path: "/api/health", status: 405, allow: "GET, HEAD" },
    { name: "delete the fresh-link route", method: "DELETE", path: "/api/report-links/renewal", status: 405, allow: "GET, HEAD, POST" },
    { name: "an unknown action", method: "POST", path: `/api/agreements/${draft.id}/approve`, as: "admin", status: 404 },
    { name: "an unknown route", method: "GET", path: "/api/contracts", as: "viewer", status: 404 },
  ];
}

function queryCases(): Case[] {
  const queries = [
    "status=bogus",
    `status=${encodeURIComponent("' OR 1=1 --")}`,
    "status=DRAFT",
    "status=draft&status=active",
    "limit=0",
    "limit=101",
    "limit=1.5",
    "limit=-1",
    "limit=abc",
    "limit=",
    "limit=1e3",
    "limit=0x10",
    "cursor=forged",
    "cursor=eyJwayI6IkFHUkVFTUVOVCN4In0.AAAA",
    `cursor=${"A".repeat(3000)}`,
    "cursor=",
    "cursor=a.b.c",
    "q=",
    "q=a",
    "q=%20%20",
    `q=${"abc ".repeat(60)}`,
    `q=${encodeURIComponent("a1 b2 c3 d4 e5 f6 g7 h8 i9 j0 k1")}`,
    "q=%E2%80%94%E2%80%94",
    "endsBefore=2026-02-30",
    "endsBefore=yesterday",
    "endsBefore=2026-1-1",
    `endsBefore=${encodeURIComponent("2026-01-01' OR '1'='1")}`,
    "responsible=",
    `responsible=${"r".repeat(255)}`,
    "association=123",
    "association=802535-1234",
    `association=${encodeURIComponent(INJECTIONS[0]!)}`,
    "foo=bar",
    "Status=draft",
    // Names that are properties of every plain object.
    "__proto__=1",
    "constructor=1",
    "prototype=1",
    "hasOwnProperty=1",
    "status=draft&__proto__=active",
    "__proto__[status]=draft",
    // Percent-encoding that is not UTF-8 is refused, not searched as literal text.
    "q=%ZZ",
    "q=mamma%ZZ",
    "q=%ED%A0%80",
    "q=mamma%ED%A0%80",
    "q=%E2%82",
    "q=mamma%C0%AF",
    "q=mamma%",
    "q=mamma%00",
    "endsBefore=2026-01-0%31%",
    "responsible=a%FF@example.se",
    "st%ZZatus=draft",
    "%ED%A0%80=1",
  ];
  return [
    ...queries.map((query): Case => ({ name: `list ?${query.slice(0, 40)}`, method: "GET", path: `/api/agreements?${query}`, as: "viewer", status: 400 })),
    ...queries
      .filter((query) => !query.startsWith("limit") && !query.startsWith("cursor"))
      .map((query): Case => ({ name: `csv ?${query.slice(0, 40)}`, method: "GET", path: `/api/agreements.csv?${query}`, as: "viewer", status: 400 })),
    { name: "csv with a page size", method: "GET", path: "/api/agreements.csv?limit=10", as: "viewer", status: 400 },
    { name: "events with limit 0", method: "GET", path: `/api/agreements/${draft.id}/events?limit=0`, as: "viewer", status: 400 },
    { name: "events with a forged cursor", method: "GET", path: `/api/agreements/${draft.id}/events?cursor=abc.def`, as: "viewer", status: 400 },
    { name: "events with a filter", method: "GET", path: `/api/agreements/${draft.id}/events?status=draft`, as: "viewer", status: 400 },
    { name: "reminders with a query", method: "GET", path: `/api/agreements/${draft.id}/reminders?all=1`, as: "viewer", status: 400 },
    ...["__proto__=1", "constructor=1", "prototype=1", "__proto__=", "toString"].flatMap((query): Case[] => [
      { name: `feed rotation ?${query}`, method: "POST", path: `/api/calendar-feed?${query}`, as: "editor", status: 400 },
      { name: `health ?${query}`, method: "GET", path: `/api/health?${query}`, status: 400 },
      { name: `reminders ?${query}`, method: "GET", path: `/api/agreements/${draft.id}/reminders?${query}`, as: "viewer", status: 400 },
      { name: `events ?${query}`, method: "GET", path: `/api/agreements/${draft.id}/events?${query}`, as: "viewer", status: 400 },
    ]),
  ];
}

function authCases(): Case[] {
  const token = (name: string, authorization: string): Case => ({
    name,
    method: "GET",
    path: "/api/agreements",
    headers: { Authorization: authorization },
    status: 401,
  });
  return [
    { name: "list anonymously", method: "GET", path: "/api/agreements", status: 401 },
    { name: "create anonymously", method: "POST", path: "/api/agreements", body: mammaUnitedContent(), status: 401 },
    { name: "csv anonymously", method: "GET", path: "/api/agreements.csv", status: 401 },
    { name: "feed rotation anonymously", method: "POST", path: "/api/calendar-feed", status: 401 },
    token("a garbage token", "Bearer garbage"),
    token("a token of three empty parts", "Bearer .."),
    token("an unsigned token", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
    token("basic credentials", "Basic dXNlcjpwYXNz"),
    token("a very long token", `Bearer ${"a".repeat(8000)}`),
    token("an injection as token", `Bearer ${INJECTIONS[1]}`),
    { name: "create as a viewer", method: "POST", path: "/api/agreements", as: "viewer", body: mammaUnitedContent(), status: 403 },
    { name: "create as a registrar", method: "POST", path: "/api/agreements", as: "registrar", body: mammaUnitedContent(), status: 403 },
  ];
}

function calendarCases(): Case[] {
  const secret = () => new URL(feedUrl).pathname.slice("/api/calendar/".length, -".ics".length);
  return [
    { name: "feed without .ics", method: "GET", path: `/api/calendar/${"A".repeat(43)}`, status: 400 },
    { name: "feed with a short secret", method: "GET", path: "/api/calendar/abc.ics", status: 400 },
    { name: "feed with a long secret", method: "GET", path: `/api/calendar/${"A".repeat(44)}.ics`, status: 400 },
    { name: "feed with an injection", method: "GET", path: `/api/calendar/${encodeURIComponent(INJECTIONS[0]!)}.ics`, status: 400 },
    { name: "feed with an unknown secret", method: "GET", path: `/api/calendar/${"B".repeat(43)}.ics`, status: 404 },
    { name: "feed with the secret in another case", method: "GET", path: `/api/calendar/${secret().toUpperCase() === secret() ? secret().toLowerCase() : secret().toUpperCase()}.ics`, status: 404 },
    { name: "feed with a query", method: "GET", path: `${new URL(feedUrl).pathname}?all=1`, status: 400 },
    { name: "feed posted to", method: "POST", path: new URL(feedUrl).pathname, status: 405, allow: "GET, HEAD" },
    { name: "feed rotation with a body", method: "POST", path: "/api/calendar-feed", as: "editor", body: { email: "someone@example.se" }, status: 400 },
    { name: "docs asset of another version", method: "GET", path: "/api/docs/assets/1.0.0/swagger-ui.css", status: 404 },
    { name: "docs asset that is not served", method: "GET", path: "/api/docs/assets/5.35.0/index.html", status: 400 },
    { name: "docs asset by path traversal", method: "GET", path: "/api/docs/assets/5.35.0/..%2Fpackage.json", status: 400 },
  ];
}

function reportCases(): Case[] {
  const invitations = `/api/agreements/${active.id}/invitations`;
  const invitation = { requirementId: "verksamhet", dueDate: "2026-03-31", email: "kassor@mammaunited.example.se" };
  const badInvitations: [string, unknown][] = [
    ["no requirement", { dueDate: "2026-03-31", email: invitation.email }],
    ["an upper-case requirement id", { ...invitation, requirementId: "Verksamhet" }],
    ["an unknown requirement", { ...invitation, requirementId: "okand" }],
    ["a due date the requirement does not have", { ...invitation, dueDate: "2026-04-30" }],
    ["an impossible due date", { ...invitation, dueDate: "2026-02-30" }],
    ["a due date as a number", { ...invitation, dueDate: 20260331 }],
    ["no email", { requirementId: "verksamhet", dueDate: "2026-03-31" }],
    ["a broken email", { ...invitation, email: "kassor@" }],
    ["an injection as email", { ...invitation, email: INJECTIONS[1] }],
    ["a language not offered", { ...invitation, language: "de" }],
    ["a link of 0 days", { ...invitation, expiresInDays: 0 }],
    ["a link of 91 days", { ...invitation, expiresInDays: 91 }],
    ["a link of 1.5 days", { ...invitation, expiresInDays: 1.5 }],
    ["days as text", { ...invitation, expiresInDays: "30" }],
    ["an extra field", { ...invitation, token: "mine" }],
    ["an array", [invitation]],
    ["null", null],
  ];
  const link = (rest = "") => `/api/report-links/${reportToken}${rest}`;
  const badDrafts: [string, unknown][] = [
    ["negative people reached", { peopleReached: -1 }],
    ["fractional people reached", { peopleReached: 1.5 }],
    ["people reached as text", { peopleReached: "10" }],
    ["activities as text", { activities: "lots" }],
    ["an empty activity", { activities: [{}] }],
    ["an activity of 2001 characters", { activities: [{ description: "a".repeat(2001) }] }],
    ["101 activities", { activities: Array.from({ length: 101 }, () => ({ description: "x" })) }],
    ["negative money spent", { money: { receivedSek: 10, spentSek: -1 } }],
    ["fractional kronor", { money: { receivedSek: 10.5, spentSek: 1 } }],
    ["money without spent", { money: { receivedSek: 10 } }],
    ["an outcome without a goal", { outcomes: [{ outcome: "Bra" }] }],
    ["comments of 10001 characters", { comments: "c".repeat(10_001) }],
    ["comments with control characters", { comments: "a\u0000b" }],
    ["comments with a lone surrogate", { comments: "\ud800" }],
    ["an unknown field", { status: "accepted" }],
    ["a version", { version: 7 }],
    ["an array", [{ peopleReached: 1 }]],
  ];
  const badAttachments: [string, unknown][] = [
    ["an executable", { fileName: "virus.exe", contentType: "application/octet-stream", size: 10 }],
    ["a type the name does not match", { fileName: "a.pdf", contentType: "image/png", size: 10 }],
    ["a GIF", { fileName: "a.gif", contentType: "image/gif", size: 10 }],
    ["HTML", { fileName: "a.html", contentType: "text/html", size: 10 }],
    ["26 MB", { fileName: "a.pdf", contentType: "application/pdf", size: 26 * 1024 * 1024 }],
    ["0 bytes", { fileName: "a.pdf", contentType: "application/pdf", size: 0 }],
    ["1.5 bytes", { fileName: "a.pdf", contentType: "application/pdf", size: 1.5 }],
    ["a size as text", { fileName: "a.pdf", contentType: "application/pdf", size: "10" }],
    ["a path as name", { fileName: "../../etc/passwd.pdf", contentType: "application/pdf", size: 10 }],
    ["no name", { contentType: "application/pdf", size: 10 }],
    ["an injection as type", { fileName: "a.pdf", contentType: INJECTIONS[0], size: 10 }],
    ["an extra field", { fileName: "a.pdf", contentType: "application/pdf", size: 10, key: "attachments/mine" }],
  ];
  const fresh = "/api/report-links/renewal";
  return [
    ...badInvitations.map(([what, body]): Case => ({ name: `invitation with ${what}`, method: "POST", path: invitations, as: "editor", body, status: 400 })),
    { name: "invitation with a 10 MB email", method: "POST", path: invitations, as: "editor", body: { ...invitation, email: TEN_MEGABYTES }, status: 413 },
    { name: "invitation as a viewer", method: "POST", path: invitations, as: "viewer", body: invitation, status: 403 },
    { name: "invitation anonymously", method: "POST", path: invitations, body: invitation, status: 401 },
    { name: "invitation to a draft", method: "POST", path: `/api/agreements/${draft.id}/invitations`, as: "editor", body: invitation, status: 409 },
    { name: "invitation to an unknown agreement", method: "POST", path: "/api/agreements/agr-none/invitations", as: "editor", body: invitation, status: 404 },
    { name: "invitation as text", method: "POST", path: invitations, as: "editor", body: "requirementId=verksamhet", headers: { "Content-Type": "text/plain" }, status: 415 },
    { name: "invitations listed with a query", method: "GET", path: `${invitations}?all=1`, as: "viewer", status: 400 },
    { name: "revoke a malformed invitation", method: "POST", path: `${invitations}/${encodeURIComponent(INJECTIONS[0]!)}/revoke`, as: "editor", status: 400 },
    { name: "revoke an unknown invitation", method: "POST", path: `${invitations}/20260301T100000000Z-00000000/revoke`, as: "editor", status: 404 },
    { name: "revoke as a viewer", method: "POST", path: `${invitations}/${invitationId}/revoke`, as: "viewer", status: 403 },
    { name: "revoke with a body", method: "POST", path: `${invitations}/${invitationId}/revoke`, as: "editor", body: { reason: "x" }, status: 400 },
    { name: "reports with limit 0", method: "GET", path: `/api/agreements/${active.id}/reports?limit=0`, as: "viewer", status: 400 },
    { name: "reports with a forged cursor", method: "GET", path: `/api/agreements/${active.id}/reports?cursor=abc.def`, as: "viewer", status: 400 },
    { name: "reports of an unknown agreement", method: "GET", path: "/api/agreements/agr-none/reports", as: "viewer", status: 404 },
    { name: "a malformed report id", method: "GET", path: `/api/agreements/${active.id}/reports/2026-03-31`, as: "viewer", status: 400 },
    { name: "a report id with an injection", method: "GET", path: `/api/agreements/${active.id}/reports/${encodeURIComponent(INJECTIONS[6]!)}`, as: "viewer", status: 400 },
    { name: "a report not started", method: "GET", path: `/api/agreements/${active.id}/reports/2026-03-31_verksamhet`, as: "viewer", status: 404 },
    { name: "review of a report not started", method: "POST", path: `/api/agreements/${active.id}/reports/2026-03-31_verksamhet/review`, as: "editor", body: { outcome: "accepted" }, status: 404 },
    { name: "review with an unknown outcome", method: "POST", path: `/api/agreements/${active.id}/reports/2026-03-31_verksamhet/review`, as: "editor", body: { outcome: "approved" }, status: 400 },
    { name: "supplement request without a comment", method: "POST", path: `/api/agreements/${active.id}/reports/2026-03-31_verksamhet/review`, as: "editor", body: { outcome: "supplement-requested" }, status: 400 },
    { name: "review with a comment of 5001 characters", method: "POST", path: `/api/agreements/${active.id}/reports/2026-03-31_verksamhet/review`, as: "editor", body: { outcome: "accepted", comment: "c".repeat(5001) }, status: 400 },
    { name: "review with an extra field", method: "POST", path: `/api/agreements/${active.id}/reports/2026-03-31_verksamhet/review`, as: "editor", body: { outcome: "accepted", status: "accepted" }, status: 400 },
    { name: "review as a viewer", method: "POST", path: `/api/agreements/${active.id}/reports/2026-03-31_verksamhet/review`, as: "viewer", body: { outcome: "accepted" }, status: 403 },
    ...badDrafts.map(([what, body]): Case => ({ name: `report draft with ${what}`, method: "PUT", path: link("/draft"), body, status: 400 })),
    { name: "report draft as text", method: "PUT", path: link("/draft"), body: "peopleReached=1", headers: { "Content-Type": "text/plain" }, status: 415 },
    { name: "report draft of more than 100 KB", method: "PUT", path: link("/draft"), body: { comments: "c".repeat(101 * 1024) }, status: 413 },
    ...badAttachments.map(([what, body]): Case => ({ name: `attachment: ${what}`, method: "POST", path: link("/attachments"), body, status: 400 })),
    { name: "confirm a malformed attachment id", method: "POST", path: link("/attachments/not-a-uuid/confirm"), status: 400 },
    { name: "confirm an unknown attachment", method: "POST", path: link("/attachments/3f1c1a9e-4b6d-4f7a-9d59-0c1f2a3b4c5d/confirm"), status: 404 },
    { name: "submit a report never saved", method: "POST", path: link("/submit"), status: 400 },
    { name: "submit with a body", method: "POST", path: link("/submit"), body: { force: true }, status: 400 },
    { name: "a report link with a query", method: "GET", path: link("?all=1"), status: 400 },
    { name: "an unknown report link", method: "GET", path: `/api/report-links/${"A".repeat(43)}`, status: 404 },
    { name: "a report link with an injection", method: "GET", path: `/api/report-links/${encodeURIComponent(INJECTIONS[0]!)}`, status: 404 },
    { name: "a report link of 5000 characters", method: "GET", path: `/api/report-links/${"A".repeat(5000)}`, status: 404 },
    { name: "an unknown report link saved to", method: "PUT", path: `/api/report-links/${"B".repeat(43)}/draft`, body: { peopleReached: 1 }, status: 404 },
    { name: "a report link deleted", method: "DELETE", path: link(), status: 405, allow: "GET, HEAD" },
    { name: "fresh link without an email", method: "POST", path: fresh, body: {}, status: 400 },
    { name: "fresh link with a broken email", method: "POST", path: fresh, body: { email: "nope" }, status: 400 },
    { name: "fresh link with an injection", method: "POST", path: fresh, body: { email: INJECTIONS[2] }, status: 400 },
    { name: "fresh link with a 10 MB email", method: "POST", path: fresh, body: { email: TEN_MEGABYTES }, status: 413 },
    { name: "fresh link with a language not offered", method: "POST", path: fresh, body: { email: "a@example.se", language: "fi" }, status: 400 },
    { name: "fresh link with an extra field", method: "POST", path: fresh, body: { email: "a@example.se", agreementId: active.id }, status: 400 },
    { name: "fresh link as a form", method: "POST", path: fresh, body: "email=a@example.se", headers: { "Content-Type": "application/x-www-form-urlencoded" }, status: 415 },
    { name: "fresh link without a body", method: "POST", path: fresh, status: 400 },
    { name: "fresh link with the email in __proto__", method: "POST", path: fresh, body: '{"__proto__": {"email": "a@example.se"}}', headers: { "Content-Type": "application/json" }, status: 400 },
    { name: "report draft in __proto__", method: "PUT", path: link("/draft"), body: '{"__proto__": {"peopleReached": 1}}', headers: { "Content-Type": "application/json" }, status: 400 },
    { name: "a report link with ?__proto__", method: "GET", path: link("?__proto__=1"), status: 400 },
  ];
}

describe("malformed requests", () => {
  it("answers every one with a 4xx problem and leaves the stored data unchanged", async () => {
    const cases = [...createCases(), ...bodyCases(), ...updateCases(), ...actionCases(), ...pathCases(), ...queryCases(), ...authCases(), ...calendarCases()];
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(reportCases().length).toBeGreaterThanOrEqual(60);
    cases.push(...reportCases());
    const before = await api.dump();
    const workflowCalls = api.workflow.calls.length;

    const failures: string[] = [];
    for (const testCase of cases) {
      const response = await api.request(testCase.path, { method: testCase.method, as: testCase.as, body: testCase.body, headers: testCase.headers });
      const text = await response.text();
      const expected =
        (testCase.status === undefined ? response.status >= 400 && response.status < 500 : response.status === testCase.status) &&
        (testCase.allow === undefined || response.headers.get("Allow") === testCase.allow);
      const problem = response.headers.get("Content-Type") === "application/problem+json" ? problemSchema.safeParse(JSON.parse(text)) : null;
      if (!expected || problem?.success !== true || problem.data.status !== response.status || problem.data.requestId !== response.headers.get("X-Request-Id")) {
        failures.push(`${testCase.name}: ${response.status} ${response.headers.get("Allow") ?? ""} ${text.slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await api.dump()).toBe(before);
    expect(api.workflow.calls).toHaveLength(workflowCalls);
  });
});

describe("methods a path does not take", () => {
  it("answers 405 with Allow listing what the path takes, HEAD wherever GET is, as Hono serves it", async () => {
    const head = await api.request(`/api/agreements/${draft.id}`, { method: "HEAD", as: "viewer" });
    expect(head.status).toBe(200);
    expect(head.headers.get("ETag")).toBe(`"${draft.version}"`);
    expect(await head.text()).toBe("");

    const headOfAction = await api.request(`/api/agreements/${draft.id}/submit`, { method: "HEAD", as: "editor" });
    expect(headOfAction.status).toBe(405);
    expect(headOfAction.headers.get("Allow")).toBe("POST");
    expect(await headOfAction.text()).toBe("");

    const options = await api.request("/api/agreements", { method: "OPTIONS" });
    expect(options.status).toBe(405);
    expect(options.headers.get("Allow")).toBe("GET, HEAD, POST");
    expect(options.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await options.json()).toMatchObject({ status: 405, title: "Method not allowed", detail: "/api/agreements does not take OPTIONS; it takes GET, HEAD, POST" });

    const nowhere = await api.request("/api/contracts", { method: "DELETE" });
    expect(nowhere.status).toBe(404);
    expect(nowhere.headers.get("Allow")).toBeNull();
  });
});
