import * as z from "zod";
import { isCalendarDate, type CalendarDate } from "./dates";
import { normaliseOrganisationNumber } from "./organisation-number";

export const STATUSES = [
  "draft",
  "proposed",
  "approved",
  "active",
  "expired",
  "renewed",
  "terminated",
  "rejected",
  "withdrawn",
] as const;
export type Status = (typeof STATUSES)[number];

export const TERMINAL_STATUSES: readonly Status[] = ["expired", "renewed", "terminated", "rejected", "withdrawn"];

export function isTerminal(status: Status): boolean {
  return TERMINAL_STATUSES.includes(status);
}

const text = (max: number) =>
  z.string().trim().min(1, "Required").max(max, `At most ${max} characters`);

export const calendarDateSchema = z
  .string()
  .refine(isCalendarDate, { message: "Must be a real calendar date written YYYY-MM-DD", params: { code: "invalidDate" } });

export const kronorSchema = z
  .number()
  .int("Whole kronor only")
  .nonnegative("Cannot be negative")
  .max(1_000_000_000_000, "Too large");

export const organisationNumberSchema = z.string().transform((value, context) => {
  const normalised = normaliseOrganisationNumber(value);
  if (normalised === null) {
    context.addIssue({
      code: "custom",
      message: "Not a valid organisationsnummer (NNNNNN-NNNN with a correct check digit)",
      params: { code: "organisationNumber" },
    });
    return z.NEVER;
  }
  return normalised;
});

export const emailSchema = z.email("Not a valid email address").max(254);

export const contactSchema = z.object({
  name: text(200),
  role: text(200).optional(),
  organisation: text(200).optional(),
  email: emailSchema.optional(),
  phone: text(40).optional(),
});
export type Contact = z.infer<typeof contactSchema>;

export const municipalitySchema = z.object({
  organisation: text(200),
  decidingBody: text(200),
});

export const associationSchema = z.object({
  name: text(200),
  organisationNumber: organisationNumberSchema,
  contact: contactSchema.optional(),
});
export type Association = z.infer<typeof associationSchema>;

export const partnerSchema = z.object({
  name: text(200),
  role: text(200).optional(),
  organisationNumber: organisationNumberSchema.optional(),
});

/** Activity status of a sub-effort; municipalities often show these as green / yellow / red. */
export const ACTIVITY_STATUSES = ["planned", "started", "done"] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

export const subEffortSchema = z.object({
  name: text(200),
  description: z.string().trim().max(5000).default(""),
  activityStatus: z.enum(ACTIVITY_STATUSES).default("planned"),
});

export const periodSchema = z
  .object({ start: calendarDateSchema, end: calendarDateSchema })
  .refine((period) => period.end >= period.start, {
    message: "The end date must be on or after the start date",
    path: ["end"],
    params: { code: "endBeforeStart" },
  });
export type Period = z.infer<typeof periodSchema>;

export const budgetYearSchema = z.object({
  year: z.number().int().min(1990).max(2200),
  amountSek: kronorSchema,
});

export const coFinancingSchema = z.object({
  description: text(2000),
  amountSek: kronorSchema.optional(),
});

export const officerSchema = z.object({
  name: text(200),
  email: emailSchema,
  phone: text(40).optional(),
});

export const REPORT_KINDS = ["activity", "financial", "final", "other"] as const;

export const reportingRequirementSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, "Lower-case letters, digits and hyphens"),
  kind: z.enum(REPORT_KINDS),
  description: z.string().trim().max(2000).default(""),
  dueDates: z.array(calendarDateSchema).min(1, "At least one due date").max(60),
});
export type ReportingRequirement = z.infer<typeof reportingRequirementSchema>;

export const DEFAULT_REMINDERS = {
  expiryDaysBefore: [180, 90, 30],
  noticeDaysBefore: 30,
  reportDaysBefore: 14,
  notifyAssociationContact: false,
};

export const reminderSettingsSchema = z.object({
  expiryDaysBefore: z.array(z.number().int().min(1).max(730)).max(10),
  noticeDaysBefore: z.number().int().min(1).max(365),
  reportDaysBefore: z.number().int().min(1).max(365),
  notifyAssociationContact: z.boolean(),
});

/** What staff write; all of it is required before a draft may be submitted. */
export const agreementContentSchema = z.object({
  title: text(200),
  purpose: text(5000),
  municipality: municipalitySchema,
  associations: z.array(associationSchema).min(1, "At least one association").max(20),
  otherPartners: z.array(partnerSchema).max(20),
  subEfforts: z.array(subEffortSchema).max(50),
  period: periodSchema,
  noticePeriodMonths: z.number().int().min(0).max(60).nullable(),
  budget: z.array(budgetYearSchema).min(1, "A budget for each year of the period").max(30),
  coFinancing: coFinancingSchema.nullable(),
  responsibleOfficer: officerSchema,
  contacts: z.array(contactSchema).max(50),
  reportingRequirements: z.array(reportingRequirementSchema).max(20),
  reminders: reminderSettingsSchema,
  procurementAssessment: text(5000),
});
export type AgreementContent = z.infer<typeof agreementContentSchema>;

/** A draft may be saved with any subset of the content; each field that is present must be valid. */
export const draftContentSchema = agreementContentSchema.partial();
export type DraftContent = z.infer<typeof draftContentSchema>;

/** Fields that stay editable once the terms are decided: the people and the follow-up, not the terms. */
export const OPERATIONAL_FIELDS = [
  "subEfforts",
  "responsibleOfficer",
  "contacts",
  "reminders",
  "reportingRequirements",
] as const satisfies readonly (keyof AgreementContent)[];

export const DECISION_OUTCOMES = ["approved", "rejected"] as const;

export const decisionSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES),
  date: calendarDateSchema,
  body: text(200),
  /** Diarienummer; formats differ between municipalities ("KS 2025/39", "KSN-2016-1422"). */
  diaryNumber: z
    .string()
    .trim()
    .min(1, "Required")
    .max(60)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} .:/-]*$/u, "Letters, digits, spaces and . : / - only"),
  minuteReference: text(200),
});
export type Decision = z.infer<typeof decisionSchema>;

/**
 * Why an agreement ends early (uppsägning): a notice by either party, which must respect the notice period, or an
 * end without one, by mutual agreement or for a breach of the agreement (hävning).
 */
export const TERMINATION_GROUNDS = ["municipality-notice", "association-notice", "mutual-agreement", "breach"] as const;
export type TerminationGround = (typeof TERMINATION_GROUNDS)[number];

/** The grounds bound by the agreement's notice period. */
export const NOTICE_GROUNDS: readonly TerminationGround[] = ["municipality-notice", "association-notice"];

export const terminationSchema = z.object({
  ground: z.enum(TERMINATION_GROUNDS).meta({
    description:
      "municipality-notice or association-notice: notice by that party, at least `noticePeriodMonths` before the " +
      "effective date; mutual-agreement or breach: may end it earlier",
  }),
  givenOn: calendarDateSchema.meta({ description: "The day notice was given, or the decision to end it was made; not in the future" }),
  effectiveDate: calendarDateSchema.meta({
    description:
      "The last day the agreement is in force (it ends at midnight after it, Europe/Stockholm); from the start " +
      "date to the end date. A past date records an earlier decision",
  }),
  reason: z.string().trim().max(2000, "At most 2000 characters").optional(),
});
export type Termination = z.infer<typeof terminationSchema>;

export const actorSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("user"), id: text(200), email: emailSchema.optional() }),
  z.object({ kind: z.literal("system"), id: text(200) }),
]);
export type Actor = z.infer<typeof actorSchema>;

export const agreementSchema = draftContentSchema.extend({
  id: text(64),
  version: z.number().int().min(1),
  status: z.enum(STATUSES),
  decision: decisionSchema.nullable(),
  termination: terminationSchema.nullable(),
  renewalOf: text(64).nullable(),
  renewedBy: text(64).nullable(),
  /**
   * The day the reminder settings or reporting requirements last changed after the decision: reminders on that
   * day or earlier count as handled (functions/domain/reminders.ts). Absent until such a change.
   */
  remindersReplannedOn: calendarDateSchema.optional().meta({
    description: "The day the reminder settings or reporting requirements last changed after the decision; reminders on or before it are not sent",
  }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Agreement = z.infer<typeof agreementSchema>;

/** An agreement that has left draft carries every content field. */
export type CompleteAgreement = Agreement & AgreementContent;

/** The addresses an agreement's email goes to, lower case, each once: its officer, its contacts, its associations' contacts. */
export function agreementAddresses(agreement: Agreement): string[] {
  const addresses = [
    agreement.responsibleOfficer?.email,
    ...(agreement.contacts ?? []).map((contact) => contact.email),
    ...(agreement.associations ?? []).map((association) => association.contact?.email),
  ];
  return [...new Set(addresses.flatMap((address) => (address === undefined ? [] : [address.toLowerCase()])))];
}

export function isComplete(agreement: Agreement): agreement is CompleteAgreement {
  return agreementContentSchema.safeParse(agreement).success;
}

/** The last day the agreement is in force: the termination's effective date when one is recorded, else the end date. */
export function lastDayInForce(agreement: Pick<Agreement, "termination"> & { period: Period }): CalendarDate {
  return agreement.termination?.effectiveDate ?? agreement.period.end;
}

/** Reports due until a termination takes effect stay due; those due after it are not. */
export function isReportStillDue(agreement: Pick<Agreement, "termination">, due: CalendarDate): boolean {
  return agreement.termination == null || due <= agreement.termination.effectiveDate;
}
