/**
 * The association's side of a report, authorised by the link token alone. A token opens one report (one agreement,
 * one requirement, one due date) and nothing else; an unknown, expired or revoked token all fail the same way.
 *
 * Attachments go straight from the browser to storage with a presigned upload whose signature covers the declared
 * type and size; confirming checks the stored object (size, type, magic number) before the attachment counts, and
 * deletes anything else.
 */
import { randomUUID } from "node:crypto";
import type { Agreement } from "../domain/agreement";
import {
  acceptAttachment,
  addAttachment,
  dropAttachment,
  isOpenForAssociation,
  MAGIC_NUMBER_BYTES,
  newReport,
  requirementFor,
  saveDraft,
  startsWithMagicNumber,
  submitReport,
  type Attachment,
  type AttachmentRequest,
  type DraftReportContent,
  type Report,
  type ReportVersion,
} from "../domain/reports";
import type { Language } from "../email/reminder-message";
import type { Invitation } from "../store/report-links";
import type { RateLimit } from "../store/rate-limits";
import { EmailNotSentError, RateLimitedError, ReportLinkNotWorkingError, UseCaseError } from "./errors";
import type { SendReportLink } from "./invitations";
import type { ApplicationPorts } from "./ports";
import { valueOf } from "./reports";

/** A contact asking for fresh links: a few times an hour per address, and per network address across addresses. */
export const FRESH_LINK_LIMITS = {
  perAddress: { name: "fresh-link-address", max: 3, windowSeconds: 3600 },
  perClient: { name: "fresh-link-client", max: 10, windowSeconds: 3600 },
} as const satisfies Record<string, RateLimit>;
/** How long a presigned upload URL works. */
const UPLOAD_URL_SECONDS = 15 * 60;

/** What a report link opens: the agreement and requirement the report answers, and the report so far. */
export interface ReportForm {
  agreement: { id: string; title: string; municipality: string; associations: string[] };
  requirement: { id: string; kind: string; description: string; dueDate: string };
  linkExpiresAt: string;
  /** null until the first save. */
  report: Report | null;
  versions: ReportVersion[];
}

export interface StartedUpload {
  attachment: Omit<Attachment, "key" | "addedAt">;
  upload: { method: "PUT"; url: string; headers: Record<string, string>; expiresAt: string };
}

interface Opened {
  invitation: Invitation;
  agreement: Agreement;
  /** The stored report, or a new draft not yet written. */
  report: Report;
  stored: boolean;
}

export function reportLinkUseCases(ports: ApplicationPorts, sendReportLink: SendReportLink) {
  const { store, reporting, clock, log } = ports;
  const { attachments } = reporting;

  /** What the token opens, or the one ReportLinkNotWorkingError for every way it can fail. */
  const open = async (token: string): Promise<Opened> => {
    const now = clock.now();
    const invitation = await reporting.links.find(token, now);
    const agreement = invitation === null ? null : await store.get(invitation.agreementId);
    if (invitation === null || agreement === null || requirementFor(agreement, invitation.requirementId, invitation.dueDate) === null) {
      throw new ReportLinkNotWorkingError();
    }
    const stored = await reporting.reports.get(invitation.agreementId, invitation.reportId);
    const report = stored ?? newReport({ ...invitation, contactEmail: invitation.email }, now);
    return { invitation, agreement, report, stored: stored !== null };
  };

  /** Why the stored object is not the attachment declared, or null when it is. */
  async function uploadMismatch(attachment: Attachment): Promise<string | null> {
    const stored = await attachments.describe(attachment.key);
    if (stored === null) {
      throw new UseCaseError("conflict", "Not uploaded yet", "Nothing was uploaded for this attachment yet; PUT the file to the upload URL first");
    }
    if (stored.size !== attachment.size) return `The file has ${stored.size} bytes, not the ${attachment.size} declared`;
    if (stored.contentType !== attachment.contentType) return `The file is stored as ${stored.contentType}, not ${attachment.contentType}`;
    const firstBytes = await attachments.firstBytes(attachment.key, MAGIC_NUMBER_BYTES);
    return startsWithMagicNumber(attachment.contentType, firstBytes) ? null : `The file's content is not ${attachment.contentType}`;
  }

  return {
    /** The report form's data: the agreement and requirement, the report as saved so far, every version submitted. */
    async open(token: string): Promise<ReportForm> {
      const { invitation, agreement, report, stored } = await open(token);
      const requirement = requirementFor(agreement, invitation.requirementId, invitation.dueDate)!;
      return {
        agreement: {
          id: agreement.id,
          title: agreement.title ?? "",
          municipality: agreement.municipality?.organisation ?? "",
          associations: (agreement.associations ?? []).map((association) => association.name),
        },
        requirement: { id: requirement.id, kind: requirement.kind, description: requirement.description, dueDate: invitation.dueDate },
        linkExpiresAt: invitation.expiresAt,
        report: stored ? report : null,
        versions: stored ? await reporting.reports.versions(report.agreementId, report.reportId) : [],
      };
    },

    /** Replaces the working copy; it may be incomplete, but each field given must be valid. */
    async saveDraft(token: string, content: DraftReportContent): Promise<Report> {
      const { invitation, report } = await open(token);
      const saved = valueOf(saveDraft(report, content, invitation.email, clock.now()));
      await reporting.reports.save(saved);
      return saved;
    },

    /** Adds a pending attachment and answers where to upload its bytes. */
    async startAttachment(token: string, request: AttachmentRequest): Promise<StartedUpload> {
      const { report } = await open(token);
      const now = clock.now();
      const attachment: Attachment = {
        id: randomUUID(),
        fileName: request.fileName,
        contentType: request.contentType as Attachment["contentType"],
        size: request.size,
        key: `attachments/${randomUUID()}`,
        status: "pending",
        addedAt: now.toISOString(),
      };
      const withAttachment = valueOf(addAttachment(report, attachment, now));
      await reporting.reports.save(withAttachment);
      const headers = { "Content-Type": attachment.contentType, "Content-Length": String(attachment.size) };
      const url = await attachments.uploadUrl(attachment, UPLOAD_URL_SECONDS);
      const { key: _key, addedAt: _addedAt, ...shown } = attachment;
      return { attachment: shown, upload: { method: "PUT", url, headers, expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString() } };
    },

    /** Accepts an uploaded attachment that is what was declared; anything else is deleted and dropped. */
    async confirmAttachment(token: string, attachmentId: string): Promise<Report> {
      const { report } = await open(token);
      const attachment = report.attachments.find((candidate) => candidate.id === attachmentId);
      if (attachment === undefined) throw new UseCaseError("not-found", "No such attachment", "The report has no attachment with this id");
      const now = clock.now();
      const mismatch = await uploadMismatch(attachment);
      if (mismatch !== null) {
        await attachments.remove(attachment.key);
        await reporting.reports.save(dropAttachment(report, attachment.id, now));
        throw new UseCaseError("invalid", "File refused", `${mismatch}; the file was deleted, upload it again`);
      }
      const accepted = valueOf(acceptAttachment(report, attachment.id, now));
      await reporting.reports.save(accepted);
      return accepted;
    },

    /** Submits the saved working copy, which must be complete, as a new version. */
    async submit(token: string): Promise<{ receipt: ReportVersion["receipt"]; report: Report }> {
      const { invitation, report } = await open(token);
      const { report: submitted, version } = valueOf(submitReport(report, invitation.email, clock.now()));
      await reporting.reports.saveSubmission(submitted, version);
      return { receipt: version.receipt, report: submitted };
    },

    /**
     * Emails a contact new links to the reports they were invited to and still have to send. Nothing tells a known
     * address from an unknown one. @throws RateLimitedError past the limits per address and per network address
     */
    async requestFreshLinks(request: { email: string; language?: Language; clientAddress: string }): Promise<void> {
      const now = clock.now();
      // Both limits are counted before anything is looked up, so known and unknown addresses are limited alike.
      for (const [limit, subject] of [
        [FRESH_LINK_LIMITS.perAddress, request.email.toLowerCase()],
        [FRESH_LINK_LIMITS.perClient, request.clientAddress],
      ] as const) {
        const verdict = await reporting.rateLimits.hit(limit, subject, now);
        if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterSeconds);
      }
      for (const scope of await reporting.links.reportsOfContact(request.email)) {
        const agreement = await store.get(scope.agreementId);
        if (agreement === null || requirementFor(agreement, scope.requirementId, scope.dueDate) === null) continue;
        if (!isOpenForAssociation(await reporting.reports.get(scope.agreementId, scope.reportId))) continue;
        try {
          await sendReportLink({
            agreement,
            scope,
            kind: "invitation",
            createdBy: "fresh-link request",
            ...(request.language === undefined ? {} : { language: request.language }),
          });
        } catch (error) {
          // Already logged; the answer must not differ from that for an unknown address.
          if (!(error instanceof EmailNotSentError)) log({ level: "error", message: "A fresh report link failed", error: String(error) });
        }
      }
    },
  };
}

export type ReportLinkUseCases = ReturnType<typeof reportLinkUseCases>;
