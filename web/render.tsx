/**
 * How every page is answered: in the request's language, with the CSRF token its forms carry, and headers that keep
 * a person's page out of shared caches. Kept apart from web/routes.tsx so each area's routes (web/routes/*.tsx)
 * can use it.
 */
import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { StaffPrincipal } from "../functions/api/auth/principal";
import type { AppEnv } from "../functions/api/env";
import type { PageContext } from "./context";
import { formToken } from "./csrf";
import { messagesFor } from "./i18n/catalogue";
import { LANGUAGE_QUERY, pageLanguage } from "./i18n/language";
import { ErrorPage, type PageProblem } from "./pages/errors";

/** A page for a browser that asked for something that is not there; the API's own 404 stays JSON. */
export function renderProblem(c: Context<AppEnv>, problem: PageProblem, status: ContentfulStatusCode): Response | Promise<Response> {
  return renderPage(c, null, (context) => <ErrorPage context={context} problem={problem} />, status);
}

/**
 * Renders a page in the request's language. Pages differ by person and language, so no shared cache may keep
 * them; a signed-in page is not stored at all.
 */
export function renderPage(
  c: Context<AppEnv>,
  principal: StaffPrincipal | null,
  page: (context: PageContext) => JSX.Element,
  status: ContentfulStatusCode = 200,
): Response | Promise<Response> {
  const messages = messagesFor(pageLanguage(c));
  const url = new URL(c.req.url);
  url.searchParams.delete(LANGUAGE_QUERY);
  const context: PageContext = {
    messages,
    principal,
    csrfToken: formToken(c, principal),
    path: `${url.pathname}${url.search}`,
    requestId: c.var.requestId,
  };
  c.header("Content-Language", messages.lang);
  c.header("Cache-Control", principal === null ? "private, no-cache" : "no-store");
  c.header("Vary", "Cookie, Accept-Language");
  // A hono/jsx element is its HTML, or a promise of it when a component is async.
  return c.html(Promise.resolve(page(context)).then((html) => `<!DOCTYPE html>${html}`), status);
}
