/**
 * Help in plain language: an agreement's statuses, what is recorded, when reminders go out, and the board's
 * colours; the reminder dates of one agreement are worked out on a page of their own (reminder-dates.tsx).
 */
import { ACTIVITY_STATUSES, STATUSES } from "../../functions/domain/agreement";
import { Page } from "../components/layout";
import { ActivityTag, StatusTag } from "../components/tag";
import type { PageContext } from "../context";
import { REMINDER_DATES_PATH } from "./reminder-dates";

export const HELP_PATH = "/help";

export function HelpPage({ context }: { context: PageContext }) {
  const { t } = context.messages;
  return (
    <Page context={context} title={t("help.title")}>
      <h1>{t("help.title")}</h1>
      <p class="lead">{t("help.lead")}</p>

      <h2>{t("help.lifecycleHeading")}</h2>
      <p>{t("help.lifecycleIntro")}</p>
      <ul class="status-list">
        {STATUSES.map((status) => (
          <li>
            <StatusTag status={status} /> {t(`help.status.${status}`)}
          </li>
        ))}
      </ul>

      <h2>{t("help.auditHeading")}</h2>
      <p>{t("help.audit")}</p>

      <h2>{t("help.remindersHeading")}</h2>
      <p>{t("help.reminders")}</p>
      <ul class="list">
        <li>{t("help.reminder.expiry")}</li>
        <li>{t("help.reminder.notice")}</li>
        <li>{t("help.reminder.reportDue")}</li>
        <li>{t("help.reminder.reportOverdue")}</li>
      </ul>
      <p>{t("help.remindersOnce")}</p>

      <h2>{t("help.boardHeading")}</h2>
      <p>{t("help.board")}</p>
      <ul class="status-list">
        {[...ACTIVITY_STATUSES].reverse().map((status) => (
          <li>
            <ActivityTag status={status} />
          </li>
        ))}
      </ul>

      <h2>{t("help.calculatorHeading")}</h2>
      <p>{t("help.calculatorIntro")}</p>
      <p>
        <a href={REMINDER_DATES_PATH}>{t("help.calculatorLink")}</a>
      </p>
    </Page>
  );
}
