/**
 * Which language a request is answered in: the page's `lang` query parameter (the language switch), then the
 * person's earlier choice in a cookie, then the browser's Accept-Language, and Swedish when none says.
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { fromAcceptLanguage, isLanguage } from "../../functions/api/accept-language";
import { DEFAULT_LANGUAGE, type Language } from "./catalogue";

export const LANGUAGE_COOKIE = "__Host-iop-lang";
export const LANGUAGE_QUERY = "lang";
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

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
