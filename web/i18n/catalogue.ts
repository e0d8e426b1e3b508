/**
 * The message catalogue's API: one catalogue per language (sv.ts, the default, defines the keys; en.ts must match
 * it), `t` to look a message up and fill in its placeholders, the field errors of the domain in words, and the
 * date, time and amount formats of each language. Pages get one `Messages` per request (web/i18n/language.ts
 * picks the language) and never hold a string of their own.
 */
import type { FieldError } from "../../functions/domain/errors";
import { LANGUAGES, longDate, type Language } from "../../functions/email/reminder-message";
import { TIME_ZONE, type CalendarDate } from "../../functions/domain/dates";
import { fillMessage } from "../../functions/domain/validation-messages";
import { en } from "./en";
import { sv } from "./sv";

export { LANGUAGES, type Language };
export const DEFAULT_LANGUAGE: Language = "sv";

export type MessageKey = keyof typeof sv;
/** A whole catalogue: every key, no other. */
export type Catalogue = Record<MessageKey, string>;
export type MessageParams = Record<string, string | number>;

export const CATALOGUES: Record<Language, Catalogue> = { sv, en };

/** The locale each language formats dates, times and amounts in. */
const LOCALES: Record<Language, string> = { sv: "sv-SE", en: "en-GB" };

export interface Messages {
  lang: Language;
  locale: string;
  /** The message in this language, placeholders ("{name}") filled in from `params`. */
  t(key: MessageKey, params?: MessageParams): string;
  /** A field error as a person should read it: the catalogue's message for its code, else its own text. */
  fieldError(error: FieldError): string;
  /** A calendar date written out: "31 december 2026" / "31 December 2026". */
  date(date: CalendarDate): string;
  /** An instant as a date and time in Stockholm: "1 mars 2026 11:00" / "1 March 2026 at 11:00". */
  dateTime(instant: Date): string;
  /** Kronor: "12 500 kr" / "SEK 12,500". */
  amount(kronor: number): string;
  number(value: number): string;
}

const cache = new Map<Language, Messages>();

export function messagesFor(lang: Language): Messages {
  let messages = cache.get(lang);
  if (messages === undefined) cache.set(lang, (messages = createMessages(lang)));
  return messages;
}

function createMessages(lang: Language): Messages {
  const catalogue = CATALOGUES[lang];
  const locale = LOCALES[lang];
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: TIME_ZONE });
  const wholeKronor = new Intl.NumberFormat(locale, { style: "currency", currency: "SEK", maximumFractionDigits: 0 });
  const kronorAndOre = new Intl.NumberFormat(locale, { style: "currency", currency: "SEK", minimumFractionDigits: 2 });
  const numbers = new Intl.NumberFormat(locale);
  const t = (key: MessageKey, params?: MessageParams) => fillMessage(catalogue[key], params);
  return {
    lang,
    locale,
    t,
    fieldError: (error) => (error.code === undefined ? error.message : t(`validation.${error.code}`, error.params)),
    date: (date) => longDate(date, locale),
    dateTime: (instant) => dateTime.format(instant),
    amount: (kronor) => (Number.isInteger(kronor) ? wholeKronor : kronorAndOre).format(kronor),
    number: (value) => numbers.format(value),
  };
}
