/**
 * `/api/agreements/{id}/reminders`: every reminder of an agreement with its state, and sending an uncertain one
 * again. Each parses, calls the use case (functions/app/reminders.ts) and answers.
 */
import type { ReminderUseCases } from "../../app/reminders";
import type { Operations, ResponseSpec } from "../operations";
import { problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";
import { agreementParamsSchema, reminderParamsSchema, reminderSchema, remindersSchema } from "../schemas";

const problem = (description: string): ResponseSpec => ({ description, schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE });

export function reminderRoutes(operations: Operations, reminders: ReminderUseCases): void {
  operations.name(remindersSchema, "Reminders");
  operations.name(reminderSchema, "Reminder");

  operations.add(
    {
      method: "get",
      path: "/api/agreements/{id}/reminders",
      operationId: "listAgreementReminders",
      summary: "The agreement's reminders",
      description:
        "Every reminder of the agreement in send order, with its state: planned, sending, pending, sent, uncertain, " +
        "or skipped with the reason (a draft has none yet).",
      tag: "Agreements",
      access: "read",
      params: agreementParamsSchema,
      responses: { 200: { description: "The reminders", schema: remindersSchema }, 404: problem("No agreement with this id") },
    },
    async (c, { params }) => {
      const items = await reminders.list(c.var.principal!, params.id);
      c.header("Cache-Control", "no-store");
      return c.json({ items });
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/agreements/{id}/reminders/{reminderId}/resend",
      operationId: "resendReminder",
      summary: "Send an uncertain reminder again",
      description:
        "For a reminder whose state is `uncertain` (the email service may or may not have taken it): sends it again, " +
        "to the agreement's recipients of today, and records who asked. Check with the recipients first: it may reach them twice.",
      tag: "Agreements",
      access: "edit",
      params: reminderParamsSchema,
      responses: {
        200: { description: "The reminder, now sent", schema: reminderSchema },
        404: problem("No such agreement, or no such reminder recorded for it"),
        409: problem("The reminder is not uncertain (sent, skipped, or being sent)"),
        502: problem("The email service did not take the email, or did not answer; the reminder stays uncertain"),
      },
    },
    async (c, { params }) => c.json(await reminders.resend(c.var.principal!, { agreementId: params.id, reminderId: params.reminderId })),
  );
}
