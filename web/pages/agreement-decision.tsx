/** Records the council's decision on a proposed agreement: approved or rejected, by which body, when, and where it is filed. */
import * as z from "zod";
import { DECISION_OUTCOMES, decisionSchema, type Agreement } from "../../functions/domain/agreement";
import { Button } from "../components/button";
import { DateInput, Radios, TextInput } from "../components/fields";
import type { PageContext } from "../context";
import { AgreementFormPage, type AgreementFormState } from "./agreement-form";

export const DECISION_FIELDS = ["outcome", "body", "date", "diaryNumber", "minuteReference"] as const;
export type DecisionField = (typeof DECISION_FIELDS)[number];

/** The form's fields as the domain's decision; an empty outcome is no choice made. */
export const decisionFormSchema = z.preprocess(
  (values) => ({ ...(values as Record<string, unknown>), outcome: (values as Record<string, unknown>).outcome || undefined }),
  decisionSchema,
);

export function DecisionPage({ context, agreement, form }: { context: PageContext; agreement: Agreement; form: AgreementFormState<DecisionField> }) {
  const { t } = context.messages;
  const labels: Record<DecisionField, string> = {
    outcome: t("agreement.decision.outcome"),
    body: t("agreement.decision.body"),
    date: t("agreement.decision.date"),
    diaryNumber: t("agreement.decision.diaryNumber"),
    minuteReference: t("agreement.decision.minuteReference"),
  };
  return (
    <AgreementFormPage context={context} agreement={agreement} form={form} title={t("agreement.decisionForm.title")} labels={labels} action={`/agreements/${encodeURIComponent(agreement.id)}/decision`}>
      {(errors) => (
        <>
          <Radios
            name="outcome"
            legend={labels.outcome}
            options={DECISION_OUTCOMES.map((outcome) => ({ value: outcome, text: t(`agreement.outcome.${outcome}`) }))}
            value={form.values.outcome}
            error={errors.of("outcome")}
          />
          <TextInput name="body" label={labels.body} hint={t("agreement.decisionForm.bodyHint")} value={form.values.body} error={errors.of("body")} width="medium" />
          <DateInput name="date" label={labels.date} value={form.values.date} error={errors.of("date")} />
          <TextInput name="diaryNumber" label={labels.diaryNumber} hint={t("agreement.decisionForm.diaryNumberHint")} value={form.values.diaryNumber} error={errors.of("diaryNumber")} width="medium" spellcheck={false} />
          <TextInput name="minuteReference" label={labels.minuteReference} hint={t("agreement.decisionForm.minuteReferenceHint")} value={form.values.minuteReference} error={errors.of("minuteReference")} width="medium" />
          <Button>{t("agreement.decisionForm.submit")}</Button>
        </>
      )}
    </AgreementFormPage>
  );
}
