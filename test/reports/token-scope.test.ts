// A report link reaches its one report and nothing else: other agreements, other reports, other requirements, a
// revoked, expired or tampered token all answer the same 404 and change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LINK_DAYS } from "../../functions/app/invitations";
import type { Agreement } from "../../functions/domain/agreement";
import { reportLinkValidity } from "../../functions/domain/reports";
import { startReportTestApi, tokenIn, type ReportTestApi } from "./setup";

let api: ReportTestApi;
let agreement: Agreement;
let other: Agreement;
let token: string;
const CONTACT = "scope@mammaunited.example.se";

beforeAll(async () => {
  api = await startReportTestApi();
  agreement = await api.activeAgreement("Scope: Mamma United");
  other = await api.activeAgreement("Scope: another agreement");
  token = await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2026-03-31", email: CONTACT });
});
afterAll(() => api.stopAll());

const draftBody = { peopleReached: 12 };

/** Every association route, for a token. */
function associationRequests(linkToken: string): [string, string, unknown][] {
  return [
    ["GET", `/api/report-links/${linkToken}`, undefined],
    ["PUT", `/api/report-links/${linkToken}/draft`, draftBody],
    ["POST", `/api/report-links/${linkToken}/attachments`, { fileName: "a.pdf", contentType: "application/pdf", size: 10 }],
    ["POST", `/api/report-links/${linkToken}/attachments/3f1c1a9e-4b6d-4f7a-9d59-0c1f2a3b4c5d/confirm`, undefined],
    ["POST", `/api/report-links/${linkToken}/submit`, undefined],
  ];
}

async function expectAllNotFound(linkToken: string): Promise<void> {
  const before = await api.dump();
  const bodies = new Set<string>();
  for (const [method, path, body] of associationRequests(linkToken)) {
    const response = await api.request(path, { method, body });
    expect(response.status, `${method} ${path}`).toBe(404);
    bodies.add(((await response.json()) as { detail: string }).detail);
  }
  // One answer for every way a link can fail: nothing tells an unknown token from an expired or revoked one.
  expect([...bodies]).toEqual(["This report link does not work (any more). Ask for a fresh link with your email address."]);
  expect(await api.dump()).toBe(before);
}

describe("a report link", () => {
  it("opens its own report: the agreement, the requirement and its due date", async () => {
    const response = await api.request(`/api/report-links/${token}`);

    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toMatchObject({
      agreement: { id: agreement.id, title: "Scope: Mamma United", associations: ["Mamma United"] },
      requirement: { id: "verksamhet", kind: "activity", dueDate: "2026-03-31" },
      report: null,
      versions: [],
    });
  });

  it("saves to its own report only", async () => {
    const saved = await api.request(`/api/report-links/${token}/draft`, { method: "PUT", body: draftBody });

    expect(saved.status).toBe(200);
    expect(await api.reporting.reports.get(agreement.id, "2026-03-31_verksamhet")).toMatchObject({ content: draftBody });
    expect(await api.reporting.reports.get(agreement.id, "2026-03-31_ekonomi")).toBeNull();
    expect((await api.store.reports(other.id)).items).toEqual([]);
  });

  it("reaches no other agreement, report or requirement: the paths have no place for them", async () => {
    const attempts = [
      `/api/report-links/${token}/${other.id}`,
      `/api/report-links/${token}/reports/2026-03-31_ekonomi`,
      `/api/report-links/${token}/../../agreements/${other.id}`,
      `/api/agreements/${other.id}/reports`,
      `/api/agreements/${agreement.id}/reports/2026-03-31_verksamhet`,
      `/api/agreements/${agreement.id}/invitations`,
    ];
    for (const path of attempts) {
      const response = await api.request(path, { headers: { Authorization: `Bearer ${token}` } });
      expect([401, 404], path).toContain(response.status);
    }
  });

  it("a link for another requirement of the same agreement opens that report, not this one", async () => {
    const financial = await api.invite(agreement.id, { requirementId: "ekonomi", dueDate: "2026-03-31", email: CONTACT });
    await api.request(`/api/report-links/${financial}/draft`, { method: "PUT", body: { peopleReached: 99 } });

    expect(((await (await api.request(`/api/report-links/${financial}`)).json()) as { requirement: { id: string } }).requirement.id).toBe("ekonomi");
    expect(await api.reporting.reports.get(agreement.id, "2026-03-31_verksamhet")).toMatchObject({ content: draftBody });
    expect(await api.reporting.reports.get(agreement.id, "2026-03-31_ekonomi")).toMatchObject({ content: { peopleReached: 99 } });
  });

  it("a tampered token answers 404 and changes nothing", async () => {
    const flipped = `${token.slice(0, 20)}${token[20] === "A" ? "B" : "A"}${token.slice(21)}`;
    for (const tampered of [flipped, token.slice(0, 42), `${token}A`, token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(), "x"]) {
      await expectAllNotFound(tampered);
    }
  });

  it("a revoked link answers 404 and changes nothing, while another link to the same report still works", async () => {
    const revocable = await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2026-03-31", email: "second@mammaunited.example.se" });
    const invitations = (await (await api.request(`/api/agreements/${agreement.id}/invitations`, { as: "viewer" })).json()) as {
      items: { invitationId: string; email: string; revokedAt: string | null }[];
    };
    const second = invitations.items.find((invitation) => invitation.email === "second@mammaunited.example.se")!;

    const revoked = await api.request(`/api/agreements/${agreement.id}/invitations/${second.invitationId}/revoke`, { method: "POST", as: "editor" });

    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ revokedAt: api.clock.now().toISOString() });
    await expectAllNotFound(revocable);
    expect((await api.request(`/api/report-links/${token}`)).status).toBe(200);
  });

  it("revoking ends every link the contact was sent for the report: the invitation's and the fresh ones", async () => {
    const email = "fourth@mammaunited.example.se";
    const invited = await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2026-03-31", email });
    const asked = await api.request("/api/report-links/renewal", { method: "POST", body: { email } });
    expect(asked.status).toBe(202);
    await api.runAfterResponse();
    const fresh = tokenIn((await api.emailsTo(email)).at(-1));
    expect(fresh).not.toBe(invited);
    // The newer link ends the older one.
    expect((await api.request(`/api/report-links/${invited}`)).status).toBe(404);
    expect((await api.request(`/api/report-links/${fresh}`)).status).toBe(200);
    const invitations = (await (await api.request(`/api/agreements/${agreement.id}/invitations`, { as: "viewer" })).json()) as {
      items: { invitationId: string; email: string; revokedAt: string | null }[];
    };
    const first = invitations.items.find((invitation) => invitation.email === email)!;

    const revoked = await api.request(`/api/agreements/${agreement.id}/invitations/${first.invitationId}/revoke`, { method: "POST", as: "editor" });

    expect(revoked.status).toBe(200);
    await expectAllNotFound(fresh);
    await expectAllNotFound(invited);
    const after = (await (await api.request(`/api/agreements/${agreement.id}/invitations`, { as: "viewer" })).json()) as typeof invitations;
    expect(after.items.filter((invitation) => invitation.email === email).map((invitation) => invitation.revokedAt)).toEqual([
      api.clock.now().toISOString(),
      api.clock.now().toISOString(),
    ]);
  });

  it("an expired link answers 404 and changes nothing; until then it works", async () => {
    const expiring = await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2026-03-31", email: "third@mammaunited.example.se" });
    const started = api.clock.now();
    const { expiresAt } = reportLinkValidity(started, DEFAULT_LINK_DAYS);
    api.clock.set(new Date(expiresAt.getTime() - 1000).toISOString());
    expect((await api.request(`/api/report-links/${expiring}`)).status).toBe(200);

    api.clock.set(expiresAt.toISOString());
    await expectAllNotFound(expiring);
    api.clock.set(started.toISOString());
  });

  it("keeps the token out of the request log", async () => {
    await api.request(`/api/report-links/${token}`);
    await api.request(`/api/report-links/${token}/submit`, { method: "POST" });

    const logged = JSON.stringify(api.logs);
    expect(logged).not.toContain(token);
    expect(api.logs.filter((record) => record.path === "/api/report-links/{token}/submit")).not.toHaveLength(0);
  });

  it("is not given to staff: the invitation list holds no token or hash", async () => {
    const listed = await (await api.request(`/api/agreements/${agreement.id}/invitations`, { as: "viewer" })).text();

    expect(listed).not.toContain(token);
    expect(listed).not.toContain("tokenHash");
  });
});
