/**
 * `/api/report-links/...`: the association's side, authorised by the link token alone. A token opens one report
 * (one agreement, one requirement, one due date) and nothing else; an unknown, expired or revoked token all answer
 * the same 404. The token is in the path, so the request log redacts it (logging.ts).
 *
 * Attachments go straight from the browser to S3 with a presigned PUT whose signature covers the declared type
 * and size, so S3 refuses any other upload; confirming checks the stored object (size, type, the type's structure)
 * before the attachment counts, and deletes anything else.
 */
import type { Context } from "hono";
import * as z from "zod";
import { reportFormSchema, startedUploadSchema, submissionSchema, type ReportLinkUseCases } from "../../app/report-links";
import { emailSchema } from "../../domain/agreement";
import { associationReportSchema, associationVersionSchema, attachmentRequestSchema, draftReportContentSchema } from "../../domain/reports";
import { LANGUAGES } from "../../email/reminder-message";
import type { AppEnv } from "../env";
import type { Operations, ResponseSpec } from "../operations";
import { problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";

const tokenParamsSchema = z.object({ token: z.string().meta({ description: "The token from the report link" }) });
const attachmentParamsSchema = tokenParamsSchema.extend({ attachmentId: z.uuid("Not an attachment id") });

const problem = (description: string): ResponseSpec => ({ description, schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE });
const LINK_NOT_WORKING = problem("The link does not work: unknown, expired or revoked (which one is not said)");

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

/**
 * `clientAddress` is the caller's network address, for the rate limits: from the platform, never a header.
 * `afterResponse` runs the fresh links' sending once the request is answered.
 */
export function reportLinkRoutes(
  operations: Operations,
  reportLinks: ReportLinkUseCases,
  { clientAddress, afterResponse }: { clientAddress: (c: Context<AppEnv>) => string; afterResponse: (work: () => Promise<unknown>) => void },
): void {
  const tag = "Association reports";
  operations.name(reportFormSchema, "ReportForm");
  operations.name(associationReportSchema, "AssociationReport");
  operations.name(associationVersionSchema, "AssociationReportVersion");

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
      const form = await reportLinks.open(params.token);
      noStore(c);
      return c.json(form);
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
        200: { description: "The saved report", schema: associationReportSchema },
        404: LINK_NOT_WORKING,
        409: problem("The report is submitted or accepted, or was saved at the same moment"),
      },
    },
    async (c, { params, body }) => {
      const saved = await reportLinks.saveDraft(params.token, body);
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
        201: { description: "Where to upload the file", schema: startedUploadSchema },
        404: LINK_NOT_WORKING,
        409: problem("The report is submitted or accepted, or has the most attachments it may have"),
      },
    },
    async (c, { params, body }) => {
      const started = await reportLinks.startAttachment(params.token, body);
      noStore(c);
      return c.json(started, 201);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/report-links/{token}/attachments/{attachmentId}/confirm",
      operationId: "confirmAttachment",
      summary: "Confirm an uploaded attachment",
      description:
        "Checks the stored file: the size and type declared, and that it has that type's structure at its start and end " +
        "(a PDF's trailer, a ZIP container's central directory and parts, PNG's and JPEG's markers). " +
        "Anything else is refused, the file deleted and the attachment dropped.",
      tag,
      access: "public",
      params: attachmentParamsSchema,
      responses: {
        200: { description: "The report, with the attachment accepted", schema: associationReportSchema },
        404: problem("The link does not work, or the report has no such attachment"),
        409: problem("Nothing was uploaded yet, or the report is submitted or accepted"),
        400: problem("The file is not what was declared; it was deleted"),
      },
    },
    async (c, { params }) => {
      const accepted = await reportLinks.confirmAttachment(params.token, params.attachmentId);
      noStore(c);
      return c.json(accepted);
    },
  );

  operations.add(
    {
      method: "delete",
      path: "/api/report-links/{token}/attachments/{attachmentId}",
      operationId: "removeAttachment",
      summary: "Remove an attachment before submitting",
      description:
        "Takes a pending or confirmed attachment off the report and deletes its file, unless an earlier submitted " +
        "version holds it (that version keeps it). Only while the report is open for the association.",
      tag,
      access: "public",
      params: attachmentParamsSchema,
      responses: {
        200: { description: "The report, without the attachment", schema: associationReportSchema },
        404: problem("The link does not work, or the report has no such attachment"),
        409: problem("The report is submitted or accepted, or was saved at the same moment"),
      },
    },
    async (c, { params }) => {
      const removed = await reportLinks.removeAttachment(params.token, params.attachmentId);
      noStore(c);
      return c.json(removed);
    },
  );

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
        201: { description: "The receipt and the submitted report", schema: submissionSchema },
        400: problem("The report is not complete; `errors` names what is missing"),
        404: LINK_NOT_WORKING,
        409: problem("The report is already submitted or accepted, or was saved at the same moment"),
      },
    },
    async (c, { params }) => {
      const submitted = await reportLinks.submit(params.token);
      noStore(c);
      return c.json(submitted, 201);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/report-links/renewal",
      operationId: "requestFreshReportLinks",
      summary: "Ask for fresh report links",
      description:
        "Emails a contact new links to the reports they were invited to and still have to send, after answering: " +
        "the answer, and the work done before it, are the same whether or not the address is known. Limited per address and per network address: 429 with " +
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
      await reportLinks.requestFreshLinks({ email: body.email, language: body.language, clientAddress: clientAddress(c) });
      afterResponse(() => reportLinks.sendRequestedLinks());
      c.header("Cache-Control", "no-store");
      return c.json(FRESH_LINK_ANSWER, 202);
    },
  );
}
