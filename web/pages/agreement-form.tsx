/**
 * What the agreement's forms (decision, termination, invitation, withdrawal) share: the state a form is shown in
 * (what was typed, the errors, the version it was opened on, and what changed since when a save came too late),
 * the frame around each form, and reading the posted fields. Each form is a page of its own beside this file.
 */
import type { Child } from "hono/jsx";
import type { Agreement } from "../../functions/domain/agreement";
import type { FieldError } from "../../functions/domain/errors";
import type { AuditEvent } from "../../functions/domain/lifecycle";
import { ErrorSummary } from "../components/error-summary";
import { Form } from "../components/form";
import { Page } from "../components/layout";
import { NotificationBanner } from "../components/notification-banner";
import { Timeline } from "../components/timeline";
import type { PageContext } from "../context";
import { formErrors, type FormErrors } from "../form-errors";
import { agreementPath, timelineEntries } from "./agreement-words";

export interface AgreementFormState<Field extends string> {
  /** As typed; a field not posted yet is absent. */
  values: Partial<Record<Field, string>>;
  errors: readonly FieldError[];
  /** The version the form carries: the one it was opened on, or the current one after a stale save. */
  version: number;
  /** A save that came after someone else's: what they changed since the form was opened. */
  changedSince?: readonly AuditEvent[];
  /** The lifecycle refused the action as the agreement is now (its status changed, say): said above the form. */
  refused?: boolean;
}

export function freshForm<Field extends string>(agreement: Agreement, values: Partial<Record<Field, string>> = {}): AgreementFormState<Field> {
  return { values, errors: [], version: agreement.version };
}

/** The posted fields as text, each one trimmed only by the schema that reads it. */
export function postedValues<Field extends string>(body: Record<string, unknown>, fields: readonly Field[]): Partial<Record<Field, string>> {
  const values: Partial<Record<Field, string>> = {};
  for (const field of fields) {
    const value = body[field];
    if (typeof value === "string") values[field] = value;
  }
  return values;
}

/** The version the form was opened on; undefined when the post carries none that could be one. */
export function postedVersion(body: Record<string, unknown>): number | undefined {
  const value = typeof body.version === "string" ? Number(body.version) : Number.NaN;
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

export interface AgreementFormPageProps<Field extends string> {
  context: PageContext;
  agreement: Agreement;
  form: AgreementFormState<Field>;
  /** The page's title and h1. */
  title: string;
  /** Each field's label, which the error summary puts before the message. */
  labels: Record<Field, string>;
  action: string;
  children: (errors: FormErrors) => Child;
}

export function AgreementFormPage<Field extends string>({ context, agreement, form, title, labels, action, children }: AgreementFormPageProps<Field>) {
  const { t } = context.messages;
  // The summary lists the errors in the order of the fields on the page, whatever order the checks found them in.
  const fields: readonly string[] = Object.keys(labels);
  const position = (path: string) => (fields.includes(path) ? fields.indexOf(path) : fields.length);
  const errors = formErrors([...form.errors].sort((a, b) => position(a.path) - position(b.path)), context.messages, labels);
  const hasErrors = errors.summary.length > 0;
  return (
    <Page context={context} title={title} hasErrors={hasErrors || form.changedSince !== undefined || form.refused === true}>
      <ErrorSummary errors={errors.summary} />
      {form.changedSince === undefined ? null : (
        <NotificationBanner>
          <p>{t("agreement.form.changedSince")}</p>
          <Timeline entries={timelineEntries(form.changedSince, context.messages)} />
          <p>{t("agreement.form.checkAndSendAgain")}</p>
        </NotificationBanner>
      )}
      {form.refused === true ? (
        <NotificationBanner>
          <p>{t("agreement.form.refused")}</p>
        </NotificationBanner>
      ) : null}
      <p class="agreement__caption">{agreement.title ?? t("agreement.untitled")}</p>
      <h1>{title}</h1>
      <Form action={action} csrfToken={context.csrfToken}>
        <input type="hidden" name="version" value={String(form.version)} />
        {children(errors)}
      </Form>
      <p>
        <a href={agreementPath(agreement.id)}>{t("agreement.form.back")}</a>
      </p>
    </Page>
  );
}
