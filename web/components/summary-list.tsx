/** Key-value rows, as on a check-your-answers page: each row may link to where the answer is changed. */
import type { Child } from "hono/jsx";
import { useContext } from "hono/jsx";
import { MessagesContext } from "./messages-context";

export interface SummaryRow {
  key: string;
  value: Child;
  /** Where to change the answer; the link says which answer to screen readers too. */
  changeHref?: string;
}

export function SummaryList({ rows }: { rows: readonly SummaryRow[] }) {
  const { t } = useContext(MessagesContext);
  return (
    <dl class="summary-list">
      {rows.map((row) => (
        <div class="summary-list__row">
          <dt class="summary-list__key">{row.key}</dt>
          <dd class="summary-list__value">{row.value}</dd>
          {row.changeHref === undefined ? null : (
            <dd class="summary-list__actions">
              <a href={row.changeHref}>
                {t("summaryList.change")}
                <span class="visually-hidden"> {row.key}</span>
              </a>
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}
