/**
 * `/api/agreements/{id}/reports`: staff list an agreement's reports, read one with its submitted versions, and
 * review the latest submission: accept it, or request a supplement, which emails the association a fresh link.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Context } from "hono";
import * as z from "zod";
import {
  isReportId,
  reviewReport,
  reviewSchema,
  type Report,
  type ReportError,
  type ReportResult,
} from "../../domain/reports";
import type { Language } from "../../email/reminder-message";
import type { Mailer } from "../../email/sender";
import { readAgreement } from "../../store/commands";
import type { RateLimitStore } from "../../store/rate-limits";
import type { ReportLinkStore } from "../../store/report-links";
import { ReportConflictError, reportVersionSchema, storedReportSchema, type ReportStore } from "../../store/reports";
import type { AppDependencies } from "../app";
import type { AppEnv } from "../env";
import type { Operations, ResponseSpec } from "../operations";
import { ApiProblem, problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";
import { agreementParamsSchema, pageQuerySchema } from "../schemas";
import { sendReportLink } from "./invitations";

/** What the report routes need besides the agreement store. */
export interface ReportingDependencies {
  reports: ReportStore;
  links: ReportLinkStore;
  rateLimits: RateLimitStore;
  /** Where attachments go: presigned PUTs point into this bucket, at an address the browser can reach. */
  attachments: { client: S3Client; bucket: string };
  /** Emails to association contacts. */
  mailer: Mailer;
  /** The language of those emails unless a request says otherwise. */
  language: Language;
  /** The caller's network address, for rate limits: from the platform, never from a header the client sets. */
  clientAddress(c: Context<AppEnv>): string;
}

export type ReportRouteDependencies = Pick<AppDependencies, "store" | "clock" | "appOrigin" | "reporting" | "log">;

export const reportSchema = storedReportSchema.meta({ description: "A report: its status, working copy and attachments" });
export const reportVersionResponseSchema = reportVersionSchema;

const reportParamsSchema = agreementParamsSchema.extend({
  reportId: z.string().refine(isReportId, "Not a report id: <due date>_<requirement id>"),
});

const problem = (description: string): ResponseSpec => ({ description, schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE });

/** The refusal of a report rule as a problem: the report's state is 409, the input 400. */
export function reportRefusal(error: ReportError): ApiProblem {
  const status = error.code === "not_allowed" || error.code === "too_many_attachments" ? 409 : 400;
  const title = { not_allowed: "Not allowed in this status", incomplete: "Report not complete", invalid: "Invalid input", too_many_attachments: "Too many attachments", unknown_attachment: "No such attachment" }[error.code];
  return new ApiProblem(error.code === "unknown_attachment" ? 404 : status, title, error.message, { errors: error.fieldErrors });
}

export function valueOf<T>(result: ReportResult<T>): T {
  if (!result.ok) throw reportRefusal(result.error);
  return result.value;
}

/** Runs a report write; another write in between is a 409 the caller can retry. */
export async function saving<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ReportConflictError) throw new ApiProblem(409, "Edit conflict", `${error.message}; reload it and try again`);
    throw error;
  }
}

export function reportRoutes(operations: Operations, dependencies: ReportRouteDependencies): void {
  const { store, reporting, clock } = dependencies;
  const tag = "Reports";
  operations.name(reportSchema, "Report");
  operations.name(reportVersionResponseSchema, "ReportVersion");

  const readReport = async (agreementId: string, reportId: string): Promise<Report> => {
    const report = await reporting.reports.get(agreementId, reportId);
    if (report === null) throw new ApiProblem(404, "Not found", `Agreement ${agreementId} has no report ${reportId} yet`);
    return report;
  };

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
      await readAgreement(store, params.id);
      c.header("Cache-Control", "no-store");
      return c.json(await store.reports(params.id, { limit: query.limit, cursor: query.cursor }));
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
      const report = await readReport(params.id, params.reportId);
      c.header("Cache-Control", "no-store");
      return c.json({ report, versions: await reporting.reports.versions(params.id, params.reportId) });
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
      const agreement = await readAgreement(store, params.id);
      const report = await readReport(params.id, params.reportId);
      const reviewed = valueOf(reviewReport(report, body, c.var.principal!.email, clock.now()));
      await saving(() => reporting.reports.save(reviewed));
      if (reviewed.status === "supplement-requested") {
        await sendReportLink(dependencies, {
          agreement,
          scope: {
            agreementId: reviewed.agreementId,
            reportId: reviewed.reportId,
            requirementId: reviewed.requirementId,
            dueDate: reviewed.dueDate,
            email: reviewed.contactEmail,
          },
          kind: "supplement-request",
          createdBy: c.var.principal!.email,
          comment: body.comment,
        });
      }
      return c.json(reviewed);
    },
  );
}
