/**
 * `/api/report-links/...`: the association's side, authorised by the link token alone. A token opens one report
 * (one agreement, one requirement, one due date) and nothing else; an unknown, expired or revoked token all answer
 * the same 404. The token is in the path, so the request log redacts it (logging.ts).
 *
 * Attachments go straight from the browser to S3 with a presigned PUT whose signature covers the declared type
 * and size, so S3 refuses any other upload; confirming checks the stored object (size, type, magic number) before
 * the attachment counts, and deletes anything else.
 */
import { randomUUID } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import * as z from "zod";
import { calendarDateSchema, emailSchema, REPORT_KINDS, type Agreement } from "../../domain/agreement";
import {
  acceptAttachment,
  addAttachment,
  attachmentRequestSchema,
  draftReportContentSchema,
  dropAttachment,
  isOpenForAssociation,
  MAGIC_NUMBER_BYTES,
  newReport,
  requirementFor,
  saveDraft,
  startsWithMagicNumber,
  submitReport,
  type Attachment,
  type Report,
} from "../../domain/reports";
import { LANGUAGES } from "../../email/reminder-message";
import type { Invitation } from "../../store/report-links";
import type { RateLimit } from "../../store/rate-limits";
import type { Operations, ResponseSpec } from "../operations";
import { ApiProblem, problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";
import { sendReportLink } from "./invitations";
import { reportSchema, reportVersionResponseSchema, saving, valueOf, type ReportRouteDependencies } from "./reports";

/** A contact asking for fresh links: a few times an hour per address, and per network address across addresses. */
export const FRESH_LINK_LIMITS = {
  perAddress: { name: "fresh-link-address", max: 3, windowSeconds: 3600 },
  perClient: { name: "fresh-link-client", max: 10, windowSeconds: 3600 },
} as const satisfies Record<string, RateLimit>;
/**
 * How the S3 client that presigns uploads must be configured: without it the SDK signs a checksum of the empty
 * body into the URL, and S3 refuses the real upload.
 */
export const PRESIGNING_CLIENT_CONFIG = { requestChecksumCalculation: "WHEN_REQUIRED" } as const;
/** How long a presigned upload URL works. */
const UPLOAD_URL_SECONDS = 15 * 60;

const tokenParamsSchema = z.object({ token: z.string().meta({ description: "The token from the report link" }) });
const attachmentParamsSchema = tokenParamsSchema.extend({ attachmentId: z.uuid("Not an attachment id") });

const problem = (description: string): ResponseSpec => ({ description, schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE });
const LINK_NOT_WORKING = problem("The link does not work: unknown, expired or revoked (which one is not said)");

const reportFormSchema = z.object({
  agreement: z.object({ id: z.string(), title: z.string(), municipality: z.string(), associations: z.array(z.string()) }),
  requirement: z.object({ id: z.string(), kind: z.enum(REPORT_KINDS), description: z.string(), dueDate: calendarDateSchema }),
  linkExpiresAt: z.iso.datetime(),
  /** null until the first save. */
  report: reportSchema.nullable(),
  versions: z.array(reportVersionResponseSchema),
});

const uploadSchema = z.object({
  attachment: z.object({ id: z.string(), fileName: z.string(), contentType: z.string(), size: z.number(), status: z.enum(["pending", "accepted"]) }),
  upload: z.object({
    method: z.literal("PUT"),
    url: z.string().meta({ description: "Presigned: PUT the file's bytes here, with exactly these headers" }),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.iso.datetime(),
  }),
});

const freshLinkBodySchema = z
  .object({
    email: emailSchema,
    language: z.enum(LANGUAGES).optional(),
  })
  .strict();

const FRESH_LINK_ANSWER = {
  message:
    "If the address belongs to a contact with a report to send, a new link is on its way to it. " +
    "Om adressen hör till en kontaktperson med en rapport att lämna kommer en ny länk till den.",
};

interface Opened {
  invitation: Invitation;
  agreement: Agreement;
  /** The stored report, or a new draft not yet written. */
  report: Report;
  stored: boolean;
}

export function reportLinkRoutes(operations: Operations, dependencies: ReportRouteDependencies): void {
  const { store, reporting, clock, log } = dependencies;
  const tag = "Association reports";
  const { client: s3, bucket } = reporting.attachments;
  operations.name(reportFormSchema, "ReportForm");

  /** What the token opens, or the one 404 for every way it can fail. */
  const open = async (token: string): Promise<Opened> => {
    const now = clock.now();
    const invitation = await reporting.links.find(token, now);
    const agreement = invitation === null ? null : await store.get(invitation.agreementId);
    if (invitation === null || agreement === null || requirementFor(agreement, invitation.requirementId, invitation.dueDate) === null) {
      throw new ApiProblem(404, "Link not working", "This report link does not work (any more). Ask for a fresh link with your email address.");
    }
    const stored = await reporting.reports.get(invitation.agreementId, invitation.reportId);
    const report = stored ?? newReport({ ...invitation, contactEmail: invitation.email }, now);
    return { invitation, agreement, report, stored: stored !== null };
  };

  const noStore = (c: { header(name: string, value: string): void }) => {
    c.header("Cache-Control", "no-store");
    c.header("Referrer-Policy", "no-referrer");
  };

  operations.add(
    {
      method: "get",
      path: "/api/report-links/{token}",
      operationId: "openReportLink",
      summary: "What a report link opens",
      description: "The agreement and requirement the report answers, the report as saved so far, and every submitted version with its receipt.",
      tag,
      access: "public",
      params: tokenParamsSchema,
      responses: { 200: { description: "The report form's data", schema: reportFormSchema }, 404: LINK_NOT_WORKING },
    },
    async (c, { params }) => {
      const { invitation, agreement, report, stored } = await open(params.token);
      const requirement = requirementFor(agreement, invitation.requirementId, invitation.dueDate)!;
      noStore(c);
      return c.json({
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
      });
    },
  );

  operations.add(
    {
      method: "put",
      path: "/api/report-links/{token}/draft",
      operationId: "saveReportDraft",
      summary: "Save the report as a draft",
      description: "Replaces the working copy; it may be incomplete, but each field given must be valid. Completeness is checked on submit.",
      tag,
      access: "public",
      params: tokenParamsSchema,
      body: draftReportContentSchema.strict(),
      responses: {
        200: { description: "The saved report", schema: reportSchema },
        404: LINK_NOT_WORKING,
        409: problem("The report is submitted or accepted, or was saved at the same moment"),
      },
    },
    async (c, { params, body }) => {
      const { invitation, report } = await open(params.token);
      const saved = valueOf(saveDraft(report, body, invitation.email, clock.now()));
      await saving(() => reporting.reports.save(saved));
      noStore(c);
      return c.json(saved);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/report-links/{token}/attachments",
      operationId: "startAttachment",
      summary: "Start uploading an attachment",
      description:
        "PDF, DOCX, XLSX, ODT, PNG or JPEG, at most 25 MB, by content type and file extension. Answers a presigned " +
        "URL to PUT the file to with exactly the headers given (S3 refuses any other type or size); then confirm it.",
      tag,
      access: "public",
      params: tokenParamsSchema,
      body: attachmentRequestSchema,
      responses: {
        201: { description: "Where to upload the file", schema: uploadSchema },
        404: LINK_NOT_WORKING,
        409: problem("The report is submitted or accepted, or has the most attachments it may have"),
      },
    },
    async (c, { params, body }) => {
      const { report } = await open(params.token);
      const now = clock.now();
      const attachment: Attachment = {
        id: randomUUID(),
        fileName: body.fileName,
        contentType: body.contentType as Attachment["contentType"],
        size: body.size,
        key: `attachments/${randomUUID()}`,
        status: "pending",
        addedAt: now.toISOString(),
      };
      const withAttachment = valueOf(addAttachment(report, attachment, now));
      await saving(() => reporting.reports.save(withAttachment));
      const headers = { "Content-Type": attachment.contentType, "Content-Length": String(attachment.size) };
      const url = await getSignedUrl(
        s3,
        new PutObjectCommand({ Bucket: bucket, Key: attachment.key, ContentType: attachment.contentType, ContentLength: attachment.size }),
        { expiresIn: UPLOAD_URL_SECONDS, signableHeaders: new Set(["content-type", "content-length"]) },
      );
      noStore(c);
      const { key: _key, addedAt: _addedAt, ...shown } = attachment;
      return c.json(
        { attachment: shown, upload: { method: "PUT" as const, url, headers, expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString() } },
        201,
      );
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/report-links/{token}/attachments/{attachmentId}/confirm",
      operationId: "confirmAttachment",
      summary: "Confirm an uploaded attachment",
      description:
        "Checks the stored file: the size and type declared, and that its first bytes are those of that type. " +
        "Anything else is refused, the file deleted and the attachment dropped.",
      tag,
      access: "public",
      params: attachmentParamsSchema,
      responses: {
        200: { description: "The report, with the attachment accepted", schema: reportSchema },
        404: problem("The link does not work, or the report has no such attachment"),
        409: problem("Nothing was uploaded yet, or the report is submitted or accepted"),
        400: problem("The file is not what was declared; it was deleted"),
      },
    },
    async (c, { params }) => {
      const { report } = await open(params.token);
      const attachment = report.attachments.find((candidate) => candidate.id === params.attachmentId);
      if (attachment === undefined) throw new ApiProblem(404, "No such attachment", "The report has no attachment with this id");
      const now = clock.now();
      const mismatch = await uploadMismatch(attachment);
      if (mismatch !== null) {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: attachment.key }));
        await saving(() => reporting.reports.save(dropAttachment(report, attachment.id, now)));
        throw new ApiProblem(400, "File refused", `${mismatch}; the file was deleted, upload it again`);
      }
      const accepted = valueOf(acceptAttachment(report, attachment.id, now));
      await saving(() => reporting.reports.save(accepted));
      noStore(c);
      return c.json(accepted);
    },
  );

  /** Why the stored object is not the attachment declared, or null when it is. */
  async function uploadMismatch(attachment: Attachment): Promise<string | null> {
    let head;
    try {
      head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: attachment.key }));
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) {
        throw new ApiProblem(409, "Not uploaded yet", "Nothing was uploaded for this attachment yet; PUT the file to the upload URL first");
      }
      throw error;
    }
    if (head.ContentLength !== attachment.size) return `The file has ${head.ContentLength} bytes, not the ${attachment.size} declared`;
    if (head.ContentType !== attachment.contentType) return `The file is stored as ${head.ContentType}, not ${attachment.contentType}`;
    const start = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: attachment.key, Range: `bytes=0-${MAGIC_NUMBER_BYTES - 1}` }));
    const firstBytes = (await start.Body?.transformToByteArray()) ?? new Uint8Array();
    return startsWithMagicNumber(attachment.contentType, firstBytes) ? null : `The file's content is not ${attachment.contentType}`;
  }

  operations.add(
    {
      method: "post",
      path: "/api/report-links/{token}/submit",
      operationId: "submitReport",
      summary: "Submit the report",
      description:
        "Submits the saved working copy, which must be complete, as a new version and answers its receipt. Earlier " +
        "versions are kept. Attachments not confirmed are left out.",
      tag,
      access: "public",
      params: tokenParamsSchema,
      responses: {
        201: { description: "The receipt and the submitted report", schema: z.object({ receipt: reportVersionResponseSchema.shape.receipt, report: reportSchema }) },
        400: problem("The report is not complete; `errors` names what is missing"),
        404: LINK_NOT_WORKING,
        409: problem("The report is already submitted or accepted, or was saved at the same moment"),
      },
    },
    async (c, { params }) => {
      const { invitation, report } = await open(params.token);
      const { report: submitted, version } = valueOf(submitReport(report, invitation.email, clock.now()));
      await saving(() => reporting.reports.saveSubmission(submitted, version));
      noStore(c);
      return c.json({ receipt: version.receipt, report: submitted }, 201);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/report-links/renewal",
      operationId: "requestFreshReportLinks",
      summary: "Ask for fresh report links",
      description:
        "Emails a contact new links to the reports they were invited to and still have to send. The answer is the " +
        "same whether or not the address is known. Limited per address and per network address: 429 with " +
        "Retry-After past the limit.",
      tag,
      access: "public",
      body: freshLinkBodySchema,
      responses: {
        202: { description: "Taken; the same answer for every address", schema: z.object({ message: z.string() }) },
        429: { ...problem("Too many requests; Retry-After says when to try again"), headers: { "Retry-After": "Seconds to wait" } },
      },
    },
    async (c, { body }) => {
      const now = clock.now();
      // Both limits are counted before anything is looked up, so known and unknown addresses are limited alike.
      for (const [limit, subject] of [
        [FRESH_LINK_LIMITS.perAddress, body.email.toLowerCase()],
        [FRESH_LINK_LIMITS.perClient, reporting.clientAddress(c)],
      ] as const) {
        const verdict = await reporting.rateLimits.hit(limit, subject, now);
        if (!verdict.allowed) {
          throw new ApiProblem(429, "Too many requests", `Too many link requests; try again in ${Math.ceil(verdict.retryAfterSeconds / 60)} minutes`, {
            headers: { "Retry-After": String(verdict.retryAfterSeconds) },
          });
        }
      }
      for (const scope of await reporting.links.reportsOfContact(body.email)) {
        const agreement = await store.get(scope.agreementId);
        if (agreement === null || requirementFor(agreement, scope.requirementId, scope.dueDate) === null) continue;
        if (!isOpenForAssociation(await reporting.reports.get(scope.agreementId, scope.reportId))) continue;
        try {
          await sendReportLink(dependencies, {
            agreement,
            scope,
            kind: "invitation",
            createdBy: "fresh-link request",
            ...(body.language === undefined ? {} : { language: body.language }),
          });
        } catch (error) {
          // Already logged; the answer must not differ from that for an unknown address.
          if (!(error instanceof ApiProblem)) log({ level: "error", message: "A fresh report link failed", requestId: c.var.requestId, error: String(error) });
        }
      }
      c.header("Cache-Control", "no-store");
      return c.json(FRESH_LINK_ANSWER, 202);
    },
  );
}
