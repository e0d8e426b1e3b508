// Issue item 4, concurrency through the HTTP API on DynamoDB Local: bursts of report submissions on the same reports
// from many clients at once, and many edits of one agreement from the same read. Whatever interleaving the machine
// produces, nothing is lost, nothing is stored twice, and the optimistic locks let exactly one writer win.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agreement } from "../../functions/domain/agreement";
import { runCommand } from "../../functions/app/commands";
import { RecordingMailer, startTestApi, type TestApi } from "../support/api";
import { approval, mammaUnitedContent, workflow as workflowActor } from "../support/agreements";
import { completeReportContent, CONTACT } from "../reports/fixtures";
import { recordFigure, scaled } from "./scale";

const REPORTS = 20;
const SUBMISSIONS_PER_REPORT = 10;
/** Rounds of a burst of submissions, each after staff asked for a supplement of every report. */
const ROUNDS = scaled({ ci: 2, full: 5 });
const EDITORS = 50;
const REPORT_SCOPE = { requirementId: "verksamhet", dueDate: "2026-03-31" } as const;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function activeAgreement(title: string): Promise<Agreement> {
  const { id } = await json<Agreement>(await api.request("/api/agreements", { method: "POST", as: "editor", body: { ...mammaUnitedContent(), title } }), 201);
  await json(await api.request(`/api/agreements/${id}/submit`, { method: "POST", as: "editor" }), 200);
  await json(await api.request(`/api/agreements/${id}/decision`, { method: "POST", as: "registrar", body: approval }), 200);
  return (await runCommand(api.store, { agreementId: id, command: { type: "activate" }, actor: workflowActor, now: api.clock.now() })).agreement;
}

/**
 * Submits as a careful client does: a 503 (the database did not answer in time, which DynamoDB Local under this
 * burst on a shared machine may do) is tried again after its Retry-After, so what counts is the final answer.
 */
async function submitting(token: string): Promise<Response> {
  for (;;) {
    const response = await api.request(`/api/report-links/${token}/submit`, { method: "POST" });
    if (response.status !== 503) return response;
    expect(response.headers.get("Retry-After")).not.toBeNull();
    await sleep(1_000);
  }
}

/** The token of the newest report link emailed to the contact. */
function newestToken(): string {
  const email = (api.reporting.mailer as RecordingMailer).sent.filter((sent) => sent.to.includes(CONTACT)).at(-1);
  return /\/report\/([A-Za-z0-9_-]{43})/.exec(email?.text ?? "")![1]!;
}

describe("concurrency", () => {
  it(`stores every accepted one of ${(REPORTS * SUBMISSIONS_PER_REPORT).toLocaleString("en")} concurrent report submissions across ${REPORTS} reports (${ROUNDS} rounds): none lost or duplicated, versions numbered without gaps`, async () => {
    const reports: { agreementId: string; reportId: string; token: string }[] = [];
    for (let index = 0; index < REPORTS; index++) {
      const agreement = await activeAgreement(`Rapportavtal ${index + 1}`);
      await json(await api.request(`/api/agreements/${agreement.id}/invitations`, { method: "POST", as: "editor", body: { ...REPORT_SCOPE, email: CONTACT } }), 201);
      const token = newestToken();
      const saved = await json<{ reportId: string }>(await api.request(`/api/report-links/${token}/draft`, { method: "PUT", body: completeReportContent() }), 200);
      reports.push({ agreementId: agreement.id, reportId: saved.reportId, token });
    }

    const answers = new Map<number, number>();
    for (let round = 1; round <= ROUNDS; round++) {
      const burst = reports.flatMap((report) => Array.from({ length: SUBMISSIONS_PER_REPORT }, () => report));
      const responses = await Promise.all(burst.map((report) => submitting(report.token)));
      const accepted = new Map<string, number>();
      for (const [index, response] of responses.entries()) {
        answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
        const text = await response.text();
        // The one that wins submits (201); the others are told the report is already in (409), never a server error.
        expect([201, 409], text).toContain(response.status);
        if (response.status === 201) {
          const key = `${burst[index]!.agreementId} ${burst[index]!.reportId}`;
          accepted.set(key, (accepted.get(key) ?? 0) + 1);
        }
      }
      for (const report of reports) {
        expect(accepted.get(`${report.agreementId} ${report.reportId}`), report.agreementId).toBe(1);
        const versions = await api.reporting.reports.versions(report.agreementId, report.reportId);
        expect(versions.map((version) => version.number)).toEqual(Array.from({ length: round }, (_, index) => index + 1));
        expect((await api.reporting.reports.get(report.agreementId, report.reportId))?.status).toBe("submitted");
      }
      if (round === ROUNDS) break;
      // Staff ask for a supplement of each; the contact's fresh link opens the report for the next round.
      for (const report of reports) {
        await json(
          await api.request(`/api/agreements/${report.agreementId}/reports/${report.reportId}/review`, {
            method: "POST",
            as: "editor",
            body: { outcome: "supplement-requested", comment: `Komplettera omgång ${round}` },
          }),
          200,
        );
        report.token = newestToken();
      }
    }
    const served = [...answers.entries()].sort(([one], [other]) => one - other).map(([status, count]) => `${count} × ${status}`).join(", ");
    await recordFigure(
      "4a. Concurrent report submissions",
      `${ROUNDS} bursts of ${REPORTS * SUBMISSIONS_PER_REPORT} concurrent submissions across ${REPORTS} reports: ${served}; each report versions 1…${ROUNDS}, no gap, no duplicate`,
    );
  }, 10 * 60_000); // a failure guard: some 200 requests to set up, on a machine others share

  it(`lets 1 of ${EDITORS} concurrent conflicting edits of one agreement win: ${EDITORS - 1} × 412, one audit event`, async () => {
    const { id, version } = await json<Agreement>(await api.request("/api/agreements", { method: "POST", as: "editor", body: { title: "Omstritt utkast" } }), 201);
    const responses = await Promise.all(
      Array.from({ length: EDITORS }, (_, editor) =>
        api.request(`/api/agreements/${id}`, { method: "PATCH", as: "editor", headers: { "If-Match": `"${version}"` }, body: { title: `Redaktör ${editor + 1}` } }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(EDITORS - 1);
    for (const response of responses.filter((candidate) => candidate.status === 412)) {
      expect(response.headers.get("Content-Type")).toContain("application/problem+json");
    }
    const winner = (await responses.find((response) => response.status === 200)!.json()) as Agreement;
    const events = (await api.store.events(id)).items;
    expect(events.map((event) => event.action)).toEqual(["create", "update"]);
    expect(await api.store.get(id)).toMatchObject({ version: version + 1, title: winner.title });
    await recordFigure("4b. Concurrent conflicting edits", `${EDITORS} PATCH with the same If-Match: 1 × 200, ${EDITORS - 1} × 412, 1 audit event`);
  });
});
