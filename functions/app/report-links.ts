/**
 * The association's side of a report, authorised by the link token alone. A token opens one report (one agreement,
 * one requirement, one due date) and nothing else; an unknown, expired or revoked token all fail the same way.
 *
 * Attachments go straight from the browser to storage, never through the app: with a presigned upload whose
 * signature covers the declared type and size (the page's script, the JSON API), or with the attachments page's
 * form, which posts the file to S3 under a signed policy (without JavaScript). Confirming checks the stored object
 * (size, type, and the structure of that type at the file's start and end: functions/domain/attachment-content.ts)
 * before the attachment counts, and deletes anything else.
 */
import { randomUUID } from "node:crypto";
import * as z from "zod";
import { calendarDateSchema, REPORT_KINDS, type Agreement } from "../domain/agreement";
import { contentProbeRanges, hasStructureOf } from "../domain/attachment-content";
import {
  acceptAttachment,
  addAttachment,
  associationReportSchema,
  attachmentRequestSchema,
  attachmentTypeOf,
  associationVersionSchema,
  confirmedKeyOf,
  dropAttachment,
  formUploadFileName,
  formUploadPrefix,
  isOpenForAssociation,
  MAX_ATTACHMENT_BYTES,
  newReport,
  pendingUploadKey,
  removeAttachment,
  requirementFor,
  saveDraft,
  submitReport,
  UPLOAD_FORM_SECONDS,
  UPLOAD_SECONDS,
  type AssociationReport,
  type Attachment,
  type AttachmentRequest,
  type DraftReportContent,
  type Receipt,
  type ReportContent,
  type Report,
} from "../domain/reports";
import type { Language } from "../email/reminder-message";
import { receiptMessage } from "../email/report-messages";
import { ContactAccessChangedError, type Invitation } from "../store/report-links";
import type { RateLimit } from "../store/rate-limits";
import { ReportConflictError } from "../store/reports";
import { AttachmentRefusedError, EmailNotSentError, RateLimitedError, ReportLinkNotWorkingError, UseCaseError } from "./errors";
import type { SendReportLink } from "./invitations";
import type { ApplicationPorts, UploadForm } from "./ports";
import { valueOf } from "./reports";

/** A contact asking for fresh links: a few times an hour per address, and per network address across addresses. */
export const FRESH_LINK_LIMITS = {
  perAddress: { name: "fresh-link-address", max: 3, windowSeconds: 3600 },
  perClient: { name: "fresh-link-client", max: 10, windowSeconds: 3600 },
} as const satisfies Record<string, RateLimit>;
/** Fresh-link requests sent per run; a run after each request finds one or a few. */
const FRESH_LINK_BATCH = 50;

/**
 * What a report link opens: the agreement and requirement the report answers, and the report so far. Like every
 * answer to the association, built from its own schema (functions/domain/reports.ts), never from a stored item.
 */
export const reportFormSchema = z.object({
  agreement: z.object({
    id: z.string(),
    title: z.string(),
    municipality: z.string(),
    associations: z.array(z.string()),
    /** What the outcomes are reported against. */
    purpose: z.string(),
    /** Whom the association asks about the report: the responsible officer's name and phone, never an address. */
    officer: z.object({ name: z.string(), phone: z.string().optional() }).nullable(),
  }),
  requirement: z.object({ id: z.string(), kind: z.enum(REPORT_KINDS), description: z.string(), dueDate: calendarDateSchema }),
  linkExpiresAt: z.iso.datetime(),
  /** null until the first save. */
  report: associationReportSchema.nullable(),
  versions: z.array(associationVersionSchema),
});
export type ReportForm = z.infer<typeof reportFormSchema>;

export const startedUploadSchema = z.object({
  attachment: associationReportSchema.shape.attachments.element,
  upload: z.object({
    method: z.literal("PUT"),
    url: z.string().meta({ description: "Presigned: PUT the file's bytes here, with exactly these headers" }),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.iso.datetime(),
  }),
});
export type StartedUpload = z.infer<typeof startedUploadSchema>;


export const submissionSchema = z.object({ receipt: associationVersionSchema.shape.receipt, report: associationReportSchema });

const associationReport = (report: Report): AssociationReport => associationReportSchema.parse(report);

/** Some of a report's answers, as one step of the form gives them: an answer given as undefined is cleared. */
export type ReportAnswers = { [Field in keyof ReportContent]?: unknown };

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

  const attachmentOf = (report: Report, attachmentId: string): Attachment => {
    const attachment = report.attachments.find((candidate) => candidate.id === attachmentId);
    if (attachment === undefined) throw new UseCaseError("not-found", "No such attachment", "The report has no attachment with this id");
    return attachment;
  };

  /**
   * Why the stored object is not the attachment declared, or null when it is. A presigned PUT was signed for the
   * declared type, so the object must be stored as it; a form post stores none, and its type comes from its name.
   */
  async function uploadMismatch(attachment: Attachment, typeSigned: boolean): Promise<string | null> {
    const stored = await attachments.describe(attachment.key);
    if (stored === null) {
      throw new UseCaseError("conflict", "Not uploaded yet", "Nothing was uploaded for this attachment yet; PUT the file to the upload URL first");
    }
    if (stored.size !== attachment.size) return `The file has ${stored.size} bytes, not the ${attachment.size} declared`;
    if (typeSigned && stored.contentType !== attachment.contentType) return `The file is stored as ${stored.contentType}, not ${attachment.contentType}`;
    const ranges = contentProbeRanges(attachment.size);
    const [head, tail] = await Promise.all([attachments.readRange(attachment.key, ranges.head), attachments.readRange(attachment.key, ranges.tail)]);
    return hasStructureOf(attachment.contentType, attachment.size, head, tail) ? null : `The file's content is not ${attachment.contentType}`;
  }

  /** With `expectedVersion`, the version the answers were typed on: a save since then refuses this one. */
  const saveWorkingCopy = async (token: string, contentOf: (current: DraftReportContent) => unknown, expectedVersion?: number): Promise<AssociationReport> => {
    const { invitation, report } = await open(token);
    // The domain's refusals first: a report sent meanwhile says so, whichever version the answers were typed on.
    const saved = valueOf(saveDraft(report, contentOf(report.content), invitation.email, clock.now()));
    if (expectedVersion !== undefined && expectedVersion !== report.version) throw new ReportConflictError(report.agreementId, report.reportId);
    await reporting.reports.save(saved);
    return associationReport(saved);
  };

  /** Adds a pending attachment to the report, whose upload is to come (or came) to `key`, and is to be checked. */
  const addPending = async (report: Report, request: AttachmentRequest, key: string): Promise<{ report: Report; attachment: Attachment }> => {
    const now = clock.now();
    const attachment: Attachment = {
      id: randomUUID(),
      fileName: request.fileName,
      contentType: request.contentType as Attachment["contentType"],
      size: request.size,
      key,
      status: "pending",
      addedAt: now.toISOString(),
    };
    const added = valueOf(addAttachment(report, attachment, now));
    await reporting.reports.save(added);
    return { report: added, attachment };
  };

  /**
   * Keeps an uploaded attachment that is what was declared, moved out of the pending uploads to `confirmedKey`;
   * anything else is deleted and dropped.
   */
  async function acceptUpload(report: Report, attachment: Attachment, confirmedKey: string, typeSigned: boolean): Promise<AssociationReport> {
    const now = clock.now();
    const mismatch = await uploadMismatch(attachment, typeSigned);
    if (mismatch !== null) {
      await attachments.remove(attachment.key);
      await reporting.reports.save(dropAttachment(report, attachment.id, now));
      throw new AttachmentRefusedError("content", `${mismatch}; the file was deleted, upload it again`);
    }
    const accepted = valueOf(acceptAttachment(report, attachment.id, confirmedKey, now));
    if (confirmedKey !== attachment.key) await attachments.move(attachment.key, confirmedKey);
    await reporting.reports.save(accepted);
    return associationReport(accepted);
  }

  async function confirmAttachment(token: string, attachmentId: string): Promise<AssociationReport> {
    const { report } = await open(token);
    const attachment = attachmentOf(report, attachmentId);
    return acceptUpload(report, attachment, confirmedKeyOf(attachment.key), true);
  }

  return {
    /** The report form's data: the agreement and requirement, the report as saved so far, every version submitted. */
    async open(token: string): Promise<ReportForm> {
      const { invitation, agreement, report, stored } = await open(token);
      const requirement = requirementFor(agreement, invitation.requirementId, invitation.dueDate)!;
      return reportFormSchema.parse({
        agreement: {
          id: agreement.id,
          title: agreement.title ?? "",
          municipality: agreement.municipality?.organisation ?? "",
          associations: (agreement.associations ?? []).map((association) => association.name),
          purpose: agreement.purpose ?? "",
          officer:
            agreement.responsibleOfficer === undefined
              ? null
              : { name: agreement.responsibleOfficer.name, ...(agreement.responsibleOfficer.phone === undefined ? {} : { phone: agreement.responsibleOfficer.phone }) },
        },
        requirement: { id: requirement.id, kind: requirement.kind, description: requirement.description, dueDate: invitation.dueDate },
        linkExpiresAt: invitation.expiresAt,
        report: stored ? report : null,
        versions: stored ? await reporting.reports.versions(report.agreementId, report.reportId) : [],
      });
    },

    /** Replaces the working copy; it may be incomplete, but each field given must be valid. */
    async saveDraft(token: string, content: DraftReportContent): Promise<AssociationReport> {
      return saveWorkingCopy(token, () => content);
    },

    /**
     * Saves one step's answers into the working copy and keeps the others, so the form can be filled in step by
     * step; each answer given must be valid, and an answer given as undefined is cleared. With `expectedVersion`
     * (the report's version the step was shown at), a save by anyone since then refuses this one, so two windows
     * on the same link never overwrite each other unseen.
     * @throws ReportConflictError when the report was saved since `expectedVersion`, or at the same moment
     */
    async saveAnswers(token: string, answers: ReportAnswers, expectedVersion?: number): Promise<AssociationReport> {
      return saveWorkingCopy(
        token,
        (current) => Object.fromEntries(Object.entries({ ...current, ...answers }).filter(([, value]) => value !== undefined)),
        expectedVersion,
      );
    },

    /** Adds a pending attachment and answers where to upload its bytes, for {@link UPLOAD_SECONDS}. */
    async startAttachment(token: string, request: AttachmentRequest): Promise<StartedUpload> {
      const { attachment } = await addPending((await open(token)).report, request, pendingUploadKey(randomUUID()));
      const now = clock.now();
      const headers = { "Content-Type": attachment.contentType, "Content-Length": String(attachment.size) };
      const url = await attachments.uploadUrl(attachment, UPLOAD_SECONDS);
      const expiresAt = new Date(now.getTime() + UPLOAD_SECONDS * 1000).toISOString();
      return startedUploadSchema.parse({ attachment, upload: { method: "PUT", url, headers, expiresAt } });
    },

    /**
     * Accepts an uploaded attachment that is what was declared, moving its object out of the pending uploads;
     * anything else is deleted and dropped.
     */
    confirmAttachment,

    /**
     * The attachments page's upload without JavaScript: a form that posts the file straight to storage under a
     * fresh key of this report, within the size limit, for {@link UPLOAD_FORM_SECONDS}; S3 then sends the browser
     * to `returnTo` with the key it stored, for {@link registerFormUpload}.
     */
    async uploadForm(token: string, returnTo: string): Promise<UploadForm> {
      const { report } = await open(token);
      return attachments.uploadForm({ keyPrefix: formUploadPrefix(report, randomUUID()), maxBytes: MAX_ATTACHMENT_BYTES, returnTo }, UPLOAD_FORM_SECONDS);
    },

    /**
     * Takes a file the upload form put in storage, as confirming a presigned upload does: its type from its name,
     * its size as stored, its content checked for the structure of its type; anything refused is deleted, and
     * nothing else of the report changes.
     * @throws UseCaseError "not-found" when the key is not one of this report's form uploads
     * @throws AttachmentRefusedError for a file of another type, too large, empty, not stored, or whose content is
     *   not its type
     * @throws ReportRefusedError when the report takes no more attachments (20, or sent meanwhile)
     */
    async registerFormUpload(token: string, key: string): Promise<{ report: AssociationReport; attachmentId: string }> {
      const { report } = await open(token);
      const fileName = formUploadFileName(report, key);
      if (fileName === null) throw new UseCaseError("not-found", "No such upload", "The key is not one of this report's uploads");
      const stored = await attachments.describe(key);
      if (stored === null) throw new AttachmentRefusedError("failed", "Nothing was stored under the key; upload the file again");
      const refuse = async (error: Error): Promise<never> => {
        await attachments.remove(key);
        throw error;
      };
      const request = attachmentRequestSchema.safeParse({ fileName, contentType: attachmentTypeOf(fileName) ?? "", size: stored.size ?? 0 });
      if (!request.success) {
        const size = request.error.issues.find((issue) => issue.path[0] === "size");
        const reason = fileName === "" ? "missing" : size === undefined ? "type" : size.code === "too_big" ? "size" : "empty";
        return refuse(new AttachmentRefusedError(reason, request.error.issues.map((issue) => issue.message).join("; ")));
      }
      const pending = await addPending(report, request.data, key).catch(refuse);
      // Its own random key once accepted: a form posted twice gives the same pending key to two files.
      const accepted = await acceptUpload(pending.report, pending.attachment, confirmedKeyOf(pendingUploadKey(pending.attachment.id)), false);
      return { report: accepted, attachmentId: pending.attachment.id };
    },

    /**
     * Takes an attachment off the working copy before it is submitted, and deletes its file unless a submitted
     * version holds it (a supplement keeps what was sent before).
     */
    async removeAttachment(token: string, attachmentId: string): Promise<AssociationReport> {
      const { report } = await open(token);
      const attachment = attachmentOf(report, attachmentId);
      const removed = valueOf(removeAttachment(report, attachment.id, clock.now()));
      await reporting.reports.save(removed);
      const versions = report.submissions === 0 ? [] : await reporting.reports.versions(report.agreementId, report.reportId);
      if (!versions.some((version) => version.attachments.some((submitted) => submitted.key === attachment.key))) {
        await attachments.remove(attachment.key);
      }
      return associationReport(removed);
    },

    /**
     * Submits the saved working copy, which must be complete, as a new version, and emails the contact its
     * receipt. The submission stands when that email fails: the receipt is in the answer too.
     */
    async submit(token: string, options: { language?: Language } = {}): Promise<{ receipt: Receipt; report: AssociationReport }> {
      const { invitation, agreement, report } = await open(token);
      const { report: submitted, version } = valueOf(submitReport(report, invitation.email, clock.now()));
      await reporting.reports.saveSubmission(submitted, version);
      const requirement = requirementFor(agreement, invitation.requirementId, invitation.dueDate)!;
      const email = receiptMessage(
        { agreementTitle: agreement.title ?? agreement.id, requirement, receipt: version.receipt, language: options.language ?? reporting.language },
        invitation.email,
      );
      try {
        await reporting.mailer.send(email);
      } catch (error) {
        log({ level: "error", message: "A report receipt email was not sent", agreementId: agreement.id, error: String(error) });
      }
      return submissionSchema.parse({ receipt: version.receipt, report: submitted });
    },

    /**
     * Takes a contact's request for new links to the reports they were invited to and still have to send. Only
     * the limits are counted and the request recorded, the same work for every address, so neither the answer nor
     * its time tells a known address from an unknown one; {@link sendRequestedLinks} sends after the answer.
     * @throws RateLimitedError past the limits per address and per network address
     */
    async requestFreshLinks(request: { email: string; language?: Language; clientAddress: string }): Promise<void> {
      const now = clock.now();
      for (const [limit, subject] of [
        [FRESH_LINK_LIMITS.perAddress, request.email.toLowerCase()],
        [FRESH_LINK_LIMITS.perClient, request.clientAddress],
      ] as const) {
        const verdict = await reporting.rateLimits.hit(limit, subject, now);
        if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterSeconds);
      }
      await reporting.freshLinkRequests.add({
        email: request.email,
        at: now.toISOString(),
        ...(request.language === undefined ? {} : { language: request.language }),
      });
    },

    /**
     * Sends the recorded fresh-link requests: to each known contact, new links to the reports still open to them.
     * Run right after answering a request and by the reconciler. Each request is taken before it is sent, so two
     * runs at once never send it twice; one whose email fails is logged, and the contact can ask again.
     */
    async sendRequestedLinks(): Promise<{ sent: number }> {
      let sent = 0;
      for (const request of await reporting.freshLinkRequests.pending(FRESH_LINK_BATCH)) {
        if (!(await reporting.freshLinkRequests.take(request))) continue;
        for (const { invitationId, ...scope } of await reporting.links.reportsOfContact(request.email)) {
          const agreement = await store.get(scope.agreementId);
          if (agreement === null || requirementFor(agreement, scope.requirementId, scope.dueDate) === null) continue;
          if (!isOpenForAssociation(await reporting.reports.get(scope.agreementId, scope.reportId))) continue;
          try {
            await sendReportLink({
              agreement,
              scope,
              kind: "invitation",
              createdBy: "fresh-link request",
              replaces: invitationId,
              ...(request.language === undefined ? {} : { language: request.language }),
            });
            sent++;
          } catch (error) {
            // A failed email is already logged; a contact revoked at the same moment has nothing to be sent.
            if (!(error instanceof EmailNotSentError || error instanceof ContactAccessChangedError)) {
              log({ level: "error", message: "A fresh report link failed", error: String(error) });
            }
          }
        }
      }
      return { sent };
    },
  };
}

export type ReportLinkUseCases = ReturnType<typeof reportLinkUseCases>;
