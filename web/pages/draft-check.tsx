/**
 * Check your answers (/agreements/{id}/check): the whole draft section by section, each answer with a link to
 * change it, then the submit for decision. When the domain refuses (something missing, an overlap, no reporting
 * requirement), its errors head the page, each linking to the field on the section that has it.
 */
import type { Child } from "hono/jsx";
import { DEFAULT_REMINDERS, type Agreement } from "../../functions/domain/agreement";
import type { FieldError } from "../../functions/domain/errors";
import { Button } from "../components/button";
import { ErrorSummary } from "../components/error-summary";
import { fieldId } from "../components/fields";
import { Form } from "../components/form";
import { Page } from "../components/layout";
import { NotificationBanner } from "../components/notification-banner";
import { SummaryList, type SummaryRow } from "../components/summary-list";
import type { PageContext } from "../context";
import { linkTarget, SECTIONS, sectionValues, type SectionId } from "../draft-form";
import type { Messages } from "../i18n/catalogue";
import { draftSummary, fieldLabel } from "./draft-labels";
import { draftPath, sectionFieldNames, sectionPath } from "./draft-section";

export interface CheckState {
  errors: readonly FieldError[];
  /** A refusal no field explains, in the page's language. */
  notice?: string;
}

function Lines({ lines }: { lines: readonly string[] }) {
  if (lines.length <= 1) return <>{lines[0] ?? ""}</>;
  return (
    <ul class="list">
      {lines.map((line) => (
        <li>{line}</li>
      ))}
    </ul>
  );
}

/** The answers of a section, one row per question, each linked to the field that changes it. */
function sectionRows(section: SectionId, agreement: Agreement, messages: Messages): SummaryRow[] {
  const { t, date, amount } = messages;
  const missing = t("draft.check.notAnswered");
  const row = (field: string, value: Child | undefined, key = fieldLabel(messages, field)): SummaryRow => ({
    key,
    value: value === undefined || value === "" ? missing : value,
    changeHref: `${sectionPath(agreement.id, section)}#${fieldId(linkTarget(field))}`,
  });
  const none = (lines: string[]) => (lines.length === 0 ? t("draft.check.none") : <Lines lines={lines} />);
  switch (section) {
    case "parties":
      return [
        row("municipality", agreement.municipality && <Lines lines={[agreement.municipality.organisation, agreement.municipality.decidingBody]} />),
        row(
          "associations",
          agreement.associations?.length
            ? none(agreement.associations.map((association) => [association.name, association.organisationNumber, association.contact?.name, association.contact?.email].filter(Boolean).join(", ")))
            : undefined,
        ),
        row("otherPartners", none((agreement.otherPartners ?? []).map((partner) => [partner.name, partner.role, partner.organisationNumber].filter(Boolean).join(", ")))),
        row("responsibleOfficer", agreement.responsibleOfficer && [agreement.responsibleOfficer.name, agreement.responsibleOfficer.email, agreement.responsibleOfficer.phone].filter(Boolean).join(", ")),
      ];
    case "purpose":
      return [
        row("title", agreement.title),
        row("purpose", agreement.purpose),
        row("subEfforts", none((agreement.subEfforts ?? []).map((effort) => `${effort.name} (${t(`activity.${effort.activityStatus}`)})`))),
      ];
    case "period":
      return [
        row("period", agreement.period && `${date(agreement.period.start)} – ${date(agreement.period.end)}`),
        row(
          "noticePeriodMonths",
          agreement.noticePeriodMonths == null ? t("draft.check.noNotice") : t("draft.check.noticeMonths", { months: agreement.noticePeriodMonths }),
          t("draft.check.notice"),
        ),
      ];
    case "money":
      return [
        row("budget", agreement.budget?.length ? none(agreement.budget.map((entry) => `${entry.year}: ${amount(entry.amountSek)}`)) : undefined),
        row(
          "coFinancing",
          agreement.coFinancing == null
            ? t("draft.check.none")
            : agreement.coFinancing.amountSek === undefined
              ? agreement.coFinancing.description
              : t("draft.check.coFinancing", { description: agreement.coFinancing.description, amount: amount(agreement.coFinancing.amountSek) }),
        ),
      ];
    case "follow-up": {
      const reminders = agreement.reminders ?? DEFAULT_REMINDERS;
      const summary = t("draft.check.reminders", { days: reminders.expiryDaysBefore.join(", "), notice: reminders.noticeDaysBefore, report: reminders.reportDaysBefore });
      return [
        row(
          "reportingRequirements",
          agreement.reportingRequirements?.length
            ? none(
                agreement.reportingRequirements.map((requirement) =>
                  [t(`draft.kind.${requirement.kind}`), requirement.description, t("draft.check.dueDates", { dates: requirement.dueDates.map(date).join(", ") })]
                    .filter(Boolean)
                    .join(". "),
                ),
              )
            : undefined,
        ),
        row("reminders", <Lines lines={reminders.notifyAssociationContact ? [summary, t("draft.check.remindersContact")] : [summary]} />),
      ];
    }
    case "assessment":
      return [row("procurementAssessment", agreement.procurementAssessment)];
  }
}

export function DraftCheckPage({ context, agreement, state }: { context: PageContext; agreement: Agreement; state: CheckState }) {
  const { messages } = context;
  const { t } = messages;
  const names = new Set(SECTIONS.flatMap((section) => [...sectionFieldNames(sectionValues(section, agreement, messages.lang), section)]));
  const summary = draftSummary(state.errors, messages, names, (section) => sectionPath(agreement.id, section));
  const title = t("draft.check.title");
  return (
    <Page context={context} title={title} hasErrors={summary.length > 0}>
      <ErrorSummary errors={summary} />
      {state.notice === undefined ? null : (
        <NotificationBanner>
          <p>{state.notice}</p>
        </NotificationBanner>
      )}
      <span class="caption">{agreement.title ?? t("draft.tasks.untitled")}</span>
      <h1>{title}</h1>
      {SECTIONS.map((section) => (
        <>
          <h2>{t(`draft.section.${section}`)}</h2>
          <SummaryList rows={sectionRows(section, agreement, messages)} />
        </>
      ))}
      <h2>{t("draft.check.submitHeading")}</h2>
      <p>{t("draft.check.submitText")}</p>
      <Form action={draftPath(agreement.id, "check")} csrfToken={context.csrfToken}>
        <input type="hidden" name="version" value={String(agreement.version)} />
        <Button>{t("draft.check.submit")}</Button>
      </Form>
      <p>
        <a href={draftPath(agreement.id, "edit")}>{t("draft.check.backToTasks")}</a>
      </p>
    </Page>
  );
}
