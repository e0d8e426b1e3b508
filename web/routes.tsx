/**
 * The pages, on the same Hono app as the API (mounted in functions/api/app.ts). Each route is a few lines: find
 * out who is asking and in which language, read the input, render a page. Errors render as pages too, in the
 * person's language, never as JSON.
 */
import { Hono, type Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { AppDependencies } from "../functions/api/app";
import { CsrfRejectedError } from "../functions/api/auth/csrf";
import type { StaffPrincipal } from "../functions/api/auth/principal";
import type { AppEnv } from "../functions/api/env";
import { assetAt } from "./assets";
import type { PageContext } from "./context";
import { formPoster, formToken } from "./csrf";
import { messagesFor } from "./i18n/catalogue";
import { LANGUAGE_QUERY, pageLanguage } from "./i18n/language";
import { AccessibilityPage } from "./pages/accessibility";
import { ErrorPage, type PageProblem } from "./pages/errors";
import { HELP_PATH, HelpPage } from "./pages/help";
import { HomePage } from "./pages/home";
import { REMINDER_DATES_PATH, ReminderDatesPage, readReminderForm } from "./pages/reminder-dates";
import { SignInPage } from "./pages/sign-in";

export type WebDependencies = Pick<AppDependencies, "authenticate" | "appOrigin" | "log">;

export function webRoutes(dependencies: WebDependencies): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.onError(async (error, c) => {
    if (error instanceof CsrfRejectedError) return renderPage(c, null, (context) => <ErrorPage context={context} problem="csrf" />, 403);
    dependencies.log({ level: "error", message: "Unhandled error in a page", requestId: c.var.requestId, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return renderPage(c, null, (context) => <ErrorPage context={context} problem="server" />, 500);
  });

  routes.get("/assets/:file", (c) => {
    const asset = assetAt(c.req.path);
    if (asset === undefined) return renderProblem(c, "notFound", 404);
    const gzip = /\bgzip\b/.test(c.req.header("Accept-Encoding") ?? "");
    return c.body(gzip ? asset.gzipped : asset.body, 200, {
      "Content-Type": asset.contentType,
      "Cache-Control": "public, max-age=31536000, immutable",
      Vary: "Accept-Encoding",
      ...(gzip ? { "Content-Encoding": "gzip" } : {}),
    });
  });

  routes.get("/", async (c) => {
    const principal = await dependencies.authenticate(c);
    if (principal === null) return renderPage(c, null, (context) => <SignInPage context={context} returnTo="/" />);
    return renderPage(c, principal, (context) => <HomePage context={context} principal={principal} />);
  });

  routes.get("/accessibility", async (c) =>
    renderPage(c, await dependencies.authenticate(c), (context) => <AccessibilityPage context={context} />),
  );

  routes.get(HELP_PATH, async (c) => renderPage(c, await dependencies.authenticate(c), (context) => <HelpPage context={context} />));

  routes.get(REMINDER_DATES_PATH, async (c) =>
    renderPage(c, await dependencies.authenticate(c), (context) => <ReminderDatesPage context={context} form={{ values: {}, errors: [] }} />),
  );
  routes.post(REMINDER_DATES_PATH, async (c) => {
    const principal = await formPoster(c, dependencies.authenticate, dependencies.appOrigin);
    const form = readReminderForm(await c.req.parseBody());
    return renderPage(c, principal, (context) => <ReminderDatesPage context={context} form={form} />, form.errors.length === 0 ? 200 : 400);
  });

  return routes;
}

/** A page for a browser that asked for something that is not there; the API's own 404 stays JSON. */
export function renderProblem(c: Context<AppEnv>, problem: PageProblem, status: 404 | 403 | 500): Response | Promise<Response> {
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
  status: 200 | 400 | 403 | 404 | 500 = 200,
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
