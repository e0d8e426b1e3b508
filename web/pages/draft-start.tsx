/**
 * Starting a draft (/agreements/new): the least the agreement needs to be found again, its name and the
 * association; the rest is filled in on the task list, in any order.
 */
import { agreementContentSchema, type DraftContent } from "../../functions/domain/agreement";
import { fieldErrorsFromZod, type FieldError } from "../../functions/domain/errors";
import { Button } from "../components/button";
import { ErrorSummary } from "../components/error-summary";
import { TextInput } from "../components/fields";
import { Form } from "../components/form";
import { Page } from "../components/layout";
import type { PageContext } from "../context";
import type { FormValues } from "../draft-form";
import { draftSummary, fieldHint, inlineErrors } from "./draft-labels";

export const NEW_DRAFT_PATH = "/agreements/new";
const START_FIELDS = ["title", "associations.0.name", "associations.0.organisationNumber"] as const;

/** What a draft must have from its start, by the domain's own rules: its name and the association, in full. */
const startSchema = agreementContentSchema.pick({ title: true, associations: true });

export function startErrors(content: DraftContent): FieldError[] {
  const parsed = startSchema.safeParse(content);
  return parsed.success ? [] : fieldErrorsFromZod(parsed.error);
}

/** The start's values as the content of a new draft; what is left empty is left out. */
export function startContent(values: FormValues): DraftContent {
  const text = (name: string) => values[name]?.trim() || undefined;
  const association = { name: text("associations.0.name"), organisationNumber: text("associations.0.organisationNumber") };
  const content: Record<string, unknown> = { title: text("title") };
  if (association.name !== undefined || association.organisationNumber !== undefined) content.associations = [association];
  return Object.fromEntries(Object.entries(content).filter(([, value]) => value !== undefined));
}

export function DraftStartPage({ context, values, errors }: { context: PageContext; values: FormValues; errors: readonly FieldError[] }) {
  const { messages } = context;
  const { t } = messages;
  const names = new Set<string>([...START_FIELDS, "associations"]);
  const summary = draftSummary(errors, messages, names);
  const inline = inlineErrors(errors, messages, names);
  return (
    <Page context={context} title={t("draft.new.title")} hasErrors={summary.length > 0}>
      <ErrorSummary errors={summary} />
      <h1>{t("draft.new.title")}</h1>
      <p>{t("draft.new.intro")}</p>
      <Form action={NEW_DRAFT_PATH} csrfToken={context.csrfToken}>
        {START_FIELDS.map((name) => (
          <TextInput
            name={name}
            label={name === "title" ? t("draft.field.title") : t(name.endsWith("name") ? "draft.field.associations.name" : "draft.field.associations.organisationNumber")}
            hint={fieldHint(messages, `draft.field.${name}`)}
            value={values[name]}
            error={inline.get(name) ?? (name === "associations.0.name" ? inline.get("associations") : undefined)}
            width={name.endsWith("organisationNumber") ? "medium" : undefined}
          />
        ))}
        <Button>{t("draft.new.start")}</Button>
      </Form>
    </Page>
  );
}

