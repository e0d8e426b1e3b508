/**
 * The association's report form, reached through the personal link: the start page, one page per step, the
 * attachments, check your answers, the receipt, and the page for a link that no longer works (with the form that
 * asks for a fresh one). Every page works without JavaScript; web/assets/script.ts adds the upload with a
 * progress bar and the print button.
 */
import type { UploadForm } from "../../functions/app/ports";
import type { ReportForm } from "../../functions/app/report-links";
import type { FieldError } from "../../functions/domain/errors";
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, type AssociationVersion } from "../../functions/domain/reports";
import { Button } from "../components/button";
import { ErrorSummary, type SummaryError } from "../components/error-summary";
import { ErrorMessage, Hint, Textarea, TextInput } from "../components/fields";
import { CsrfField, Form } from "../components/form";
import { Page } from "../components/layout";
import { NotificationBanner } from "../components/notification-banner";
import { StaleComparison, staleWords } from "../components/stale-comparison";
import { SummaryList } from "../components/summary-list";
import { Table } from "../components/table";
import type { PageContext } from "../context";
import { formErrors } from "../form-errors";
import type { Messages } from "../i18n/catalogue";
import { fileSize, ReportAnswers } from "./report-answers";
import { FORM_PAGES, reportPath, REPORT_STEPS, type FormPage, type ReportStep, type StepValues } from "./report-steps";

/** "Verksamhetsrapport: Hur gick året" */
function reportName(form: ReportForm, messages: Messages): string {
  const kind = messages.t(`report.kind.${form.requirement.kind}`);
  return form.requirement.description === "" ? kind : `${kind}: ${form.requirement.description}`;
}

function pageTitle(form: ReportForm, messages: Messages): string {
  return messages.t("report.start.title", { report: messages.t(`report.kind.${form.requirement.kind}`), agreement: form.agreement.title });
}

/** The officer's comment when a supplement is asked for: at the top of every page of the form. */
function SupplementRequest({ form, messages }: { form: ReportForm; messages: Messages }) {
  if (form.report?.status !== "supplement-requested" || form.report.reviewComment === null) return null;
  return (
    <NotificationBanner>
      <h3 class="notification-banner__heading">{messages.t("report.start.supplementHeading")}</h3>
      <blockquote class="report-comment">{form.report.reviewComment}</blockquote>
      <p>{messages.t("report.start.supplementLead")}</p>
    </NotificationBanner>
  );
}

export function ReportStartPage({ context, token, form, saved }: { context: PageContext; token: string; form: ReportForm; saved: boolean }) {
  const { messages } = context;
  const { t, date, dateTime } = messages;
  const status = form.report?.status ?? "draft";
  const officer = form.agreement.officer;
  return (
    <Page context={context} title={pageTitle(form, messages)}>
      {saved ? (
        <NotificationBanner kind="success">
          <p>{t("report.start.saved")}</p>
        </NotificationBanner>
      ) : null}
      <SupplementRequest form={form} messages={messages} />
      <h1>{pageTitle(form, messages)}</h1>
      <p class="lead">{t("report.start.lead", { municipality: form.agreement.municipality })}</p>
      <SummaryList
        rows={[
          { key: t("report.start.agreement"), value: form.agreement.title },
          { key: t("report.start.association"), value: form.agreement.associations.join(", ") },
          { key: t("report.start.report"), value: reportName(form, messages) },
          { key: t("report.start.due"), value: date(form.requirement.dueDate) },
          { key: t("report.start.linkValid"), value: dateTime(new Date(form.linkExpiresAt)) },
          {
            key: t("report.start.contact"),
            value: officer === null ? t("report.start.contactUnknown") : [officer.name, form.agreement.municipality, officer.phone].filter(Boolean).join(", "),
          },
        ]}
      />
      {status === "submitted" || status === "accepted" ? (
        <>
          <p>{t(status === "accepted" ? "report.start.accepted" : "report.start.submitted")}</p>
          <Button href={reportPath(token, "receipt")}>{t("report.start.showReceipt")}</Button>
        </>
      ) : (
        <>
          <h2>{t("report.start.askedHeading")}</h2>
          <ul class="list">
            <li>{t("report.start.asked.activities")}</li>
            <li>{t("report.start.asked.people")}</li>
            <li>{t("report.start.asked.outcomes")}</li>
            <li>{t("report.start.asked.money")}</li>
            <li>{t("report.start.asked.attachments")}</li>
          </ul>
          <p>{t("report.start.saveHint")}</p>
          <Button href={reportPath(token, REPORT_STEPS[0])}>{t(form.report === null ? "report.start.begin" : "report.start.continue")}</Button>
        </>
      )}
    </Page>
  );
}

/** Where "Tillbaka" goes from a page of the form: the page before it, or the start page. */
function previousPage(token: string, page: FormPage): string {
  const index = FORM_PAGES.indexOf(page);
  return index === 0 ? reportPath(token) : reportPath(token, FORM_PAGES[index - 1]);
}

function StepHeader({ token, page, messages, title }: { token: string; page: FormPage; messages: Messages; title: string }) {
  return (
    <>
      <p>
        <a href={previousPage(token, page)} class="back-link">
          {messages.t("report.step.back")}
        </a>
      </p>
      <span class="caption">{messages.t("report.step.progress", { step: FORM_PAGES.indexOf(page) + 1, steps: FORM_PAGES.length })}</span>
      <h1>{title}</h1>
    </>
  );
}

export interface StepState {
  values: StepValues;
  errors: readonly FieldError[];
  /** The report's version the answers were typed on; the save is refused if someone saved since. */
  version: number;
  /** Nothing was saved: the report was sent meanwhile. */
  notice?: "closed";
  /** Nothing was saved: someone saved since `version` was read; this is what is saved now. */
  current?: StepValues;
}

const STEP_TITLES = {
  activities: "report.activities.title",
  people: "report.people.title",
  outcomes: "report.outcomes.title",
  money: "report.money.title",
  comments: "report.comments.title",
} as const;

/** How many rows a list step shows: those typed, and one empty to add another. */
function rowCount(values: StepValues, list: string): number {
  const indexes = Object.keys(values).flatMap((name) => {
    const match = new RegExp(`^${list}\\.(\\d+)\\.`).exec(name);
    return match === null ? [] : [Number(match[1])];
  });
  return Math.max(-1, ...indexes) + 2;
}

export function ReportStepPage({ context, token, form, step, state }: { context: PageContext; token: string; form: ReportForm; step: ReportStep; state: StepState }) {
  const { messages } = context;
  const { t } = messages;
  const labels: Record<string, string> = {};
  const rows = (list: string) => [...Array(rowCount(state.values, list)).keys()];
  for (const index of rows("activities")) labels[`activities.${index}.description`] = t("report.activities.item", { number: index + 1 });
  for (const index of rows("outcomes")) {
    labels[`outcomes.${index}.goal`] = `${t("report.outcomes.item", { number: index + 1 })}: ${t("report.outcomes.goal")}`;
    labels[`outcomes.${index}.outcome`] = `${t("report.outcomes.item", { number: index + 1 })}: ${t("report.outcomes.outcome")}`;
  }
  Object.assign(labels, { peopleReached: t("report.people.title"), "money.receivedSek": t("report.money.received"), "money.spentSek": t("report.money.spent"), comments: t("report.comments.title") });
  const errors = formErrors(state.errors, messages, labels);
  const value = (name: string) => state.values[name] ?? "";
  const title = t(STEP_TITLES[step]);
  const addButton = (key: "report.activities.add" | "report.outcomes.add") => (
    <p>
      <Button variant="secondary" name="action" value="add">
        {t(key)}
      </Button>
    </p>
  );

  return (
    <Page context={context} title={title} hasErrors={errors.summary.length > 0}>
      <ErrorSummary errors={errors.summary} />
      {state.notice === undefined ? null : (
        <NotificationBanner>
          <p>{t("report.step.closed")}</p>
        </NotificationBanner>
      )}
      {state.current === undefined ? null : (
        <StaleComparison words={staleWords(messages, "report")} current={state.current} values={state.values} labelOf={(name) => labels[name] ?? name} compared={(name) => name in labels} />
      )}
      <SupplementRequest form={form} messages={messages} />
      <StepHeader token={token} page={step} messages={messages} title={title} />
      <Form action={reportPath(token, step)} csrfToken={context.csrfToken}>
        <input type="hidden" name="version" value={String(state.version)} />
        {step === "activities" ? (
          <>
            <p class="hint">{t("report.activities.hint")}</p>
            {rows("activities").map((index) => (
              <>
                <Textarea name={`activities.${index}.description`} label={labels[`activities.${index}.description`]!} value={value(`activities.${index}.description`)} error={errors.of(`activities.${index}.description`)} rows={3} />
                {value(`activities.${index}.subEffort`) === "" ? null : <input type="hidden" name={`activities.${index}.subEffort`} value={value(`activities.${index}.subEffort`)} />}
              </>
            ))}
            {addButton("report.activities.add")}
          </>
        ) : null}
        {step === "people" ? (
          <TextInput name="peopleReached" label={t("report.people.label")} hint={t("report.people.hint")} value={value("peopleReached")} error={errors.of("peopleReached")} inputMode="numeric" width="short" />
        ) : null}
        {step === "outcomes" ? (
          <>
            <p class="hint">{t("report.outcomes.hint")}</p>
            {form.agreement.purpose === "" ? null : <p class="report-purpose">{t("report.outcomes.purpose", { purpose: form.agreement.purpose })}</p>}
            {rows("outcomes").map((index) => (
              <fieldset class="fieldset report-row">
                <legend class="fieldset__legend">{t("report.outcomes.item", { number: index + 1 })}</legend>
                <TextInput name={`outcomes.${index}.goal`} label={t("report.outcomes.goal")} value={value(`outcomes.${index}.goal`)} error={errors.of(`outcomes.${index}.goal`)} />
                <Textarea name={`outcomes.${index}.outcome`} label={t("report.outcomes.outcome")} value={value(`outcomes.${index}.outcome`)} error={errors.of(`outcomes.${index}.outcome`)} rows={4} />
              </fieldset>
            ))}
            {addButton("report.outcomes.add")}
          </>
        ) : null}
        {step === "money" ? (
          <>
            <TextInput name="money.receivedSek" label={t("report.money.received")} hint={t("report.money.hint")} value={value("money.receivedSek")} error={errors.of("money.receivedSek")} inputMode="decimal" width="medium" autocomplete="off" />
            <TextInput name="money.spentSek" label={t("report.money.spent")} hint={t("report.money.hint")} value={value("money.spentSek")} error={errors.of("money.spentSek")} inputMode="decimal" width="medium" autocomplete="off" />
          </>
        ) : null}
        {step === "comments" ? (
          <Textarea name="comments" label={`${t("report.comments.label")} ${t("field.optional")}`} value={value("comments")} error={errors.of("comments")} rows={6} />
        ) : null}
        <div class="button-group">
          <Button name="action" value="next">
            {t("report.step.next")}
          </Button>
          <Button variant="secondary" name="action" value="later">
            {t("report.step.later")}
          </Button>
        </div>
      </Form>
    </Page>
  );
}

/** Why a file was not attached; each has its message in the catalogue. */
export const ATTACHMENT_REFUSALS = ["missing", "type", "size", "empty", "content", "tooMany", "failed"] as const;
export type AttachmentRefusal = (typeof ATTACHMENT_REFUSALS)[number];

export interface AttachmentsState {
  refused?: AttachmentRefusal;
  /** The file just attached, by id. */
  added?: string;
  removed?: boolean;
  notice?: "closed";
}

/**
 * The attachments step. Its upload form posts the file straight to S3 (`upload`: the bucket's address and the
 * signed policy's fields, which S3 wants before the file), and S3 sends the browser back to the app; no CSRF field,
 * since the post does not come here and S3 refuses fields its policy does not name. With the script the same form
 * uploads through the JSON API's presigned PUT instead, with a progress bar.
 */
export function ReportAttachmentsPage({
  context,
  token,
  form,
  upload,
  state,
}: {
  context: PageContext;
  token: string;
  form: ReportForm;
  upload: UploadForm;
  state: AttachmentsState;
}) {
  const { messages } = context;
  const { t } = messages;
  const attachments = form.report?.attachments ?? [];
  const errors: SummaryError[] = state.refused === undefined ? [] : [{ field: "file", message: t(`report.attachments.refused.${state.refused}`) }];
  const added = attachments.find((attachment) => attachment.id === state.added);
  const title = t("report.attachments.title");
  return (
    <Page context={context} title={title} hasErrors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      {state.notice === undefined ? null : (
        <NotificationBanner>
          <p>{t("report.step.closed")}</p>
        </NotificationBanner>
      )}
      {added === undefined && state.removed !== true ? null : (
        <NotificationBanner kind="success">
          <p>{added === undefined ? t("report.attachments.removed") : t("report.attachments.added", { name: added.fileName })}</p>
        </NotificationBanner>
      )}
      <SupplementRequest form={form} messages={messages} />
      <StepHeader token={token} page="attachments" messages={messages} title={title} />
      <p>{t("report.attachments.lead")}</p>
      {attachments.length === 0 ? (
        <p>{t("report.attachments.none")}</p>
      ) : (
        <div class="report-files">
        <Table
          caption={t("report.attachments.listCaption")}
          head={[t("report.attachments.name"), t("report.attachments.size"), t("report.attachments.action")]}
          numeric={[1]}
          rows={attachments.map((attachment) => [
            attachment.status === "pending" ? `${attachment.fileName} (${t("report.attachments.pending")})` : attachment.fileName,
            fileSize(attachment.size, messages),
            <form method="post" action={reportPath(token, `attachments/${attachment.id}/remove`)} class="inline-form">
              <CsrfField token={context.csrfToken} />
              <button type="submit" class="button button--secondary button--small">
                {t("report.attachments.remove")}
                <span class="visually-hidden"> {attachment.fileName}</span>
              </button>
            </form>,
          ])}
        />
        </div>
      )}
      <form
        method="post"
        action={upload.url}
        enctype="multipart/form-data"
        novalidate
        class="upload-form"
        data-direct-upload={`/api/report-links/${token}`}
        data-return={reportPath(token, "attachments")}
        data-types={JSON.stringify(ATTACHMENT_TYPES)}
        data-max-bytes={String(MAX_ATTACHMENT_BYTES)}
      >
        {Object.entries(upload.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <div class={errors.length === 0 ? "form-group" : "form-group form-group--error"}>
          <label class="label" for="file">
            {t("report.attachments.file")}
          </label>
          <Hint id="file-hint">{t("report.attachments.rules")}</Hint>
          {errors.length === 0 ? null : <ErrorMessage id="file-error">{errors[0]!.message}</ErrorMessage>}
          <input
            class="file-upload"
            id="file"
            name="file"
            type="file"
            accept={Object.values(ATTACHMENT_TYPES).flat().join(",")}
            aria-describedby={errors.length === 0 ? "file-hint" : "file-hint file-error"}
            aria-invalid={errors.length === 0 ? undefined : "true"}
          />
        </div>
        <div class="upload-progress" hidden>
          <label class="label" for="upload-progress">
            {t("report.attachments.progress")}
          </label>
          <progress id="upload-progress" max={100} value={0}></progress>
          <p class="upload-status" role="status" data-uploading={t("report.attachments.uploading")}></p>
        </div>
        <Button variant="secondary">{t("report.attachments.upload")}</Button>
      </form>
      <Button href={reportPath(token, "check")}>{t("report.attachments.continue")}</Button>
    </Page>
  );
}

export function ReportCheckPage({ context, token, form, errors = [] }: { context: PageContext; token: string; form: ReportForm; errors?: readonly FieldError[] }) {
  const { messages } = context;
  const { t } = messages;
  const content = form.report?.content ?? {};
  const title = t("report.check.title");
  // One error per step with something missing, linked to that step's page.
  const stepOf = (path: string): ReportStep => (path === "peopleReached" ? "people" : (REPORT_STEPS.find((step) => path.startsWith(step)) ?? "activities"));
  const summary = [...new Set(errors.map((error) => stepOf(error.path)))].map((step) => ({
    field: step,
    message: `${t(STEP_TITLES[step])}: ${t("report.check.incomplete")}`,
    href: reportPath(token, step),
  }));
  return (
    <Page context={context} title={title} hasErrors={summary.length > 0}>
      <ErrorSummary errors={summary} />
      <SupplementRequest form={form} messages={messages} />
      <StepHeader token={token} page="check" messages={messages} title={title} />
      <ReportAnswers
        messages={messages}
        content={content}
        attachments={(form.report?.attachments ?? []).filter((attachment) => attachment.status === "accepted")}
        changeHref={(step) => reportPath(token, step)}
      />
      <h2>{t("report.check.sendHeading")}</h2>
      <p>{t("report.check.sendText")}</p>
      <Form action={reportPath(token, "submit")} csrfToken={context.csrfToken}>
        <Button>{t("report.check.send")}</Button>
      </Form>
    </Page>
  );
}

export function ReportReceiptPage({ context, form, version }: { context: PageContext; form: ReportForm; version: AssociationVersion }) {
  const { messages } = context;
  const { t, dateTime } = messages;
  const { receipt } = version;
  return (
    <Page context={context} title={t("report.receipt.title")}>
      <div class="panel">
        <h1 class="panel__title">{t("report.receipt.title")}</h1>
        <p class="panel__body">
          {t("report.receipt.reference")}
          <br />
          <strong>{receipt.number}</strong>
        </p>
      </div>
      <SummaryList
        rows={[
          { key: t("report.start.agreement"), value: form.agreement.title },
          { key: t("report.start.report"), value: reportName(form, messages) },
          { key: t("report.receipt.reference"), value: receipt.number },
          { key: t("report.receipt.sentAt"), value: dateTime(new Date(receipt.submittedAt)) },
          { key: t("report.receipt.sentBy"), value: receipt.submittedBy },
          { key: t("report.receipt.version"), value: String(version.number) },
        ]}
      />
      <p>{t("report.receipt.email", { email: receipt.submittedBy })}</p>
      <p>{t("report.receipt.next")}</p>
      <button type="button" class="button button--secondary" data-print hidden>
        {t("report.receipt.print")}
      </button>
      <h2>{t("report.receipt.whatWasSent")}</h2>
      <ReportAnswers messages={messages} content={version.content} attachments={version.attachments} />
    </Page>
  );
}

export interface FreshLinkState {
  email: string;
  errors: readonly FieldError[];
  sent: boolean;
}

export const FRESH_LINK_PATH = "/report/new-link";

/** For every way a link fails (unknown, expired, revoked, or pointing at something else): one page, one answer. */
export function LinkNotWorkingPage({ context, state }: { context: PageContext; state: FreshLinkState }) {
  const { t } = context.messages;
  const errors = formErrors(state.errors, context.messages, { email: t("report.link.email") });
  const title = t("report.link.title");
  return (
    <Page context={context} title={title} hasErrors={errors.summary.length > 0}>
      <ErrorSummary errors={errors.summary} />
      {state.sent ? (
        <NotificationBanner kind="success">
          <p>{t("report.link.sent")}</p>
        </NotificationBanner>
      ) : null}
      <h1>{title}</h1>
      <p>{t("report.link.lead")}</p>
      <h2>{t("report.link.askHeading")}</h2>
      <p>{t("report.link.ask")}</p>
      <Form action={FRESH_LINK_PATH} csrfToken={context.csrfToken}>
        <TextInput name="email" type="email" label={t("report.link.email")} value={state.email} error={errors.of("email")} autocomplete="email" spellcheck={false} width="medium" />
        <Button>{t("report.link.send")}</Button>
      </Form>
    </Page>
  );
}
