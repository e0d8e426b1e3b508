/**
 * One section of a draft as a form (/agreements/{id}/edit/{section}), saved through the update use case even when
 * incomplete. Repeating items get "add" and "remove" buttons that post the form and show it again with one row more
 * or less, so they work without JavaScript and nothing typed is lost. The form carries the version it was read
 * at; when someone else saved in between, the page shows what is saved now next to what the person typed.
 */
import type { Child } from "hono/jsx";
import { ACTIVITY_STATUSES, REPORT_KINDS, type Agreement } from "../../functions/domain/agreement";
import type { FieldError } from "../../functions/domain/errors";
import { Button } from "../components/button";
import { ErrorSummary } from "../components/error-summary";
import { Checkboxes, DateInput, Fieldset, Select, Textarea, TextInput, fieldId } from "../components/fields";
import { Form } from "../components/form";
import { Page } from "../components/layout";
import { StaleComparison, staleWords } from "../components/stale-comparison";
import type { PageContext } from "../context";
import { isList, rowCount, SECTION_LISTS, type FormValues, type ListName, type SectionId } from "../draft-form";
import type { Messages } from "../i18n/catalogue";
import { draftSummary, fieldHint, fieldLabel, inlineErrors } from "./draft-labels";

export const draftPath = (agreementId: string, part = "") => `/agreements/${encodeURIComponent(agreementId)}/${part}`;
export const sectionPath = (agreementId: string, section: string) => draftPath(agreementId, `edit/${section}`);

/** The names the form posts besides its fields. */
export const FORM_CONTROLS = ["csrf_token", "version", "action", "add", "remove"] as const;

export interface SectionForm {
  values: FormValues;
  errors: readonly FieldError[];
  /** The version the form saves on. */
  version: number;
  /** After a stale save: what is saved now, by field, to show next to what the person typed. */
  current?: FormValues;
}

interface Fields {
  messages: Messages;
  values: FormValues;
  error(name: string): string | undefined;
}

function Text({ fields, name, type, width, inputMode }: { fields: Fields; name: string; type?: "email" | "tel"; width?: "short" | "medium"; inputMode?: "numeric" | "decimal" }) {
  const key = `draft.field.${name.replace(/\.\d+\./, ".")}`;
  return (
    <TextInput
      name={name}
      label={fieldLabelOf(fields.messages, name)}
      hint={fieldHint(fields.messages, key) ?? (/amountSek$/.test(name) ? fields.messages.t("draft.field.amount.hint") : undefined)}
      value={fields.values[name]}
      error={fields.error(name)}
      type={type}
      width={width}
      inputMode={inputMode}
    />
  );
}

/** Inside a row the row's legend already says which row; the label names the member only. */
function fieldLabelOf(messages: Messages, name: string): string {
  const member = /^(\w+)\.\d+\.(.+)$/.exec(name);
  return member !== null && isList(member[1]!) ? messages.t(`draft.field.${member[1]}.${member[2]}` as Parameters<Messages["t"]>[0]) : fieldLabel(messages, name);
}

function DateField({ fields, name }: { fields: Fields; name: string }) {
  return <DateInput name={name} label={fieldLabel(fields.messages, name)} hint={fieldHint(fields.messages, `draft.field.${name}`)} value={fields.values[name]} error={fields.error(name)} />;
}

function Group({ fields, name, children }: { fields: Fields; name: string; children: Child }) {
  return (
    <Fieldset id={fieldId(name)} legend={fieldLabel(fields.messages, name)} hint={fieldHint(fields.messages, `draft.field.${name}`)} error={fields.error(name)}>
      {children}
    </Fieldset>
  );
}

/** A repeating item: each row a fieldset with its own remove button, then the add button. */
function List({ fields, list, row }: { fields: Fields; list: ListName; row: (prefix: string) => Child }) {
  const { t } = fields.messages;
  const count = Math.max(rowCount(fields.values, list), 1);
  return (
    <Fieldset id={fieldId(list)} legend={t(`draft.list.${list}`)} hint={fieldHint(fields.messages, `draft.list.${list}`)} error={fields.error(list)}>
      {Array.from({ length: count }, (_, index) => {
        const legend = t(`draft.row.${list}`, { number: index + 1 });
        return (
          <fieldset class="fieldset draft-row">
            <legend class="fieldset__legend draft-row__legend">{legend}</legend>
            {row(`${list}.${index}.`)}
            <Button variant="secondary" name="remove" value={`${list}.${index}`}>
              {t("draft.remove")}
              <span class="visually-hidden"> {legend}</span>
            </Button>
          </fieldset>
        );
      })}
      <Button variant="secondary" name="add" value={list}>
        {t(`draft.add.${list}`)}
      </Button>
    </Fieldset>
  );
}

function SectionFields({ section, fields }: { section: SectionId; fields: Fields }) {
  const { t } = fields.messages;
  switch (section) {
    case "parties":
      return (
        <>
          <Group fields={fields} name="municipality">
            <Text fields={fields} name="municipality.organisation" />
            <Text fields={fields} name="municipality.decidingBody" />
          </Group>
          <List
            fields={fields}
            list="associations"
            row={(prefix) => (
              <>
                <Text fields={fields} name={`${prefix}name`} />
                <Text fields={fields} name={`${prefix}organisationNumber`} width="medium" />
                <Text fields={fields} name={`${prefix}contact.name`} />
                <Text fields={fields} name={`${prefix}contact.email`} type="email" />
              </>
            )}
          />
          <List
            fields={fields}
            list="otherPartners"
            row={(prefix) => (
              <>
                <Text fields={fields} name={`${prefix}name`} />
                <Text fields={fields} name={`${prefix}role`} />
                <Text fields={fields} name={`${prefix}organisationNumber`} width="medium" />
              </>
            )}
          />
          <Group fields={fields} name="responsibleOfficer">
            <Text fields={fields} name="responsibleOfficer.name" />
            <Text fields={fields} name="responsibleOfficer.email" type="email" />
            <Text fields={fields} name="responsibleOfficer.phone" type="tel" width="medium" />
          </Group>
        </>
      );
    case "purpose":
      return (
        <>
          <Text fields={fields} name="title" />
          <Textarea name="purpose" label={t("draft.field.purpose")} hint={t("draft.field.purpose.hint")} value={fields.values.purpose} error={fields.error("purpose")} />
          <List
            fields={fields}
            list="subEfforts"
            row={(prefix) => (
              <>
                <Text fields={fields} name={`${prefix}name`} />
                <Textarea name={`${prefix}description`} label={t("draft.field.subEfforts.description")} value={fields.values[`${prefix}description`]} error={fields.error(`${prefix}description`)} rows={3} />
                <Select
                  name={`${prefix}activityStatus`}
                  label={t("draft.field.subEfforts.activityStatus")}
                  options={ACTIVITY_STATUSES.map((status) => ({ value: status, text: t(`activity.${status}`) }))}
                  value={fields.values[`${prefix}activityStatus`]}
                  error={fields.error(`${prefix}activityStatus`)}
                />
              </>
            )}
          />
        </>
      );
    case "period":
      return (
        <>
          <Group fields={fields} name="period">
            <DateField fields={fields} name="period.start" />
            <DateField fields={fields} name="period.end" />
          </Group>
          <Text fields={fields} name="noticePeriodMonths" width="short" inputMode="numeric" />
        </>
      );
    case "money":
      return (
        <>
          <List
            fields={fields}
            list="budget"
            row={(prefix) => (
              <>
                <Text fields={fields} name={`${prefix}year`} width="short" inputMode="numeric" />
                <Text fields={fields} name={`${prefix}amountSek`} width="medium" inputMode="decimal" />
              </>
            )}
          />
          <Group fields={fields} name="coFinancing">
            <Text fields={fields} name="coFinancing.description" />
            <Text fields={fields} name="coFinancing.amountSek" width="medium" inputMode="decimal" />
          </Group>
        </>
      );
    case "follow-up":
      return (
        <>
          <List
            fields={fields}
            list="reportingRequirements"
            row={(prefix) => (
              <>
                <input type="hidden" name={`${prefix}id`} value={fields.values[`${prefix}id`] ?? ""} />
                <Select
                  name={`${prefix}kind`}
                  label={t("draft.field.reportingRequirements.kind")}
                  options={REPORT_KINDS.map((kind) => ({ value: kind, text: t(`draft.kind.${kind}`) }))}
                  value={fields.values[`${prefix}kind`]}
                  error={fields.error(`${prefix}kind`)}
                />
                <Textarea name={`${prefix}description`} label={t("draft.field.reportingRequirements.description")} value={fields.values[`${prefix}description`]} error={fields.error(`${prefix}description`)} rows={2} />
                <Text fields={fields} name={`${prefix}dueDates`} />
              </>
            )}
          />
          <Group fields={fields} name="reminders">
            <Text fields={fields} name="reminders.expiryDaysBefore" width="medium" />
            <Text fields={fields} name="reminders.noticeDaysBefore" width="short" inputMode="numeric" />
            <Text fields={fields} name="reminders.reportDaysBefore" width="short" inputMode="numeric" />
            <Checkboxes
              name="reminders.notifyAssociationContact"
              legend={t("draft.field.reminders.notifyAssociationContact")}
              options={[{ value: "yes", text: t("draft.field.reminders.notifyAssociationContact.yes") }]}
              values={fields.values["reminders.notifyAssociationContact"] === "yes" ? ["yes"] : []}
              error={fields.error("reminders.notifyAssociationContact")}
            />
          </Group>
        </>
      );
    case "assessment":
      return (
        <Textarea
          name="procurementAssessment"
          label={t("draft.field.procurementAssessment")}
          hint={t("draft.field.procurementAssessment.hint")}
          value={fields.values.procurementAssessment}
          error={fields.error("procurementAssessment")}
          rows={8}
        />
      );
  }
}

/** The names a section's errors may point at: its fields, its lists and its groups. */
export function sectionFieldNames(values: FormValues, section: SectionId): Set<string> {
  return new Set([...Object.keys(values), ...SECTION_LISTS[section], "municipality", "responsibleOfficer", "period", "coFinancing", "reminders"]);
}

export function DraftSectionPage({ context, agreement, section, form }: { context: PageContext; agreement: Agreement; section: SectionId; form: SectionForm }) {
  const { messages } = context;
  const { t } = messages;
  const names = sectionFieldNames(form.values, section);
  const summary = draftSummary(form.errors, messages, names);
  const inline = inlineErrors(form.errors, messages, names);
  const fields: Fields = { messages, values: form.values, error: (name) => inline.get(name) };
  const title = t(`draft.section.${section}`);
  return (
    <Page context={context} title={title} hasErrors={summary.length > 0}>
      <ErrorSummary errors={summary} />
      {form.current === undefined ? null : (
        <StaleComparison words={staleWords(messages, "draft")} current={form.current} values={form.values} labelOf={(name) => fieldLabel(messages, name)} compared={(name) => !name.endsWith(".id")} />
      )}
      <span class="caption">{agreement.title ?? t("draft.tasks.untitled")}</span>
      <h1>{title}</h1>
      <Form action={sectionPath(agreement.id, section)} csrfToken={context.csrfToken}>
        <input type="hidden" name="version" value={String(form.version)} />
        {/* Enter in a field saves: the first submit button of a form is the one Enter presses, before any "remove". */}
        <button type="submit" name="action" value="save" class="visually-hidden" tabindex={-1} aria-hidden="true">
          {t("draft.save")}
        </button>
        <SectionFields section={section} fields={fields} />
        <div class="button-group">
          <Button name="action" value="save">
            {t("draft.save")}
          </Button>
          <a href={draftPath(agreement.id, "edit")}>{t("draft.backToTasks")}</a>
        </div>
      </Form>
    </Page>
  );
}
