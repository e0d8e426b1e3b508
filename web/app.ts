/**
 * The pages as a route set: staff sign-in in the browser (`/auth/...`) and the pages themselves (routes.tsx). In
 * AWS they are the web Lambda function (functions/handlers/web.ts, behind the HTTP API's default route), which
 * carries none of the JSON API's operations or its OpenAPI document; `npm start` and the tests mount them next to
 * the JSON API on one app (functions/site.ts).
 */
import { Hono } from "hono";
import type { AppEnv } from "../functions/api/env";
import { createSite, withAfterResponse, type RouteSetFrame, type SiteDependencies } from "../functions/api/site";
import { renderProblem } from "./render";
import { webRoutes } from "./routes";

/** What the pages need besides what every route set does (functions/api/site.ts). */
export interface PageDependencies extends SiteDependencies {
  /** Staff sign-in in the browser (`/auth/...`, functions/api/auth/staff-auth.ts). */
  signInRoutes?: Hono<AppEnv>;
}

/** A browser asking for nothing gets a page. */
export const PAGES_FRAME: RouteSetFrame = {
  notFoundPage: (c) => renderProblem(c, "notFound", 404),
};

/** The web Lambda function: the pages alone on the site's frame. */
export function createWebApp(dependencies: PageDependencies): Hono<AppEnv> {
  return createSite(dependencies, PAGES_FRAME, [pageRoutes(dependencies)]);
}

/** Sign-in first, then the pages. */
export function pageRoutes(given: PageDependencies): Hono<AppEnv> {
  const dependencies = withAfterResponse(given);
  const routes = new Hono<AppEnv>();
  if (dependencies.signInRoutes !== undefined) routes.route("/", dependencies.signInRoutes);
  routes.route("/", webRoutes(dependencies));
  return routes;
}
