// What the invitation email says about its link is true: the link works to the end of the day the email names,
// Stockholm time, and not a minute longer. The app, DynamoDB Local and the mail catcher.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agreement } from "../../functions/domain/agreement";
import { startReportTestApi, type ReportTestApi } from "./setup";

let api: ReportTestApi;
let agreement: Agreement;
const CONTACT = "giltighet@mammaunited.example.se";

beforeAll(async () => {
  api = await startReportTestApi();
  agreement = await api.activeAgreement("Giltighet: Mamma United");
});
afterAll(() => api.stopAll());

describe("the report link's validity", () => {
  it("is stated as the last day the link works, and the link works to the end of that day", async () => {
    // 08:00 in Stockholm: a link that ran 30 × 24 hours would stop at 08:00 on the day the email names.
    api.clock.set("2026-06-15T08:00:00+02:00");
    const token = await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2027-03-31", email: CONTACT });
    const email = (await api.emailsTo(CONTACT)).at(-1)!;

    expect(email.body.text).toContain("Länken gäller till och med: 15 juli 2026");
    api.clock.set("2026-07-15T23:59:00+02:00");
    expect((await api.request(`/api/report-links/${token}`)).status).toBe(200);
    api.clock.set("2026-07-16T00:00:00+02:00");
    expect((await api.request(`/api/report-links/${token}`)).status).toBe(404);
  });

  it("names the report in words a person writes, with the requirement's own name beside its kind", async () => {
    api.clock.set("2026-06-15T08:00:00+02:00");
    await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2027-03-31", email: CONTACT });
    const { subject, body } = (await api.emailsTo(CONTACT)).at(-1)!;

    expect(subject).toBe("Dags att lämna rapport: Giltighet: Mamma United");
    expect(body.text).toMatch(/ber er lämna en verksamhetsrapport för IOP-avtalet ”Giltighet: Mamma United” senast den 31 mars 2027\./);
    expect(body.text).toContain("Rapport: Verksamhetsrapport – Verksamhetsberättelse med antal deltagare");
    expect(body.text).not.toMatch(/lämna verksamhetsrapport:/i);
  });
});
