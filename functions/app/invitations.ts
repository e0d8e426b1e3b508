/**
 * Report links: staff send an association contact the personal link to one report (one requirement's due date),
 * list the invitations sent, and revoke one. Sending a link is shared with the review (a supplement request sends
 * a fresh link) and with a contact's own request for a fresh link (report-links.ts).
 */
import type { Agreement } from "../domain/agreement";
import { isOpenForAssociation, reportIdOf, reportLinkValidity, requirementFor } from "../domain/reports";
import type { Language } from "../email/reminder-message";
import { reportLink, reportMessage, type ReportMessageKind } from "../email/report-messages";
import type { Invitation, ReportScope } from "../store/report-links";
import { permitted, type Principal } from "./principal";
import { readAgreement } from "./commands";
import { EmailNotSentError, UseCaseError } from "./errors";
import type { ApplicationPorts } from "./ports";

export const DEFAULT_LINK_DAYS = 30;
export const MAX_LINK_DAYS = 90;
/** Agreements whose reports can be asked for: decided and not pulled back; reports stay due after the end. */
const REPORTING_STATUSES: readonly Agreement["status"][] = ["approved", "active", "expired", "renewed", "terminated"];

export interface SendLinkRequest {
  agreement: Agreement;
  scope: ReportScope;
  kind: ReportMessageKind;
  createdBy: string;
  language?: Language;
  days?: number;
  comment?: string;
  /** Only while this invitation is still the contact's newest for the report (a contact's own request). */
  replaces?: string;
}

export interface InvitationRequest {
  agreementId: string;
  requirementId: string;
  dueDate: string;
  email: string;
  language?: Language;
  /** How many days the link works after today, to the end of the last one (Stockholm); {@link DEFAULT_LINK_DAYS} when left out. */
  expiresInDays?: number;
}

export type SendReportLink = (request: SendLinkRequest) => Promise<Invitation>;

/**
 * Makes a new link for the scope and emails it to the scope's contact.
 * @throws EmailNotSentError when the email service did not take the email (the link, never delivered, is useless)
 */
export function reportLinkSender({ reporting, clock, appOrigin, log }: Pick<ApplicationPorts, "reporting" | "clock" | "appOrigin" | "log">): SendReportLink {
  return async (request) => {
    const { agreement, scope } = request;
    const now = clock.now();
    const { lastDay, expiresAt } = reportLinkValidity(now, request.days ?? DEFAULT_LINK_DAYS);
    const { token, invitation } = await reporting.links.create(scope, {
      now,
      expiresAt,
      createdBy: request.createdBy,
      ...(request.replaces === undefined ? {} : { replaces: request.replaces }),
    });
    const requirement = requirementFor(agreement, scope.requirementId, scope.dueDate);
    const email = reportMessage(
      {
        kind: request.kind,
        agreementTitle: agreement.title ?? agreement.id,
        municipality: agreement.municipality?.organisation ?? "",
        requirement: requirement ?? { kind: "other", description: "" },
        dueDate: scope.dueDate,
        link: reportLink(appOrigin, token),
        linkExpires: lastDay,
        ...(request.comment === undefined ? {} : { comment: request.comment }),
        language: request.language ?? reporting.language,
      },
      scope.email,
    );
    try {
      await reporting.mailer.send(email);
    } catch (error) {
      log({ level: "error", message: "A report link email was not sent", agreementId: agreement.id, error: String(error) });
      throw new EmailNotSentError({ cause: error });
    }
    return invitation;
  };
}

export function invitationUseCases(ports: ApplicationPorts, sendReportLink: SendReportLink) {
  const { store, reporting, clock } = ports;
  return {
    /** The invitations sent for an agreement, oldest first (the links themselves are not stored). */
    async list(principal: Principal, agreementId: string): Promise<Invitation[]> {
      permitted(principal, "read");
      await readAgreement(store, agreementId);
      return reporting.links.list(agreementId);
    },

    /** Emails a contact the personal link to one due date of one reporting requirement. */
    async invite(principal: Principal, request: InvitationRequest): Promise<Invitation> {
      permitted(principal, "edit");
      const agreement = await readAgreement(store, request.agreementId);
      if (!REPORTING_STATUSES.includes(agreement.status)) {
        throw new UseCaseError("conflict", "Not reporting yet", `Reports are asked for once the agreement is approved; it is ${agreement.status}`);
      }
      if (requirementFor(agreement, request.requirementId, request.dueDate) === null) {
        throw new UseCaseError("invalid", "No such report", "The agreement has no reporting requirement with this id and due date", [
          { path: "dueDate", message: `Not a due date of requirement "${request.requirementId}"` },
        ]);
      }
      const reportId = reportIdOf(request.requirementId, request.dueDate);
      const report = await reporting.reports.get(agreement.id, reportId);
      if (!isOpenForAssociation(report)) {
        throw new UseCaseError("conflict", "Report already in", `The report is ${report!.status}; the association has nothing to do with it now`);
      }
      return sendReportLink({
        agreement,
        scope: { agreementId: agreement.id, reportId, requirementId: request.requirementId, dueDate: request.dueDate, email: request.email },
        kind: "invitation",
        createdBy: principal.email,
        ...(request.language === undefined ? {} : { language: request.language }),
        ...(request.expiresInDays === undefined ? {} : { days: request.expiresInDays }),
      });
    },

    /**
     * Every link the invitation's contact was sent for the report (fresh links and supplement requests included)
     * stops working at once, and the contact can no longer ask for a fresh one for it.
     */
    async revoke(principal: Principal, target: { agreementId: string; invitationId: string }): Promise<Invitation> {
      permitted(principal, "edit");
      const invitation = await reporting.links.revoke(target.agreementId, target.invitationId, clock.now());
      if (invitation === null) throw new UseCaseError("not-found", "Not found", `Agreement ${target.agreementId} has no invitation ${target.invitationId}`);
      return invitation;
    },
  };
}

export type InvitationUseCases = ReturnType<typeof invitationUseCases>;
