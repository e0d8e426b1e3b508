/**
 * `/api/agreements/{id}/reports`: staff list an agreement's reports, read one with its submitted versions, and
 * review the latest submission (functions/app/reports.ts).
 */
import * as z from "zod";
import type { ReportUseCases } from "../../app/reports";
import { isReportId, reportVersionSchema, reviewSchema, storedReportSchema } from "../../domain/reports";
import type { Operations, ResponseSpec } from "../operations";
import { problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";
import { agreementParamsSchema, pageQuerySchema } from "../schemas";

export const reportSchema = storedReportSchema.meta({ description: "A report: its status, working copy and attachments" });
export const reportVersionResponseSchema = reportVersionSchema;

const reportParamsSchema = agreementParamsSchema.extend({
  reportId: z.string().refine(isReportId, "Not a report id: <due date>_<requirement id>"),
});

const problem = (description: string): ResponseSpec => ({ description, schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE });

export function reportRoutes(operations: Operations, reports: ReportUseCases): void {
  const tag = "Reports";
  operations.name(reportSchema, "Report");
  operations.name(reportVersionResponseSchema, "ReportVersion");

  operations.add(
    {
      method: "get",
      path: "/api/agreements/{id}/reports",
      operationId: "listReports",
      summary: "An agreement's reports",
      description: "Every report an association has started, by due date; each with its status and working copy.",
      tag,
      access: "read",
      params: agreementParamsSchema,
      query: pageQuerySchema,
      responses: {
        200: { description: "One page of reports", schema: z.object({ items: z.array(reportSchema), cursor: z.string().nullable() }) },
        404: problem("No agreement with this id"),
      },
    },
    async (c, { params, query }) => {
      const page = await reports.list(c.var.principal!, params.id, { limit: query.limit, cursor: query.cursor });
      c.header("Cache-Control", "no-store");
      return c.json(page);
    },
  );

  operations.add(
    {
      method: "get",
      path: "/api/agreements/{id}/reports/{reportId}",
      operationId: "getReport",
      summary: "A report and its submitted versions",
      tag,
      access: "read",
      params: reportParamsSchema,
      responses: {
        200: { description: "The report; `versions` oldest first", schema: z.object({ report: reportSchema, versions: z.array(reportVersionResponseSchema) }) },
        404: problem("No such agreement or report"),
      },
    },
    async (c, { params }) => {
      const read = await reports.read(c.var.principal!, params.id, params.reportId);
      c.header("Cache-Control", "no-store");
      return c.json(read);
    },
  );

  operations.add(
    {
      method: "get",
      path: "/api/agreements/{id}/reports/{reportId}/attachments/{attachmentId}",
      operationId: "downloadReportAttachment",
      summary: "Download a report's attachment",
      description:
        "Answers a URL that works for a minute and serves the file with `Content-Disposition: attachment` " +
        "(its name in `filename*`, UTF-8) and the content type it was checked as; confirmed attachments only. " +
        "As with uploads, the file itself goes between the browser and storage, never through the API.",
      tag,
      access: "read",
      params: reportParamsSchema.extend({ attachmentId: z.uuid("Not an attachment id") }),
      responses: {
        200: {
          description: "Where to download the file, and what it is",
          schema: z.object({ url: z.string(), fileName: z.string(), contentType: z.string() }),
        },
        404: problem("No such agreement, report or confirmed attachment"),
      },
    },
    async (c, { params }) => {
      const download = await reports.attachmentDownload(c.var.principal!, { agreementId: params.id, reportId: params.reportId, attachmentId: params.attachmentId });
      c.header("Cache-Control", "no-store");
      c.header("X-Content-Type-Options", "nosniff");
      return c.json(download);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/agreements/{id}/reports/{reportId}/review",
      operationId: "reviewReport",
      summary: "Accept a submitted report, or request a supplement",
      description:
        "A supplement request needs a comment saying what to add; it emails the association contact the comment " +
        "and a fresh link, and the report opens for them again.",
      tag,
      access: "edit",
      params: reportParamsSchema,
      body: reviewSchema.strict(),
      responses: {
        200: { description: "The reviewed report", schema: reportSchema },
        404: problem("No such agreement or report"),
        409: problem("The report is not waiting for review, or was changed at the same moment"),
        502: problem("The review is saved, but the email to the association could not be sent"),
      },
    },
    async (c, { params, body }) => {
      const reviewed = await reports.review(c.var.principal!, { agreementId: params.id, reportId: params.reportId, review: body });
      return c.json(reviewed);
    },
  );
}
