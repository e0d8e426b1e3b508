/**
 * The dashboard (`/`), the agreement list (`/agreements`) and the calendar-feed address the list offers. Each
 * route reads who is asking, calls the use case, and renders; anonymous visitors get the sign-in page.
 */
import { Hono, type Context } from "hono";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import type { AppEnv } from "../../functions/api/env";
import { filtersOf, listQuerySchema } from "../../functions/api/schemas";
import { fieldErrorsFromZod } from "../../functions/domain/errors";
import { InvalidCursorError } from "../../functions/store/errors";
import { formPoster } from "../csrf";
import { AGREEMENT_LIST_PATH, AgreementListPage, CALENDAR_FEED_PATH, type AgreementListResult } from "../pages/agreement-list";
import { CalendarFeedPage } from "../pages/calendar-feed";
import { DashboardPage } from "../pages/dashboard";
import { SignInPage } from "../pages/sign-in";
import { renderPage } from "../render";
import type { WebDependencies } from "../routes";

const LIST_PARAMETERS = new Set(Object.keys(listQuerySchema.shape));

export function dashboardRoutes(dependencies: WebDependencies): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const { application } = dependencies;

  /** The signed-in person, or the sign-in page that brings them back here. */
  async function signedIn(c: Context<AppEnv>): Promise<StaffPrincipal | Response> {
    const principal = await dependencies.authenticate(c);
    if (principal !== null) return principal;
    const url = new URL(c.req.url);
    return renderPage(c, null, (context) => <SignInPage context={context} returnTo={`${url.pathname}${url.search}`} />);
  }

  routes.get("/", async (c) => {
    const principal = await signedIn(c);
    if (principal instanceof Response) return principal;
    const dashboard = await application.dashboard.overview(principal);
    return renderPage(c, principal, (context) => <DashboardPage context={context} dashboard={dashboard} />);
  });

  routes.get(AGREEMENT_LIST_PATH, async (c) => {
    const principal = await signedIn(c);
    if (principal instanceof Response) return principal;
    // An empty field of the GET form means "no filter"; other parameters (the language switch's) are not the list's.
    const typed: Record<string, string> = Object.fromEntries(
      Object.entries(c.req.query()).filter(([name, value]) => LIST_PARAMETERS.has(name) && value.trim() !== ""),
    );
    const parsed = listQuerySchema.safeParse(typed);
    let result: AgreementListResult;
    if (!parsed.success) {
      result = { kind: "invalid", errors: fieldErrorsFromZod(parsed.error) };
    } else {
      const query = parsed.data;
      try {
        const page = await application.agreements.search(principal, filtersOf(query), { limit: query.limit, cursor: query.cursor });
        result = { kind: "page", query, agreements: page.items, cursor: page.cursor };
      } catch (error) {
        if (!(error instanceof InvalidCursorError)) throw error;
        result = { kind: "staleCursor", query: { ...query, cursor: undefined } };
      }
    }
    return renderPage(c, principal, (context) => <AgreementListPage context={context} typed={typed} result={result} />, result.kind === "page" ? 200 : 400);
  });

  routes.post(CALENDAR_FEED_PATH, async (c) => {
    const principal = await formPoster(c, dependencies.authenticate, dependencies.appOrigin);
    if (principal === null) return renderPage(c, null, (context) => <SignInPage context={context} returnTo={AGREEMENT_LIST_PATH} />);
    const feed = await application.exports.rotateCalendarFeed(principal);
    return renderPage(c, principal, (context) => <CalendarFeedPage context={context} url={feed.url} />);
  });

  return routes;
}
