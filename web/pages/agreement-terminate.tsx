/**
 * Records a termination (uppsägning): on which ground, when notice was given, the last day in force, and why. The
 * lifecycle checks the notice period and names the earliest possible date when it is not kept.
 */
import * as z from "zod";
import { TERMINATION_GROUNDS, terminationSchema, type Agreement } from "../../functions/domain/agreement";
import { Button } from "../components/button";
import { DateInput, Radios, Textarea } from "../components/fields";
import type { PageContext } from "../context";
import { AgreementFormPage, type AgreementFormState } from "./agreement-form";

export const TERMINATION_FIELDS = ["ground", "givenOn", "effectiveDate", "reason"] as const;
export type TerminationField = (typeof TERMINATION_FIELDS)[number];

/** The form's fields as the domain's termination; an empty ground is no choice made, an empty reason none given. */
export const terminationFormSchema = z.preprocess((values) => {
  const fields = values as Record<string, unknown>;
  return { ...fields, ground: fields.ground || undefined, reason: typeof fields.reason === "string" && fields.reason.trim() !== "" ? fields.reason : undefined };
}, terminationSchema);

export function TerminatePage({ context, agreement, form }: { context: PageContext; agreement: Agreement; form: AgreementFormState<TerminationField> }) {
  const { t } = context.messages;
  const labels: Record<TerminationField, string> = {
    ground: t("agreement.terminateForm.ground"),
    givenOn: t("agreement.terminateForm.givenOn"),
    effectiveDate: t("agreement.terminateForm.effectiveDate"),
    reason: t("agreement.terminateForm.reason"),
  };
  const months = agreement.noticePeriodMonths ?? 0;
  return (
    <AgreementFormPage context={context} agreement={agreement} form={form} title={t("agreement.terminateForm.title")} labels={labels} action={`/agreements/${encodeURIComponent(agreement.id)}/terminate`}>
      {(errors) => (
        <>
          <p>{months === 0 ? t("agreement.terminateForm.noNoticePeriod") : t("agreement.terminateForm.noticePeriod", { months })}</p>
          <Radios
            name="ground"
            legend={labels.ground}
            options={TERMINATION_GROUNDS.map((ground) => ({ value: ground, text: t(`agreement.ground.${ground}`) }))}
            value={form.values.ground}
            error={errors.of("ground")}
          />
          <DateInput name="givenOn" label={labels.givenOn} value={form.values.givenOn} error={errors.of("givenOn")} />
          <DateInput name="effectiveDate" label={labels.effectiveDate} hint={t("agreement.terminateForm.effectiveDateHint")} value={form.values.effectiveDate} error={errors.of("effectiveDate")} />
          <Textarea name="reason" label={`${labels.reason} ${t("field.optional")}`} value={form.values.reason} error={errors.of("reason")} />
          <Button variant="warning">{t("agreement.terminateForm.submit")}</Button>
        </>
      )}
    </AgreementFormPage>
  );
}
