/**
 * The accessibility statement (tillgänglighetsredogörelse) that the Act on accessibility to digital public
 * services (DOS-lagen, 2018:1937) requires: what it covers, how far the service complies, the known gaps, how to
 * report a problem, the enforcement body (Digg) and the statement's date. Update STATEMENT_DATE with the text.
 */
import type { CalendarDate } from "../../functions/domain/dates";
import { Page } from "../components/layout";
import type { PageContext } from "../context";

export const STATEMENT_DATE: CalendarDate = "2026-11-29";
/** Digg's form for reporting a public website's accessibility gaps. */
const DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan";

export function AccessibilityPage({ context }: { context: PageContext }) {
  const { t, date } = context.messages;
  return (
    <Page context={context} title={t("statement.title")}>
      <h1>{t("statement.title")}</h1>
      <p class="lead">{t("statement.lead")}</p>
      <h2>{t("statement.scopeHeading")}</h2>
      <p>{t("statement.scope")}</p>
      <h2>{t("statement.statusHeading")}</h2>
      <p>{t("statement.status")}</p>
      <h2>{t("statement.gapsHeading")}</h2>
      <ul class="list">
        <li>{t("statement.gap.audit")}</li>
        <li>{t("statement.gap.attachments")}</li>
        <li>{t("statement.gap.apiDocs")}</li>
      </ul>
      <h2>{t("statement.reportHeading")}</h2>
      <p>{t("statement.report")}</p>
      <h2>{t("statement.enforcementHeading")}</h2>
      <p>{t("statement.enforcement")}</p>
      <p>
        <a href={DIGG_REPORT_URL}>{t("statement.enforcementLink")}</a>
      </p>
      <h2>{t("statement.testingHeading")}</h2>
      <p>{t("statement.testing")}</p>
      <p>{t("statement.date", { date: date(STATEMENT_DATE) })}</p>
    </Page>
  );
}
