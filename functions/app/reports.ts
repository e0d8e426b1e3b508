/**
 * Staff's side of association reports: list an agreement's reports, read one with its submitted versions, and
 * review the latest submission: accept it, or request a supplement, which emails the contact a fresh link.
 */
import { reviewReport, type Report, type ReportResult, type ReportVersion, type ReviewInput } from "../domain/reports";
import type { Page, PageRequest } from "../store/paging";
import { permitted, type Principal } from "./principal";
import { readAgreement } from "./commands";
import { ReportRefusedError, UseCaseError } from "./errors";
import type { SendReportLink } from "./invitations";
import type { ApplicationPorts } from "./ports";

/** The value of an accepted report rule; ReportRefusedError for a refused one. */
export function valueOf<T>(result: ReportResult<T>): T {
  if (!result.ok) throw new ReportRefusedError(result.error);
  return result.value;
}

/** How long a staff download URL works: long enough to follow the redirect, too short to pass around. */
const DOWNLOAD_URL_SECONDS = 60;

/** Where staff download an attachment, and what it is. */
export interface AttachmentDownload {
  url: string;
  fileName: string;
  contentType: string;
}

export function reportUseCases(ports: ApplicationPorts, sendReportLink: SendReportLink) {
  const { store, reporting, clock } = ports;

  const readReport = async (agreementId: string, reportId: string): Promise<Report> => {
    const report = await reporting.reports.get(agreementId, reportId);
    if (report === null) throw new UseCaseError("not-found", "Not found", `Agreement ${agreementId} has no report ${reportId} yet`);
    return report;
  };

  return {
    /** Every report an association has started, by due date. */
    async list(principal: Principal, agreementId: string, page: PageRequest = {}): Promise<Page<Report>> {
      permitted(principal, "read");
      await readAgreement(store, agreementId);
      return store.reports(agreementId, page);
    },

    /** A report and its submitted versions, oldest first. */
    async read(principal: Principal, agreementId: string, reportId: string): Promise<{ report: Report; versions: ReportVersion[] }> {
      permitted(principal, "read");
      const report = await readReport(agreementId, reportId);
      return { report, versions: await reporting.reports.versions(agreementId, reportId) };
    },

    /**
     * A short-lived URL downloading a confirmed attachment of the report or of any submitted version, as an
     * attachment under its file name and with the type its content was checked against.
     */
    async attachmentDownload(
      principal: Principal,
      target: { agreementId: string; reportId: string; attachmentId: string },
    ): Promise<AttachmentDownload> {
      permitted(principal, "read");
      const report = await readReport(target.agreementId, target.reportId);
      const versions = report.submissions === 0 ? [] : await reporting.reports.versions(target.agreementId, target.reportId);
      const attachment = [...report.attachments, ...versions.flatMap((version) => version.attachments)].find(
        (candidate) => candidate.id === target.attachmentId && candidate.status === "accepted",
      );
      if (attachment === undefined) throw new UseCaseError("not-found", "Not found", `Report ${target.reportId} has no confirmed attachment ${target.attachmentId}`);
      const { fileName, contentType } = attachment;
      return { url: await reporting.attachments.downloadUrl(attachment, DOWNLOAD_URL_SECONDS), fileName, contentType };
    },

    /**
     * Accepts the latest submission or requests a supplement, which emails the contact the comment and a fresh
     * link. @throws EmailNotSentError when that email could not be sent; the review is saved all the same.
     */
    async review(principal: Principal, target: { agreementId: string; reportId: string; review: ReviewInput }): Promise<Report> {
      permitted(principal, "edit");
      const agreement = await readAgreement(store, target.agreementId);
      const report = await readReport(target.agreementId, target.reportId);
      const reviewed = valueOf(reviewReport(report, target.review, principal.email, clock.now()));
      await reporting.reports.save(reviewed);
      if (reviewed.status === "supplement-requested") {
        await sendReportLink({
          agreement,
          scope: {
            agreementId: reviewed.agreementId,
            reportId: reviewed.reportId,
            requirementId: reviewed.requirementId,
            dueDate: reviewed.dueDate,
            email: reviewed.contactEmail,
          },
          kind: "supplement-request",
          createdBy: principal.email,
          comment: target.review.comment,
        });
      }
      return reviewed;
    },
  };
}

export type ReportUseCases = ReturnType<typeof reportUseCases>;
