/**
 * Invites an association contact to report: one due date of one reporting requirement, sent as a personal link
 * by email (functions/app/invitations.ts). Only reports the association still has to do are offered.
 */
import * as z from "zod";
import { emailSchema, type Agreement, type ReportingRequirement } from "../../functions/domain/agreement";
import { isOpenForAssociation, reportIdOf, type Report } from "../../functions/domain/reports";
import { LANGUAGES } from "../../functions/email/reminder-message";
import { Button } from "../components/button";
import { Radios, TextInput } from "../components/fields";
import type { PageContext } from "../context";
import { AgreementFormPage, type AgreementFormState } from "./agreement-form";

export const INVITE_FIELDS = ["report", "email", "language"] as const;
export type InviteField = (typeof INVITE_FIELDS)[number];

export interface ReportChoice {
  reportId: string;
  requirementId: string;
  kind: ReportingRequirement["kind"];
  description: string;
  dueDate: string;
}

/** The reports the association can be invited to: every due date whose report is not in, by due date. */
export function reportChoices(agreement: Agreement, reports: readonly Report[]): ReportChoice[] {
  const byId = new Map(reports.map((report) => [report.reportId, report]));
  return (agreement.reportingRequirements ?? [])
    .flatMap((requirement) =>
      requirement.dueDates.map((dueDate) => ({ reportId: reportIdOf(requirement.id, dueDate), requirementId: requirement.id, kind: requirement.kind, description: requirement.description, dueDate })),
    )
    .filter((choice) => isOpenForAssociation(byId.get(choice.reportId) ?? null))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
}

export function inviteFormSchema(choices: readonly ReportChoice[]) {
  return z.object({
    report: z.enum(choices.map((choice) => choice.reportId) as [string, ...string[]]),
    email: z.string().trim().pipe(emailSchema),
    language: z.enum(LANGUAGES),
  });
}

/** The first association contact's address, where the invitation usually goes. */
export function defaultInviteEmail(agreement: Agreement): string {
  return agreement.associations?.find((association) => association.contact?.email !== undefined)?.contact?.email ?? "";
}

export function InvitePage({ context, agreement, choices, form }: { context: PageContext; agreement: Agreement; choices: readonly ReportChoice[]; form: AgreementFormState<InviteField> }) {
  const { t, date } = context.messages;
  const labels: Record<InviteField, string> = {
    report: t("agreement.inviteForm.report"),
    email: t("agreement.inviteForm.email"),
    language: t("agreement.inviteForm.language"),
  };
  return (
    <AgreementFormPage context={context} agreement={agreement} form={form} title={t("agreement.inviteForm.title")} labels={labels} action={`/agreements/${encodeURIComponent(agreement.id)}/invite`}>
      {(errors) =>
        choices.length === 0 ? (
          <p>{t("agreement.inviteForm.nothingOpen")}</p>
        ) : (
          <>
            <Radios
              name="report"
              legend={labels.report}
              options={choices.map((choice) => ({
                value: choice.reportId,
                text: t("agreement.inviteForm.reportOption", { kind: t(`agreement.reportKind.${choice.kind}`), date: date(choice.dueDate) }),
                ...(choice.description === "" ? {} : { hint: choice.description }),
              }))}
              value={form.values.report}
              error={errors.of("report")}
            />
            <TextInput name="email" type="email" label={labels.email} hint={t("agreement.inviteForm.emailHint")} value={form.values.email} error={errors.of("email")} width="medium" autocomplete="email" spellcheck={false} />
            <Radios
              name="language"
              legend={labels.language}
              options={LANGUAGES.map((language) => ({ value: language, text: t(`agreement.inviteForm.language.${language}`) }))}
              value={form.values.language}
              error={errors.of("language")}
            />
            <Button>{t("agreement.inviteForm.submit")}</Button>
          </>
        )
      }
    </AgreementFormPage>
  );
}
