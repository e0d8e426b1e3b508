/** Withdraws a draft or a proposal before the decision, with an optional reason kept in the audit trail. */
import * as z from "zod";
import type { Agreement } from "../../functions/domain/agreement";
import { Button } from "../components/button";
import { Textarea } from "../components/fields";
import type { PageContext } from "../context";
import { AgreementFormPage, type AgreementFormState } from "./agreement-form";

export const WITHDRAW_FIELDS = ["reason"] as const;
export type WithdrawField = (typeof WITHDRAW_FIELDS)[number];

export const withdrawFormSchema = z.object({
  reason: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .transform((reason) => (reason === "" ? undefined : reason)),
});

export function WithdrawPage({ context, agreement, form }: { context: PageContext; agreement: Agreement; form: AgreementFormState<WithdrawField> }) {
  const { t } = context.messages;
  const labels: Record<WithdrawField, string> = { reason: t("agreement.withdrawForm.reason") };
  return (
    <AgreementFormPage context={context} agreement={agreement} form={form} title={t("agreement.withdrawForm.title")} labels={labels} action={`/agreements/${encodeURIComponent(agreement.id)}/withdraw`}>
      {(errors) => (
        <>
          <p>{t("agreement.withdrawForm.lead")}</p>
          <Textarea name="reason" label={`${labels.reason} ${t("field.optional")}`} value={form.values.reason} error={errors.of("reason")} />
          <Button variant="warning">{t("agreement.withdrawForm.submit")}</Button>
        </>
      )}
    </AgreementFormPage>
  );
}
