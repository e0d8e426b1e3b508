// Report fixtures shared by the report tests and the workflow's report-reminder test.
import { newReport, saveDraft, submitReport, type Report, type ReportContent, type ReportVersion } from "../../functions/domain/reports";
import type { ReportStore } from "../../functions/store/reports";

export const CONTACT = "kassor@mammaunited.example.se";

/** A complete report: what Mamma United might write for a year. */
export function completeReportContent(): ReportContent {
  return {
    activities: [
      { description: "Språkcafé varje tisdag i Bäckby", subEffort: "Culture together" },
      { description: "Föräldragrupper med 8 träffar" },
    ],
    peopleReached: 214,
    outcomes: [{ goal: "Fler mammor i arbete eller studier", outcome: "17 deltagare började studera eller fick arbete" }],
    money: { receivedSek: 450_000, spentSek: 431_250 },
    comments: "",
  };
}

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** A report submitted once for the requirement's due date, written through the store. */
export async function storeSubmittedReport(
  reports: ReportStore,
  scope: { agreementId: string; requirementId: string; dueDate: string },
  at: Date,
): Promise<{ report: Report; version: ReportVersion }> {
  const draft = must(saveDraft(newReport({ ...scope, contactEmail: CONTACT }, at), completeReportContent(), CONTACT, at));
  await reports.save(draft);
  const submitted = must(submitReport(draft, CONTACT, at));
  await reports.saveSubmission(submitted.report, submitted.version);
  return submitted;
}
