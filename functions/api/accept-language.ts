/**
 * Which of our languages a request's Accept-Language header asks for: the JSON API's problem details and the pages
 * (web/i18n/language.ts) both answer by it.
 */
import { LANGUAGES, type Language } from "../email/reminder-message";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The first of our languages the Accept-Language header asks for, by quality (RFC 9110 §12.5.4); null when it
 * names none of them. "sv-FI" and "en-US" count as Swedish and English.
 */
export function fromAcceptLanguage(header: string | undefined): Language | null {
  if (header === undefined) return null;
  const ranges = header
    .split(",")
    .map((part, index) => {
      const [range = "", ...parameters] = part.trim().split(";");
      const quality = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/i.exec(parameter)?.[1]).find((q) => q !== undefined);
      return { language: range.trim().toLowerCase().split("-")[0], quality: quality === undefined ? 1 : Number(quality), index };
    })
    .filter((range) => range.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranges.map((range) => range.language).find(isLanguage) ?? null;
}
