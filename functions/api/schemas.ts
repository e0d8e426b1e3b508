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
import type { AgreementFilters } from "../app/agreements";
import { REMINDER_STATES } from "../app/reminders";
import { REMINDER_KINDS, SKIP_REASONS } from "../domain/reminders";
import { MAX_PAGE_SIZE } from "../store/paging";
import { FEED_SECRET_PATTERN } from "../store/calendar-feeds";
import { auditEventSchema } from "../store/items";
import { AGREEMENT_SORTS, canSortByEndDate, MAX_SEARCH_TERMS, MIN_WORD_LENGTH, searchWords } from "../store/search";

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
    .refine((text) => searchWords(text).length > 0, {
      message: `At least one word of ${MIN_WORD_LENGTH} or more letters or digits`,
      params: { code: "searchWords", min: MIN_WORD_LENGTH },
    })
    .refine((text) => new Set(searchWords(text)).size <= MAX_SEARCH_TERMS, {
      message: `At most ${MAX_SEARCH_TERMS} words`,
      params: { code: "tooManySearchWords", max: MAX_SEARCH_TERMS },
    })
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
  sort: z
    .enum(AGREEMENT_SORTS)
    .optional()
    .meta({
      description:
        "`endDate`: soonest end first, agreements without a period last. Left out, a list without filters is newest first, " +
        "and one filtered by status, responsible officer or end date is by end date anyway. Not with `q` or `association`.",
    }),
};

/** A search or an association is read in its own order; asking for end-date order with one is refused, not ignored. */
function sortableFilters<Filters extends { q?: string | undefined; association?: string | undefined; sort?: string | undefined }>(
  filters: Filters,
  context: z.RefinementCtx,
): void {
  if (filters.sort !== undefined && !canSortByEndDate({ text: filters.q, association: filters.association })) {
    context.addIssue({ code: "custom", path: ["sort"], message: "Cannot sort a search or an association's agreements by end date", params: { code: "sortWithSearch" } });
  }
}

export const listQuerySchema = z.object({ ...agreementFiltersSchema, ...pageQuery }).strict().superRefine(sortableFilters);
export const exportQuerySchema = z.object(agreementFiltersSchema).strict().superRefine(sortableFilters);

export type AgreementFilterQuery = z.output<typeof exportQuerySchema>;

/** The filters of the list and the CSV export, as the store takes them. */
export function filtersOf(query: AgreementFilterQuery): AgreementFilters {
  return {
    status: query.status,
    text: query.q,
    endsBefore: query.endsBefore,
    responsible: query.responsible,
    association: query.association,
    sort: query.sort,
  };
}

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

export const reminderSchema = z.object({
  id: z.string().meta({ description: "The reminder's id: kind, the date it is about, send date and requirement, e.g. expiry.2026-12-31.2026-12-01" }),
  kind: z.enum(REMINDER_KINDS),
  sendOn: calendarDateSchema.meta({ description: "The day the reminder is sent" }),
  concerns: calendarDateSchema.meta({ description: "The date it is about: the end date, the notice date or a report's due date" }),
  requirementId: z.string().optional().meta({ description: "For report reminders: the reporting requirement" }),
  state: z.enum(REMINDER_STATES).meta({
    description:
      "`planned`: to be sent on its day; `sending`: being sent (stays so if the sender died after the email service took it: check with the recipients); " +
      "`pending`: the last attempt failed, the workflow tries again; `sent`: the email service took it; " +
      "`uncertain`: sending failed so that nobody knows whether it went, it is never sent again by itself (see `canResend`); `skipped`: not sent, see `skipReason`",
  }),
  skipReason: z.enum(SKIP_REASONS).optional().meta({
    description:
      "`woke-late`: its day passed while the workflow was not running and a newer reminder was due (or its date had passed); " +
      "`report-received`: the report came in; `schedule-changed`: the reminder settings or reporting requirements changed on or after its day; " +
      "`termination`: cancelled by a recorded termination (expiry and notice reminders, and those of reports due after it takes effect); " +
      "`renewal`: superseded by the approved renewal",
  }),
  recipients: z.array(z.string()).optional(),
  attempts: z.number().int().optional().meta({ description: "How many times it was taken up for sending" }),
  lastError: z.string().optional().meta({ description: "Why the last attempt failed" }),
  updatedAt: z.iso.datetime().optional().meta({ description: "When the state last changed; for `sent`, when the email service took it" }),
  resentBy: z.string().optional().meta({ description: "Who last asked for it to be sent again" }),
  canResend: z.boolean().meta({ description: "True for an uncertain reminder: staff may send it again" }),
});

export const remindersSchema = z.object({
  items: z.array(reminderSchema).meta({ description: "Every reminder of the agreement, in send order" }),
});

export const reminderParamsSchema = agreementParamsSchema.extend({
  reminderId: z.string().regex(/^[a-z-]+\.\d{4}-\d{2}-\d{2}\.\d{4}-\d{2}-\d{2}(\.[a-z0-9-]{1,40})?$/, "Not a reminder id"),
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
