/**
 * `/api/agreements/{id}/invitations`: staff send an association contact the personal link to one report (one
 * requirement's due date), list the invitations sent, and revoke one (functions/app/invitations.ts).
 */
import * as z from "zod";
import { DEFAULT_LINK_DAYS, MAX_LINK_DAYS, type InvitationUseCases } from "../../app/invitations";
import { calendarDateSchema, emailSchema } from "../../domain/agreement";
import { LANGUAGES } from "../../email/reminder-message";
import type { Operations, ResponseSpec } from "../operations";
import { problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";
import { agreementParamsSchema } from "../schemas";

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
      .meta({ description: `How many days the link works after today, to the end of the last one (Stockholm time); ${DEFAULT_LINK_DAYS} when left out` }),
  })
  .strict();

const invitationParamsSchema = agreementParamsSchema.extend({
  invitationId: z.string().regex(/^[0-9TZ]{16,24}-[0-9a-f]{8}$/, "Not an invitation id"),
});

const problem = (description: string): ResponseSpec => ({ description, schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE });

export function invitationRoutes(operations: Operations, invitations: InvitationUseCases): void {
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
      const items = await invitations.list(c.var.principal!, params.id);
      c.header("Cache-Control", "no-store");
      return c.json({ items });
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
      const invitation = await invitations.invite(c.var.principal!, { agreementId: params.id, ...body });
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
      return c.json(await invitations.revoke(c.var.principal!, { agreementId: params.id, invitationId: params.invitationId }));
    },
  );
}

