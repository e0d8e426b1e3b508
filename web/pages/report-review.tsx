/**
 * Staff's page of one association report: its status, every version the association sent (newest first, each with
 * its receipt, answers and attachments to download), what happened to it, and the review form while it waits for
 * review: accept it, or ask for a supplement with a comment the association gets by email.
 */
import type { Agreement } from "../../functions/domain/agreement";
import type { FieldError } from "../../functions/domain/errors";
import { requirementFor, type Report, type ReportVersion } from "../../functions/domain/reports";
import { Button } from "../components/button";
import { ErrorSummary } from "../components/error-summary";
import { Radios, Textarea } from "../components/fields";
import { Form } from "../components/form";
import { Page } from "../components/layout";
import { NotificationBanner } from "../components/notification-banner";
import { SummaryList } from "../components/summary-list";
import type { PageContext } from "../context";
import { formErrors } from "../form-errors";
import { fileSize, ReportAnswers } from "./report-answers";

/** `/reports/<reportId>?agreement=<agreementId>`: a report id names a requirement's due date within one agreement. */
export function reviewPath(agreementId: string, reportId: string, below = ""): string {
  return `/reports/${encodeURIComponent(reportId)}${below}?${new URLSearchParams({ agreement: agreementId }).toString()}`;
}

export interface ReviewState {
  values: { outcome?: string; comment?: string };
  errors: readonly FieldError[];
  /** What the last action did: shown above the page. */
  outcome?: "accepted" | "supplement-requested" | "emailFailed" | "notWaiting";
}

export interface ReviewPageProps {
  context: PageContext;
  agreement: Agreement;
  report: Report;
  versions: readonly ReportVersion[];
  state: ReviewState;
}

export function ReportReviewPage({ context, agreement, report, versions, state }: ReviewPageProps) {
  const { messages } = context;
  const { t, date, dateTime } = messages;
  const requirement = requirementFor(agreement, report.requirementId, report.dueDate);
  const title = t("review.title", { report: t(`report.kind.${requirement?.kind ?? "other"}`), due: date(report.dueDate) });
  const errors = formErrors(state.errors, messages, { outcome: t("review.outcome"), comment: t("review.comment") });
  const newestFirst = [...versions].reverse();
  return (
    <Page context={context} title={title} hasErrors={errors.summary.length > 0}>
      <ErrorSummary errors={errors.summary} />
      {state.outcome === "accepted" || state.outcome === "supplement-requested" ? (
        <NotificationBanner kind="success">
          <p>{t(`review.saved.${state.outcome}`)}</p>
        </NotificationBanner>
      ) : null}
      {state.outcome === "emailFailed" || state.outcome === "notWaiting" ? (
        <NotificationBanner>
          <p>{t(state.outcome === "emailFailed" ? "review.emailFailed" : "review.notWaiting")}</p>
        </NotificationBanner>
      ) : null}
      <p>
        <a href={`/agreements/${encodeURIComponent(agreement.id)}`} class="back-link">
          {t("review.backToAgreement")}
        </a>
      </p>
      <span class="caption">{agreement.title ?? agreement.id}</span>
      <h1>{title}</h1>
      <SummaryList
        rows={[
          { key: t("review.agreement"), value: <a href={`/agreements/${encodeURIComponent(agreement.id)}`}>{agreement.title ?? agreement.id}</a> },
          { key: t("review.status"), value: t(`review.status.${report.status}`) },
          { key: t("review.due"), value: date(report.dueDate) },
          { key: t("review.contact"), value: report.contactEmail },
        ]}
      />
      {report.status === "submitted" ? (
        <>
          <h2>{t("review.formHeading")}</h2>
          <Form action={reviewPath(agreement.id, report.reportId, "/review")} csrfToken={context.csrfToken}>
            <Radios
              name="outcome"
              legend={t("review.outcome")}
              value={state.values.outcome}
              error={errors.of("outcome")}
              options={[
                { value: "accepted", text: t("review.outcome.accepted") },
                { value: "supplement-requested", text: t("review.outcome.supplement-requested"), hint: t("review.outcome.supplementHint") },
              ]}
            />
            <Textarea name="comment" label={t("review.comment")} hint={t("review.commentHint")} value={state.values.comment} error={errors.of("comment")} rows={5} />
            <Button>{t("review.send")}</Button>
          </Form>
        </>
      ) : null}
      <h2>{t("review.versionsHeading")}</h2>
      {newestFirst.length === 0 ? <p>{t("review.noVersions")}</p> : null}
      {newestFirst.map((version, index) => (
        <section class="report-version" aria-labelledby={`version-${version.number}`}>
          <h3 id={`version-${version.number}`}>
            {t("review.version", { number: version.number })}
            {index === 0 ? ` (${t("review.latest")})` : ""}
          </h3>
          <SummaryList
            rows={[
              { key: t("report.receipt.reference"), value: version.receipt.number },
              { key: t("report.receipt.sentAt"), value: dateTime(new Date(version.receipt.submittedAt)) },
              { key: t("report.receipt.sentBy"), value: version.receipt.submittedBy },
            ]}
          />
          <ReportAnswers messages={messages} content={version.content} attachments={version.attachments} />
          {version.attachments.length === 0 ? null : (
            <ul class="list">
              {version.attachments.map((attachment) => (
                <li>
                  <a href={reviewPath(agreement.id, report.reportId, `/attachments/${attachment.id}`)}>
                    {t("review.download", { name: attachment.fileName, size: fileSize(attachment.size, messages) })}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      {report.history.length === 0 ? null : (
        <>
          <h2>{t("review.historyHeading")}</h2>
          <ul class="list">
            {[...report.history].reverse().map((entry) => (
              <li>
                {`${dateTime(new Date(entry.at))}: ${t(`review.history.${entry.action}`, { by: entry.by })}`}
                {entry.comment === undefined ? null : <blockquote class="report-comment">{entry.comment}</blockquote>}
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
