/**
 * A report's answers as a summary list: what the association checks before sending, what its receipt shows, and
 * what staff read in each version. One rendering, so all three show the same answer the same way.
 */
import type { Child } from "hono/jsx";
import type { DraftReportContent } from "../../functions/domain/reports";
import { SummaryList, type SummaryRow } from "../components/summary-list";
import type { Messages } from "../i18n/catalogue";

/** Which step of the form asks each answer: the check page's change links go there. */
export type AnswerStep = "activities" | "people" | "outcomes" | "money" | "comments" | "attachments";

/** A file's size as people read it: "340 kB", "1,2 MB". */
export function fileSize(bytes: number, messages: Messages): string {
  const megabytes = bytes >= 1024 * 1024;
  return new Intl.NumberFormat(messages.locale, {
    style: "unit",
    unit: megabytes ? "megabyte" : "kilobyte",
    maximumFractionDigits: 1,
  }).format(megabytes ? bytes / (1024 * 1024) : Math.max(0.1, bytes / 1024));
}

export interface ReportAnswersProps {
  messages: Messages;
  content: DraftReportContent;
  attachments: readonly { fileName: string; size: number }[];
  /** Where each answer is changed; without it the list only shows. */
  changeHref?: (step: AnswerStep) => string;
}

export function ReportAnswers({ messages, content, attachments, changeHref }: ReportAnswersProps) {
  const { t, amount, number } = messages;
  const missing = <span class="report-missing">{t("report.check.missing")}</span>;
  const row = (key: string, step: AnswerStep, value: unknown, show: () => Child): SummaryRow => ({
    key,
    value: value === undefined ? missing : show(),
    ...(changeHref === undefined ? {} : { changeHref: changeHref(step) }),
  });
  const rows: SummaryRow[] = [
    row(t("report.answer.activities"), "activities", content.activities, () => (
      <ul class="list">
        {content.activities!.map((activity) => (
          <li class="report-answer">{activity.subEffort === undefined ? activity.description : `${activity.subEffort}: ${activity.description}`}</li>
        ))}
      </ul>
    )),
    row(t("report.answer.peopleReached"), "people", content.peopleReached, () => number(content.peopleReached!)),
    row(t("report.answer.outcomes"), "outcomes", content.outcomes, () => (
      <dl class="report-outcomes">
        {content.outcomes!.map((outcome) => (
          <>
            <dt>{outcome.goal}</dt>
            <dd class="report-answer">{outcome.outcome}</dd>
          </>
        ))}
      </dl>
    )),
    row(t("report.answer.received"), "money", content.money, () => amount(content.money!.receivedSek)),
    row(t("report.answer.spent"), "money", content.money, () => amount(content.money!.spentSek)),
    // Optional: nothing written is an answer too.
    row(t("report.answer.comments"), "comments", "", () => (
      <span class="report-answer">{content.comments === undefined || content.comments === "" ? t("report.answer.none") : content.comments}</span>
    )),
    {
      key: t("report.answer.attachments"),
      value:
        attachments.length === 0 ? (
          t("report.answer.none")
        ) : (
          <ul class="list">
            {attachments.map((file) => (
              <li>{`${file.fileName} (${fileSize(file.size, messages)})`}</li>
            ))}
          </ul>
        ),
      ...(changeHref === undefined ? {} : { changeHref: changeHref("attachments") }),
    },
  ];
  return <SummaryList rows={rows} />;
}
