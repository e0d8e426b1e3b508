/**
 * Which language a request is answered in: the page's `lang` query parameter (the language switch), then the
 * person's earlier choice in a cookie, then the browser's Accept-Language, and Swedish when none says.
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from "./catalogue";

export const LANGUAGE_COOKIE = "__Host-iop-lang";
export const LANGUAGE_QUERY = "lang";
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

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

/** The page language; a `lang` in the query is remembered in a cookie, so the next page keeps it. */
export function pageLanguage(c: Context): Language {
  const asked = c.req.query(LANGUAGE_QUERY);
  if (isLanguage(asked)) {
    if (getCookie(c, LANGUAGE_COOKIE) !== asked) {
      setCookie(c, LANGUAGE_COOKIE, asked, { path: "/", secure: true, httpOnly: true, sameSite: "Lax", maxAge: ONE_YEAR_SECONDS });
    }
    return asked;
  }
  const remembered = getCookie(c, LANGUAGE_COOKIE);
  if (isLanguage(remembered)) return remembered;
  return fromAcceptLanguage(c.req.header("Accept-Language")) ?? DEFAULT_LANGUAGE;
}
