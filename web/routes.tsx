/**
 * The pages (mounted after staff sign-in by web/app.ts). Each route is a few lines: find out who is asking and in
 * which language, read the input, render a page. Errors render as pages too, in the
 * person's language, never as JSON.
 */
import { Hono } from "hono";
import { CsrfRejectedError } from "../functions/api/auth/csrf";
import type { AppEnv } from "../functions/api/env";
import type { SiteDependencies } from "../functions/api/site";
import { UseCaseError } from "../functions/app/errors";
import { STORE_RETRY_AFTER_SECONDS } from "../functions/api/problems";
import { StoreUnavailableError } from "../functions/store/errors";
import { assetAt } from "./assets";
import { formPoster } from "./csrf";
import { draftRoutes } from "./routes/draft";
import { AccessibilityPage } from "./pages/accessibility";
import { ErrorPage } from "./pages/errors";
import { HELP_PATH, HelpPage } from "./pages/help";
import { REMINDER_DATES_PATH, ReminderDatesPage, readReminderForm } from "./pages/reminder-dates";
import { renderPage, renderProblem } from "./render";
import { agreementRoutes } from "./routes/agreement";
import { reportRoutes } from "./routes/report";
import { reviewRoutes } from "./routes/review";
import { dashboardRoutes } from "./routes/dashboard";

/** What the pages need: who is asking, the use cases they call (never the API over HTTP), and the log. */
export type WebDependencies = Pick<SiteDependencies, "application" | "authenticate" | "appOrigin" | "clientAddress" | "log"> &
  Required<Pick<SiteDependencies, "afterResponse">>;

export function webRoutes(dependencies: WebDependencies): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.onError(async (error, c) => {
    if (error instanceof CsrfRejectedError) return renderPage(c, null, (context) => <ErrorPage context={context} problem="csrf" />, 403);
    // A use case's refusal no form explains: something not there (or not to be seen), or a role that may not.
    if (error instanceof UseCaseError && error.kind === "not-found") return renderProblem(c, "notFound", 404);
    if (error instanceof UseCaseError && error.kind === "forbidden") return renderProblem(c, "forbidden", 403);
    if (error instanceof StoreUnavailableError) {
      c.header("Retry-After", String(STORE_RETRY_AFTER_SECONDS));
      return renderPage(c, null, (context) => <ErrorPage context={context} problem="unavailable" />, 503);
    }
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

  // Before any /agreements/:id route: /agreements/new is the draft form, not an agreement called "new".
  routes.route("/", draftRoutes(dependencies));
  routes.route("/", dashboardRoutes(dependencies));

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

  routes.route("/", agreementRoutes(dependencies));
  routes.route("/", reportRoutes(dependencies));
  routes.route("/", reviewRoutes(dependencies));

  return routes;
}
