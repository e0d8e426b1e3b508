// The association sees its own view only: every association route, walked through a whole report (draft,
// attachments uploaded to s3rver, confirmed and removed, submitted, sent back by staff for a supplement, submitted
// again, a fresh link asked for), answers nothing staff-only: no object key, no staff member's address, no field of
// the stored items that the association's schemas do not name.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agreement } from "../../functions/domain/agreement";
import { LOCAL_USERS } from "../../functions/local/oidc";
import { completeReportContent } from "./fixtures";
import { startReportTestApi, tokenIn, type ReportTestApi } from "./setup";

let api: ReportTestApi;
let agreement: Agreement;
const CONTACT = "vy@mammaunited.example.se";
const PDF = new Uint8Array(readFileSync(new URL("../fixtures/attachments/verksamhetsberattelse.pdf", import.meta.url)));

/** Names of stored or staff-side fields that an association answer must never carry. */
const STAFF_ONLY_FIELDS = ["key", "createdBy", "tokenHash", "invitationId", "by", "addedAt", "revokedAt", "responsibleOfficer", "pk", "sk"];
const STAFF_ADDRESSES = LOCAL_USERS.map((user) => user.email);

beforeAll(async () => {
  api = await startReportTestApi();
  agreement = await api.activeAgreement("Vy: Mamma United");
});
afterAll(() => api.stopAll());

/** Every member name in a JSON value, at any depth. */
function memberNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(memberNames);
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([name, member]) => [name, ...memberNames(member)]);
  return [];
}

describe("every association answer", () => {
  it("carries no staff-only field and no staff address, on every association route", async () => {
    const answers: { route: string; status: number; text: string }[] = [];
    const visited = new Set<string>();
    const call = async (method: string, route: string, path: string, body?: unknown) => {
      const response = await api.request(path, { method, ...(body === undefined ? {} : { body }) });
      visited.add(`${method} ${route}`);
      const text = await response.text();
      answers.push({ route: `${method} ${route}`, status: response.status, text });
      return { status: response.status, json: JSON.parse(text) as Record<string, unknown> };
    };
    const upload = async (token: string, fileName: string) => {
      const started = await call("POST", "/api/report-links/{token}/attachments", `/api/report-links/${token}/attachments`, {
        fileName,
        contentType: "application/pdf",
        size: PDF.length,
      });
      const { attachment, upload: target } = started.json as { attachment: { id: string }; upload: { url: string; headers: Record<string, string> } };
      const { "Content-Length": _length, ...headers } = target.headers;
      expect((await fetch(target.url, { method: "PUT", headers, body: PDF })).status).toBe(200);
      return attachment.id;
    };

    const token = await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2026-03-31", email: CONTACT });
    await call("GET", "/api/report-links/{token}", `/api/report-links/${token}`);
    await call("PUT", "/api/report-links/{token}/draft", `/api/report-links/${token}/draft`, completeReportContent());
    const kept = await upload(token, "Verksamhetsberättelse.pdf");
    expect((await call("POST", "/api/report-links/{token}/attachments/{attachmentId}/confirm", `/api/report-links/${token}/attachments/${kept}/confirm`)).status).toBe(200);
    const removed = await upload(token, "Fel fil.pdf");
    expect((await call("DELETE", "/api/report-links/{token}/attachments/{attachmentId}", `/api/report-links/${token}/attachments/${removed}`)).status).toBe(200);
    expect((await call("POST", "/api/report-links/{token}/submit", `/api/report-links/${token}/submit`)).status).toBe(201);
    // Staff send it back: the review is by a staff member, whose address the association must not see.
    const review = await api.request(`/api/agreements/${agreement.id}/reports/2026-03-31_verksamhet/review`, {
      method: "POST",
      as: "editor",
      body: { outcome: "supplement-requested", comment: "Lägg till antalet deltagare per träff." },
    });
    expect(review.status).toBe(200);
    const fresh = tokenIn((await api.emailsTo(CONTACT)).at(-1));
    const form = await call("GET", "/api/report-links/{token}", `/api/report-links/${fresh}`);
    expect(form.json).toMatchObject({ report: { status: "supplement-requested", reviewComment: "Lägg till antalet deltagare per träff." } });
    await call("PUT", "/api/report-links/{token}/draft", `/api/report-links/${fresh}/draft`, { ...completeReportContent(), peopleReached: 230 });
    expect((await call("POST", "/api/report-links/{token}/submit", `/api/report-links/${fresh}/submit`)).status).toBe(201);
    await call("GET", "/api/report-links/{token}", `/api/report-links/${fresh}`);
    await call("POST", "/api/report-links/renewal", "/api/report-links/renewal", { email: CONTACT });
    await api.runAfterResponse();

    // Every association route of the API was walked.
    const document = (await (await api.request("/api/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const associationRoutes = Object.entries(document.paths)
      .filter(([path]) => path.startsWith("/api/report-links"))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect([...visited].sort()).toEqual(associationRoutes.sort());

    for (const answer of answers) {
      const names = memberNames(JSON.parse(answer.text));
      expect(names.filter((name) => STAFF_ONLY_FIELDS.includes(name)), answer.route).toEqual([]);
      for (const address of STAFF_ADDRESSES) expect(answer.text, answer.route).not.toContain(address);
    }
  });
});
