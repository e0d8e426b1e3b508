/**
 * `/api/agreements/{id}/invitations`: staff send an association contact the personal link to one report (one
 * requirement's due date), list the invitations sent, and revoke one. Sending a link is shared with the review
 * (a supplement request sends a fresh link) and with a contact's own request for a fresh link.
 */
import * as z from "zod";
import { calendarDateSchema, emailSchema, type Agreement } from "../../domain/agreement";
import { addDays, stockholmDate } from "../../domain/dates";
import { isOpenForAssociation, reportIdOf, requirementFor } from "../../domain/reports";
import { LANGUAGES, type Language } from "../../email/reminder-message";
import { reportLink, reportMessage, type ReportMessageKind } from "../../email/report-messages";
import { readAgreement } from "../../store/commands";
import type { Invitation, ReportScope } from "../../store/report-links";
import type { AppDependencies } from "../app";
import type { Operations, ResponseSpec } from "../operations";
import { ApiProblem, problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";
import { agreementParamsSchema } from "../schemas";

export type InvitationRouteDependencies = Pick<AppDependencies, "store" | "clock" | "appOrigin" | "reporting" | "log">;

export const DEFAULT_LINK_DAYS = 30;
const MAX_LINK_DAYS = 90;
/** Agreements whose reports can be asked for: decided and not pulled back; reports stay due after the end. */
const REPORTING_STATUSES: readonly Agreement["status"][] = ["approved", "active", "expired", "renewed", "terminated"];

export const invitationSchema = z.object({
  invitationId: z.string(),
  agreementId: z.string(),
  reportId: z.string(),
  requirementId: z.string(),
  dueDate: calendarDateSchema,
  email: z.string(),
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  revokedAt: z.iso.datetime().nullable(),
});

const invitationBodySchema = z
  .object({
    requirementId: z.string().regex(/^[a-z0-9-]{1,40}$/, "A reporting requirement's id"),
    dueDate: calendarDateSchema,
    email: emailSchema,
    language: z.enum(LANGUAGES).optional().meta({ description: "The email's language; the app's default when left out" }),
    expiresInDays: z
      .number()
      .int("Whole days")
      .min(1, "At least 1")
      .max(MAX_LINK_DAYS, `At most ${MAX_LINK_DAYS}`)
      .optional()
      .meta({ description: `How long the link works; ${DEFAULT_LINK_DAYS} days when left out` }),
  })
  .strict();

const invitationParamsSchema = agreementParamsSchema.extend({
  invitationId: z.string().regex(/^[0-9TZ]{16,24}-[0-9a-f]{8}$/, "Not an invitation id"),
});

const problem = (description: string): ResponseSpec => ({ description, schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE });

export interface SendLinkRequest {
  agreement: Agreement;
  scope: ReportScope;
  kind: ReportMessageKind;
  createdBy: string;
  language?: Language;
  days?: number;
  comment?: string;
}

/**
 * Makes a new link for the scope and emails it to the scope's contact.
 * @throws ApiProblem 502 when the email service did not take the email (the link, never delivered, is useless)
 */
export async function sendReportLink(dependencies: InvitationRouteDependencies, request: SendLinkRequest): Promise<Invitation> {
  const { reporting, clock, appOrigin } = dependencies;
  const { agreement, scope } = request;
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + (request.days ?? DEFAULT_LINK_DAYS) * 24 * 3600 * 1000);
  const { token, invitation } = await reporting.links.create(scope, { now, expiresAt, createdBy: request.createdBy });
  const requirement = requirementFor(agreement, scope.requirementId, scope.dueDate);
  const email = reportMessage(
    {
      kind: request.kind,
      agreementTitle: agreement.title ?? agreement.id,
      municipality: agreement.municipality?.organisation ?? "",
      requirement: requirement ?? { kind: "other", description: "" },
      dueDate: scope.dueDate,
      link: reportLink(appOrigin, token),
      // The last whole day the link works, in Stockholm.
      linkExpires: addDays(stockholmDate(expiresAt), -1),
      ...(request.comment === undefined ? {} : { comment: request.comment }),
      language: request.language ?? reporting.language,
    },
    scope.email,
  );
  try {
    await reporting.mailer.send(email);
  } catch (error) {
    dependencies.log({ level: "error", message: "A report link email was not sent", agreementId: agreement.id, error: String(error) });
    throw new ApiProblem(502, "Email not sent", "The email service did not take the email; try again in a while");
  }
  return invitation;
}

export function invitationRoutes(operations: Operations, dependencies: InvitationRouteDependencies): void {
  const { store, reporting, clock } = dependencies;
  operations.name(invitationSchema, "Invitation");
  const tag = "Reports";


  operations.add(
    {
      method: "get",
      path: "/api/agreements/{id}/invitations",
      operationId: "listInvitations",
      summary: "The report links sent for an agreement",
      description: "Oldest first; the links themselves are not stored and cannot be shown again.",
      tag,
      access: "read",
      params: agreementParamsSchema,
      responses: { 200: { description: "The invitations", schema: z.object({ items: z.array(invitationSchema) }) }, 404: problem("No agreement with this id") },
    },
    async (c, { params }) => {
      await readAgreement(store, params.id);
      c.header("Cache-Control", "no-store");
      return c.json({ items: await reporting.links.list(params.id) });
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/agreements/{id}/invitations",
      operationId: "inviteReport",
      summary: "Send an association contact the link to a report",
      description:
        `Emails a personal link that opens the report for one due date of one reporting requirement, for ` +
        `${DEFAULT_LINK_DAYS} days unless \`expiresInDays\` says otherwise. The link is in the email only.`,
      tag,
      access: "edit",
      params: agreementParamsSchema,
      body: invitationBodySchema,
      responses: {
        201: { description: "The invitation (without its link)", schema: invitationSchema },
        404: problem("No agreement with this id"),
        409: problem("The agreement is not decided, or the report is already submitted or accepted"),
        502: problem("The email could not be sent; nothing works with the link, so send a new one"),
      },
    },
    async (c, { params, body }) => {
      const agreement = await readAgreement(store, params.id);
      if (!REPORTING_STATUSES.includes(agreement.status)) {
        throw new ApiProblem(409, "Not reporting yet", `Reports are asked for once the agreement is approved; it is ${agreement.status}`);
      }
      if (requirementFor(agreement, body.requirementId, body.dueDate) === null) {
        throw new ApiProblem(400, "No such report", "The agreement has no reporting requirement with this id and due date", {
          errors: [{ path: "dueDate", message: `Not a due date of requirement "${body.requirementId}"` }],
        });
      }
      const reportId = reportIdOf(body.requirementId, body.dueDate);
      const report = await reporting.reports.get(agreement.id, reportId);
      if (!isOpenForAssociation(report)) {
        throw new ApiProblem(409, "Report already in", `The report is ${report!.status}; the association has nothing to do with it now`);
      }
      const invitation = await sendReportLink(dependencies, {
          agreement,
          scope: { agreementId: agreement.id, reportId, requirementId: body.requirementId, dueDate: body.dueDate, email: body.email },
          kind: "invitation",
          createdBy: c.var.principal!.email,
          ...(body.language === undefined ? {} : { language: body.language }),
          ...(body.expiresInDays === undefined ? {} : { days: body.expiresInDays }),
      });
      c.header("Cache-Control", "no-store");
      return c.json(invitation, 201);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/agreements/{id}/invitations/{invitationId}/revoke",
      operationId: "revokeInvitation",
      summary: "Revoke a report link",
      description: "The link stops working at once, and its contact can no longer ask for a fresh one for this report.",
      tag,
      access: "edit",
      params: invitationParamsSchema,
      responses: { 200: { description: "The invitation, revoked", schema: invitationSchema }, 404: problem("No such agreement or invitation") },
    },
    async (c, { params }) => {
      const invitation = await reporting.links.revoke(params.id, params.invitationId, clock.now());
      if (invitation === null) throw new ApiProblem(404, "Not found", `Agreement ${params.id} has no invitation ${params.invitationId}`);
      return c.json(invitation);
    },
  );
}

