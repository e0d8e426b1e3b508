/**
 * Works out the reminder dates of an agreement from its end date and notice period, with the domain's own rule
 * (functions/domain/reminders.ts), so the help can never promise what the product does not do. A small form on a
 * page of its own, as the GOV.UK pattern has it: errors and the answer both at the top.
 */
import * as z from "zod";
import { DEFAULT_REMINDERS, calendarDateSchema, type CompleteAgreement } from "../../functions/domain/agreement";
import { daysBetween } from "../../functions/domain/dates";
import { fieldErrorsFromZod, type FieldError } from "../../functions/domain/errors";
import { plannedReminders, type PlannedReminder } from "../../functions/domain/reminders";
import { Button } from "../components/button";
import { ErrorSummary } from "../components/error-summary";
import { DateInput, TextInput } from "../components/fields";
import { Form } from "../components/form";
import { Page } from "../components/layout";
import { Table } from "../components/table";
import type { PageContext } from "../context";
import { formErrors } from "../form-errors";

export const REMINDER_DATES_PATH = "/help/reminder-dates";

/** What the calculator accepts, as typed in the form. */
export const reminderQuestionSchema = z.object({
  endDate: z.string().trim().min(1).pipe(calendarDateSchema),
  noticeMonths: z
    .string()
    .trim()
    .transform((value) => (value === "" ? undefined : Number(value)))
    .pipe(z.number().int().min(1).max(120).optional()),
});
export type ReminderQuestion = z.output<typeof reminderQuestionSchema>;

export interface ReminderForm {
  values: { endDate?: string; noticeMonths?: string };
  errors: readonly FieldError[];
  answer?: ReminderQuestion;
}

/** Reads the posted form: the answer when it is valid, the errors and what was typed otherwise. */
export function readReminderForm(fields: Record<string, unknown>): ReminderForm {
  const values = {
    endDate: typeof fields.endDate === "string" ? fields.endDate : "",
    noticeMonths: typeof fields.noticeMonths === "string" ? fields.noticeMonths : "",
  };
  const parsed = reminderQuestionSchema.safeParse(values);
  return parsed.success ? { values, errors: [], answer: parsed.data } : { values, errors: fieldErrorsFromZod(parsed.error) };
}

/** The expiry and notice reminders of an active agreement with the default settings, by the domain's rule. */
export function defaultReminders({ endDate, noticeMonths }: ReminderQuestion): PlannedReminder[] {
  // plannedReminders reads only these members of an agreement; the rest of one is not needed to plan its dates.
  const agreement: Pick<CompleteAgreement, "status" | "renewedBy" | "termination" | "period" | "noticePeriodMonths" | "reminders" | "reportingRequirements"> = {
    status: "active",
    renewedBy: null,
    termination: null,
    period: { start: endDate, end: endDate },
    noticePeriodMonths: noticeMonths ?? null,
    reminders: DEFAULT_REMINDERS,
    reportingRequirements: [],
  };
  return plannedReminders(agreement as CompleteAgreement);
}

export function ReminderDatesPage({ context, form }: { context: PageContext; form: ReminderForm }) {
  const { t } = context.messages;
  const errors = formErrors(form.errors, context.messages, { endDate: t("help.endDate"), noticeMonths: t("help.noticeMonths") });
  return (
    <Page context={context} title={t("help.calculatorHeading")} hasErrors={errors.summary.length > 0}>
      <ErrorSummary errors={errors.summary} />
      <h1>{t("help.calculatorHeading")}</h1>
      {form.answer === undefined ? <p>{t("help.calculatorIntro")}</p> : <ReminderDates context={context} answer={form.answer} />}
      <Form action={REMINDER_DATES_PATH} csrfToken={context.csrfToken}>
        <DateInput name="endDate" label={t("help.endDate")} value={form.values.endDate} error={errors.of("endDate")} />
        <TextInput
          name="noticeMonths"
          label={`${t("help.noticeMonths")} ${t("field.optional")}`}
          hint={t("help.noticeMonthsHint")}
          value={form.values.noticeMonths}
          error={errors.of("noticeMonths")}
          inputMode="numeric"
          width="short"
        />
        <Button>{t("help.calculate")}</Button>
      </Form>
      <p>
        <a href="/help">{t("help.backToHelp")}</a>
      </p>
    </Page>
  );
}

function ReminderDates({ context, answer }: { context: PageContext; answer: ReminderQuestion }) {
  const { t, date } = context.messages;
  const rows = defaultReminders(answer).map((reminder) => [
    reminder.kind === "notice"
      ? t("help.result.notice", { date: date(reminder.concerns) })
      : t("help.result.expiry", { days: daysBetween(reminder.sendOn, reminder.concerns) }),
    date(reminder.sendOn),
  ]);
  return <Table caption={t("help.resultHeading", { date: date(answer.endDate) })} head={[t("help.resultWhat"), t("help.resultWhen")]} rows={rows} />;
}
