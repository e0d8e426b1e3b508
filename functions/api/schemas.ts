/**
 * Schemas of the API's own inputs and outputs: path and query parameters, pages, and the bodies of the actions.
 * Agreement content, decisions and terminations are the domain's schemas themselves (functions/domain/agreement.ts).
 * Bodies are strict at the top level: an unknown field is refused rather than silently dropped.
 */
import * as z from "zod";
import {
  agreementSchema,
  calendarDateSchema,
  decisionSchema,
  draftContentSchema,
  organisationNumberSchema,
  STATUSES,
  terminationSchema,
} from "../domain/agreement";
import { CANCELLATIONS, REMINDER_KINDS } from "../domain/reminders";
import { MAX_PAGE_SIZE } from "../store/paging";
import { FEED_SECRET_PATTERN } from "../store/calendar-feeds";
import { auditEventSchema } from "../store/items";
import { MAX_SEARCH_TERMS, MIN_WORD_LENGTH, searchWords } from "../store/search";

export const agreementIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "Not an agreement id: letters, digits, - and _, at most 64")
  .meta({ description: "The agreement's id" });

export const agreementParamsSchema = z.object({ id: agreementIdSchema });

const pageQuery = {
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, `A whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().int().min(1, "At least 1").max(MAX_PAGE_SIZE, `At most ${MAX_PAGE_SIZE}`))
    .optional()
    .meta({ description: `Items per page, 1 to ${MAX_PAGE_SIZE}; 25 when left out` }),
  cursor: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .meta({ description: "The `cursor` of the previous page, to get the next one" }),
};

export const pageQuerySchema = z.object(pageQuery).strict();

export const agreementFiltersSchema = {
  status: z.enum(STATUSES).optional().meta({ description: "Only agreements in this status" }),
  q: z
    .string()
    .trim()
    .max(200, "At most 200 characters")
    .refine((text) => searchWords(text).length > 0, `At least one word of ${MIN_WORD_LENGTH} or more letters or digits`)
    .refine((text) => new Set(searchWords(text)).size <= MAX_SEARCH_TERMS, `At most ${MAX_SEARCH_TERMS} words`)
    .optional()
    .meta({
      description:
        "Free text: every word must begin a word of the title, an association's name or the diary number " +
        '(letter case and diacritics ignored: "backby" finds "Bäckby")',
    }),
  endsBefore: calendarDateSchema
    .optional()
    .meta({ description: "Only agreements whose period ends before this date (the date itself excluded)" }),
  responsible: z
    .string()
    .trim()
    .min(1, "Required")
    .max(254)
    .optional()
    .meta({ description: "The responsible officer's email address, any letter case" }),
  association: organisationNumberSchema.optional().meta({ description: "An association's organisationsnummer, NNNNNN-NNNN" }),
};

export const listQuerySchema = z.object({ ...agreementFiltersSchema, ...pageQuery }).strict();
export const exportQuerySchema = z.object(agreementFiltersSchema).strict();

export type AgreementFilterQuery = z.output<typeof exportQuerySchema>;

export const agreementPageSchema = z.object({
  items: z.array(agreementSchema),
  cursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page" }),
});

export const eventPageSchema = z.object({
  items: z.array(auditEventSchema),
  cursor: z.string().nullable(),
});

/** A draft's fields; every field given must be valid, completeness is checked on submit. */
export const draftBodySchema = draftContentSchema.strict();

export const updateBodySchema = draftContentSchema
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, "Give at least one field to change");

export const decisionBodySchema = decisionSchema.strict();
export const terminationBodySchema = terminationSchema.strict();
export const withdrawalBodySchema = z
  .object({ reason: z.string().trim().max(2000, "At most 2000 characters").optional() })
  .strict()
  .optional();

export const plannedReminderSchema = z.object({
  kind: z.enum(REMINDER_KINDS),
  sendOn: calendarDateSchema.meta({ description: "The day the reminder is sent" }),
  concerns: calendarDateSchema.meta({ description: "The date it is about: the end date, the notice date or a report's due date" }),
  requirementId: z.string().optional().meta({ description: "For report reminders: the reporting requirement" }),
});

export const sentReminderSchema = plannedReminderSchema.extend({
  recipients: z.array(z.string()),
  sentAt: z.iso.datetime().meta({ description: "When the email service accepted it" }),
});

export const cancelledReminderSchema = plannedReminderSchema.extend({
  cancelledBy: z.enum(CANCELLATIONS).meta({ description: "What took the reminder away" }),
});

export const remindersSchema = z.object({
  planned: z.array(plannedReminderSchema).meta({ description: "Every reminder the agreement's settings call for now" }),
  sent: z.array(sentReminderSchema).meta({ description: "The reminders that went out" }),
  cancelled: z
    .array(cancelledReminderSchema)
    .meta({ description: "Reminders a recorded termination or an approved renewal took away before they went out" }),
});

export const calendarFeedSchema = z.object({
  url: z.string().meta({ description: "The feed's secret address: anyone who has it can read the feed" }),
});

export const feedParamsSchema = z.object({
  file: z
    .string()
    .refine((file) => file.endsWith(".ics") && FEED_SECRET_PATTERN.test(file.slice(0, -".ics".length)), "Not a calendar feed address")
    .meta({ description: "The feed's secret followed by .ics" }),
});

export const healthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  components: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});
