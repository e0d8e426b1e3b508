/**
 * After a save that lost to someone else's: what is saved now next to what the person typed, field by field, in a
 * banner above the form, which still holds what they typed. Used by every form that carries the version it was
 * read at (the draft's sections, the report's steps); the words come translated.
 */
import type { Messages } from "../i18n/catalogue";
import { NotificationBanner } from "./notification-banner";
import { Table } from "./table";

export interface StaleWords {
  title: string;
  body: string;
  caption: string;
  field: string;
  current: string;
  yours: string;
  /** Shown for a field left empty. */
  empty: string;
}

/** An area's words for the comparison: its catalogue's `<area>.stale.*` keys. */
export function staleWords({ t }: Messages, area: "draft" | "report"): StaleWords {
  return {
    title: t(`${area}.stale.title`),
    body: t(`${area}.stale.body`),
    caption: t(`${area}.stale.caption`),
    field: t(`${area}.stale.field`),
    current: t(`${area}.stale.current`),
    yours: t(`${area}.stale.yours`),
    empty: t(`${area}.stale.empty`),
  };
}

export function StaleComparison({ words, current, values, labelOf, compared = () => true }: {
  words: StaleWords;
  /** What is saved now, and what was typed, by field name. */
  current: Readonly<Record<string, string>>;
  values: Readonly<Record<string, string>>;
  labelOf: (name: string) => string;
  /** Which fields to show when they differ (not hidden ones). */
  compared?: (name: string) => boolean;
}) {
  const names = [...new Set([...Object.keys(current), ...Object.keys(values)])].filter((name) => (current[name] ?? "") !== (values[name] ?? "") && compared(name));
  const shown = (value: string | undefined) => (value === undefined || value.trim() === "" ? words.empty : value);
  return (
    <NotificationBanner>
      <p class="notification-banner__heading">{words.title}</p>
      <p>{words.body}</p>
      {names.length === 0 ? null : (
        <Table caption={words.caption} head={[words.field, words.current, words.yours]} rows={names.map((name) => [labelOf(name), shown(current[name]), shown(values[name])])} />
      )}
    </NotificationBanner>
  );
}
