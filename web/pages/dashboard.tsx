/**
 * The signed-in start page: counts by status, agreements ending soon, and what needs doing (decisions, notice
 * dates, reports, stopped workflows, undeliverable addresses). Each count links to what it counts: the agreement
 * list with the API's filters, or the list further down this page where what is counted is not an agreement.
 */
import type { Child } from "hono/jsx";
import { STATUSES } from "../../functions/domain/agreement";
import type { AgreementRef, Dashboard, ReportDue } from "../../functions/app/dashboard";
import { NOTICE_WITHIN_DAYS, REPORTS_DUE_WITHIN_DAYS } from "../../functions/app/dashboard";
import { Figures } from "../components/figures";
import { Page } from "../components/layout";
import { Table } from "../components/table";
import type { PageContext } from "../context";
import type { Messages } from "../i18n/catalogue";
import { agreementListPath } from "./agreement-list";

/** Where each list below the figures starts, for the figures to link to. */
const SECTIONS = {
  notice: "notice-dates",
  reportsDue: "reports-due",
  reportsOverdue: "reports-overdue",
  reportsReview: "reports-review",
  failed: "failed-workflows",
  uncertain: "uncertain-reminders",
  undeliverable: "undeliverable",
} as const;

export function AgreementLink({ agreement, messages }: { agreement: AgreementRef; messages: Messages }) {
  return <a href={`/agreements/${encodeURIComponent(agreement.id)}`}>{agreement.title ?? messages.t("dashboard.untitled", { id: agreement.id })}</a>;
}

/** Rows a list on the dashboard shows at most, so the page stays light however much is overdue. */
export const MAX_SECTION_ROWS = 25;

/** A list the figures link to: its heading is the link's target; "none" rather than an empty table. */
function Section({ id, heading, intro, head, rows, messages }: {
  id: string;
  heading: string;
  intro?: string;
  head: string[];
  rows: Child[][];
  messages: Messages;
}) {
  const { t, number } = messages;
  return (
    <>
      <h2 id={id}>{heading}</h2>
      {intro === undefined ? null : <p>{intro}</p>}
      {rows.length === 0 ? <p>{t("dashboard.none")}</p> : <Table caption={heading} captionVisible={false} head={head} rows={rows.slice(0, MAX_SECTION_ROWS)} />}
      {rows.length > MAX_SECTION_ROWS ? <p>{t("dashboard.firstOf", { shown: number(MAX_SECTION_ROWS), count: number(rows.length) })}</p> : null}
    </>
  );
}

export function DashboardPage({ context, dashboard }: { context: PageContext; dashboard: Dashboard }) {
  const messages = context.messages;
  const { t, number, date, dateTime } = messages;
  const reportRows = (reports: ReportDue[]) =>
    reports.map((report) => [<AgreementLink agreement={report.agreement} messages={messages} />, report.requirementId, date(report.dueDate)]);
  const reportHead = [t("dashboard.agreement"), t("dashboard.requirement"), t("dashboard.dueDate")];
  return (
    <Page context={context} title={t("dashboard.title")}>
      <h1>{t("dashboard.title")}</h1>
      <p class="lead">{t("dashboard.lead", { date: date(dashboard.today) })}</p>

      <h2>{t("dashboard.todoHeading")}</h2>
      <Figures
        figures={[
          { count: number(dashboard.byStatus.proposed), label: t("dashboard.proposals"), href: agreementListPath({ status: "proposed" }) },
          { count: number(dashboard.noticeDates.length), label: t("dashboard.noticeDates", { days: NOTICE_WITHIN_DAYS }), href: `#${SECTIONS.notice}` },
          { count: number(dashboard.reports.due.length), label: t("dashboard.reportsDue", { days: REPORTS_DUE_WITHIN_DAYS }), href: `#${SECTIONS.reportsDue}` },
          { count: number(dashboard.reports.overdue.length), label: t("dashboard.reportsOverdue"), href: `#${SECTIONS.reportsOverdue}` },
          { count: number(dashboard.reports.awaitingReview.length), label: t("dashboard.reportsAwaitingReview"), href: `#${SECTIONS.reportsReview}` },
          { count: number(dashboard.failedWorkflows.length), label: t("dashboard.failedWorkflows"), href: `#${SECTIONS.failed}` },
          { count: number(dashboard.uncertainReminders.length), label: t("dashboard.uncertainReminders"), href: `#${SECTIONS.uncertain}` },
          { count: number(dashboard.undeliverable.length), label: t("dashboard.undeliverable"), href: `#${SECTIONS.undeliverable}` },
        ]}
      />

      <h2>{t("dashboard.endingHeading")}</h2>
      <Figures
        figures={dashboard.ending.map((ending) => ({
          count: number(ending.count),
          label: t("dashboard.endingWithin", { days: ending.days }),
          href: agreementListPath({ status: "active", endsBefore: ending.endsBefore }),
        }))}
      />

      <h2>{t("dashboard.byStatusHeading")}</h2>
      <Figures
        figures={STATUSES.map((status) => ({ count: number(dashboard.byStatus[status]), label: t(`status.${status}`), href: agreementListPath({ status }) }))}
      />
      <p>
        <a href={agreementListPath({})}>{t("dashboard.listLink")}</a>
      </p>

      <Section
        id={SECTIONS.notice}
        heading={t("dashboard.noticeHeading")}
        head={[t("dashboard.agreement"), t("dashboard.noticeDate"), t("dashboard.endDate")]}
        rows={dashboard.noticeDates.map((entry) => [<AgreementLink agreement={entry.agreement} messages={messages} />, date(entry.noticeDate), date(entry.endDate)])}
        messages={messages}
      />
      <Section id={SECTIONS.reportsDue} heading={t("dashboard.reportsDueHeading")} head={reportHead} rows={reportRows(dashboard.reports.due)} messages={messages} />
      <Section id={SECTIONS.reportsOverdue} heading={t("dashboard.reportsOverdueHeading")} head={reportHead} rows={reportRows(dashboard.reports.overdue)} messages={messages} />
      <Section id={SECTIONS.reportsReview} heading={t("dashboard.reportsReviewHeading")} head={reportHead} rows={reportRows(dashboard.reports.awaitingReview)} messages={messages} />
      <Section
        id={SECTIONS.failed}
        heading={t("dashboard.failedHeading")}
        intro={t("dashboard.failedIntro")}
        head={[t("dashboard.agreement"), t("dashboard.failedAt"), t("dashboard.failedError")]}
        rows={dashboard.failedWorkflows.map((failed) => [<AgreementLink agreement={failed.agreement} messages={messages} />, dateTime(new Date(failed.at)), failed.error])}
        messages={messages}
      />
      <Section
        id={SECTIONS.uncertain}
        heading={t("dashboard.uncertainHeading")}
        intro={t("dashboard.uncertainIntro")}
        head={[t("dashboard.agreement"), t("dashboard.uncertainReminder"), t("dashboard.uncertainSince")]}
        rows={dashboard.uncertainReminders.map(({ agreement, reminder }) => [
          <AgreementLink agreement={agreement} messages={messages} />,
          t(`agreement.reminders.kind.${reminder.kind}`, { date: date(reminder.concerns) }),
          dateTime(new Date(reminder.updatedAt)),
        ])}
        messages={messages}
      />
      <Section
        id={SECTIONS.undeliverable}
        heading={t("dashboard.undeliverableHeading")}
        intro={t("dashboard.undeliverableIntro")}
        head={[t("dashboard.address"), t("dashboard.reason"), t("dashboard.reportedAt"), t("dashboard.usedBy")]}
        rows={dashboard.undeliverable.map((address) => [
          address.address,
          t(`dashboard.reason.${address.reason}`),
          dateTime(new Date(address.reportedAt)),
          <ul class="list">
            {address.agreements.map((agreement) => (
              <li>
                <AgreementLink agreement={agreement} messages={messages} />
              </li>
            ))}
          </ul>,
        ])}
        messages={messages}
      />
    </Page>
  );
}
