/**
 * A timeline of what happened, newest last: each entry says what, when and who, and each value it changed from
 * what to what. Used for an agreement's audit trail; the words come translated, the "from → to" is the
 * component's own so a screen reader says it as words rather than an arrow.
 */
import { useContext } from "hono/jsx";
import { MessagesContext } from "./messages-context";

export interface TimelineChange {
  field: string;
  from: string;
  to: string;
}

export interface TimelineEntry {
  what: string;
  /** The instant, written out for people; `at` is its ISO form for the <time> element. */
  when: string;
  at: string;
  who: string;
  changes: readonly TimelineChange[];
  note?: string | undefined;
}

export function Timeline({ entries }: { entries: readonly TimelineEntry[] }) {
  const { t } = useContext(MessagesContext);
  return (
    <ol class="timeline">
      {entries.map((entry) => (
        <li class="timeline__entry">
          <h3 class="timeline__what">{entry.what}</h3>
          <p class="timeline__meta">
            <time datetime={entry.at}>{entry.when}</time>
            <span aria-hidden="true"> · </span>
            <span class="visually-hidden">, </span>
            {t("timeline.by", { who: entry.who })}
          </p>
          {entry.changes.length === 0 ? null : (
            <ul class="timeline__changes">
              {entry.changes.map((change) => (
                <li>
                  <span class="timeline__field">{change.field}:</span> <span class="timeline__from">{change.from}</span>{" "}
                  <span aria-hidden="true">→</span>
                  <span class="visually-hidden">{t("timeline.changedTo")}</span> <span class="timeline__to">{change.to}</span>
                </li>
              ))}
            </ul>
          )}
          {entry.note === undefined ? null : <p class="timeline__note">{entry.note}</p>}
        </li>
      ))}
    </ol>
  );
}
