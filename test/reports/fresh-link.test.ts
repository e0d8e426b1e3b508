// Asking for a fresh report link: the same answer, and the same work before it, for a known and an unknown address;
// a new link by email, after the answer, only to a known contact for the reports still open to them; 429 with
// Retry-After past the limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agreement } from "../../functions/domain/agreement";
import { FRESH_LINK_LIMITS } from "../../functions/app/report-links";
import { TEST_CLIENT_ADDRESS_HEADER } from "../support/api";
import { completeReportContent } from "./fixtures";
import { startReportTestApi, tokenIn, type ReportTestApi } from "./setup";

let api: ReportTestApi;
let agreement: Agreement;
const CONTACT = "fresh@mammaunited.example.se";

beforeAll(async () => {
  api = await startReportTestApi();
  agreement = await api.activeAgreement("Nya länkar: Mamma United");
  await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2026-03-31", email: CONTACT });
  const submitted = await api.invite(agreement.id, { requirementId: "ekonomi", dueDate: "2026-03-31", email: CONTACT });
  await api.request(`/api/report-links/${submitted}/draft`, { method: "PUT", body: completeReportContent() });
  await api.request(`/api/report-links/${submitted}/submit`, { method: "POST" });
});
afterAll(() => api.stopAll());

const ask = (email: string, client: string) =>
  api.request("/api/report-links/renewal", { method: "POST", body: { email }, headers: { [TEST_CLIENT_ADDRESS_HEADER]: client } });

describe("a fresh link request", () => {
  it("answers a known and an unknown address alike, and emails the known contact a link to the open report only", async () => {
    const before = (await api.emailsTo(CONTACT)).length;

    const known = await ask("FRESH@mammaunited.example.se", "198.51.100.1");
    const unknown = await ask("nobody@example.se", "198.51.100.1");
    await api.runAfterResponse();

    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    const [knownBody, unknownBody] = [await known.json(), await unknown.json()];
    expect(knownBody).toEqual(unknownBody);
    const sent = (await api.emailsTo(CONTACT)).slice(before);
    expect(sent).toHaveLength(1);
    const form = (await (await api.request(`/api/report-links/${tokenIn(sent[0])}`)).json()) as { requirement: { id: string } };
    expect(form.requirement.id).toBe("verksamhet");
    expect(await api.emailsTo("nobody@example.se")).toEqual([]);
  });

  it("does the same work before answering for a known and an unknown address, and emails only after answering", async () => {
    const commands: string[] = [];
    // Each DynamoDB call the app makes, by operation and the kind of item (the partition's prefix).
    api.table.client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(`${context.commandName} ${/"pk":(?:\{"S":)?"([A-Z_]+)/.exec(JSON.stringify(args.input))?.[1] ?? "-"}`);
        return next(args);
      },
      { step: "initialize", name: "recordCommands" },
    );
    const workBeforeAnswer = async (email: string) => {
      commands.length = 0;
      const sentBefore = (await api.emailsTo(email)).length;
      expect((await ask(email, "198.51.100.3")).status).toBe(202);
      expect(await api.emailsTo(email)).toHaveLength(sentBefore);
      return [...commands];
    };
    try {
      const before = (await api.emailsTo(CONTACT)).length;
      const known = await workBeforeAnswer(CONTACT);
      const unknown = await workBeforeAnswer("unknown-contact@example.se");

      expect(known).toEqual(unknown);
      expect(known.filter((command) => !command.startsWith("UpdateItemCommand RATE_LIMIT"))).toEqual(["PutItemCommand FRESH_LINK_REQUESTS"]);
      await api.runAfterResponse();
      expect((await api.emailsTo(CONTACT)).slice(before)).toHaveLength(1);
      expect(await api.emailsTo("unknown-contact@example.se")).toEqual([]);
    } finally {
      api.table.client.middlewareStack.remove("recordCommands");
    }
  });

  it("refuses with 429 and Retry-After past the limit per address, known or unknown alike", async () => {
    for (const email of [CONTACT, "stranger@example.se"]) {
      const statuses: number[] = [];
      for (let attempt = 0; attempt <= FRESH_LINK_LIMITS.perAddress.max; attempt++) {
        statuses.push((await ask(email, `198.51.100.${10 + attempt}`)).status);
      }
      expect(statuses.slice(-1)).toEqual([429]);
    }
    const refused = await ask("stranger@example.se", "198.51.100.99");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(FRESH_LINK_LIMITS.perAddress.windowSeconds);
  });

  it("refuses with 429 past the limit per client address across different addresses, and allows again in the next window", async () => {
    const client = "203.0.113.7";
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= FRESH_LINK_LIMITS.perClient.max; attempt++) {
      statuses.push((await ask(`someone${attempt}@example.se`, client)).status);
    }
    expect(statuses.slice(0, -1).every((status) => status === 202)).toBe(true);
    expect(statuses.at(-1)).toBe(429);

    api.clock.set(new Date(api.clock.now().getTime() + FRESH_LINK_LIMITS.perClient.windowSeconds * 1000).toISOString());
    expect((await ask("later@example.se", client)).status).toBe(202);
  });

  it("sends nothing for a report whose link staff revoked", async () => {
    const email = "revoked@mammaunited.example.se";
    await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2027-03-31", email });
    const { items } = (await (await api.request(`/api/agreements/${agreement.id}/invitations`, { as: "viewer" })).json()) as {
      items: { invitationId: string; email: string }[];
    };
    await api.request(`/api/agreements/${agreement.id}/invitations/${items.find((item) => item.email === email)!.invitationId}/revoke`, { method: "POST", as: "editor" });
    const before = (await api.emailsTo(email)).length;

    expect((await ask(email, "198.51.100.200")).status).toBe(202);
    await api.runAfterResponse();
    expect(await api.emailsTo(email)).toHaveLength(before);
  });
});
