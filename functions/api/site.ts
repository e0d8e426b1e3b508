/**
 * What every request to the site goes through, whichever route set answers it: the request context (so every
 * response and log line has the request id), the security headers and body limits, errors as problems, and the
 * answer when nothing is at a path. The JSON API (functions/api/app.ts) and the pages (web/app.ts) are route sets
 * mounted on this frame: in AWS each in a Lambda function of its own (functions/handlers/api.ts, web.ts), with
 * `npm start` and the tests both on one app (functions/site.ts).
 */
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { METHOD_NAME_ALL } from "hono/router";
import type { Application } from "../app/application";
import type { StaffPrincipal } from "./auth/principal";
import type { AppEnv } from "./env";
import { requestContext, type Log } from "./logging";
import { problemFor, problemResponse } from "./problems";
import { bodyLimits, securityHeaders } from "./security";

/** What both route sets need from outside; injected so the same routes run in Lambda, locally and in the tests. */
export interface SiteDependencies {
  /** The use cases every route calls (functions/app/application.ts). */
  application: Application;
  /** The site's public origin, e.g. https://iop.kommun.se: security headers, sign-in and CSRF checks depend on it. */
  appOrigin: string;
  /**
   * Where browsers upload attachments (the bucket's origin): the report form's script may connect there with
   * presigned PUTs (Content-Security-Policy `connect-src`), and its form without the script may post there
   * (`form-action`). Without it the pages can upload nothing.
   */
  uploadOrigin?: string;
  /** Who is calling: a Bearer token or the session cookie (functions/api/auth/staff-auth.ts); null when anonymous. */
  authenticate(c: Context<AppEnv>): Promise<StaffPrincipal | null>;
  /** The caller's network address, for rate limits and the health check's details: from the platform, never a header. */
  clientAddress(c: Context<AppEnv>): string;
  /**
   * Runs work a request leaves for after its answer (e.g. sending the links a fresh-link request asked for); by
   * default on the event loop's next turn, once the handler has answered (see {@link withAfterResponse}).
   */
  afterResponse?: (work: () => Promise<unknown>) => void;
  log: Log;
}

/** What a route set asks of the frame besides its routes. */
export interface RouteSetFrame {
  /** How a person in a browser learns that nothing is at a path outside /api: a page, where there are pages. */
  notFoundPage?: (c: Context<AppEnv>) => Response | Promise<Response>;
}

/** `dependencies` with {@link SiteDependencies.afterResponse} filled in: failures of the work are logged. */
export function withAfterResponse<D extends SiteDependencies>(dependencies: D): D & Required<Pick<SiteDependencies, "afterResponse">> {
  const afterResponse =
    dependencies.afterResponse ??
    ((work: () => Promise<unknown>) => {
      setImmediate(() => {
        work().catch((error: unknown) => dependencies.log({ level: "error", message: "Work after a response failed", error: String(error) }));
      });
    });
  return { ...dependencies, afterResponse };
}

/** The frame with `routeSets` mounted at the root, in order: the first route that matches a request answers it. */
export function createSite(dependencies: SiteDependencies, frame: RouteSetFrame, routeSets: readonly Hono<AppEnv>[]): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestContext(dependencies.log));
  app.use(securityHeaders(dependencies.appOrigin, dependencies.uploadOrigin), bodyLimits());

  app.onError((error, c) => {
    const problem = problemFor(error);
    if (problem !== null) {
      return problemResponse(c, problem.status, problem.title, problem.detail, problem.options.errors, problem.options);
    }
    if (error instanceof HTTPException) {
      return error.res ?? problemResponse(c, error.status, "Request refused", error.message);
    }
    dependencies.log({ level: "error", message: "Unhandled error", requestId: c.var.requestId, error: error.stack ?? String(error) });
    return problemResponse(c, 500, "Internal error", "Something went wrong on our side; quote the request id if you report it");
  });
  // A method the path does not take is 405 with Allow; nothing there at all is 404, a page for a person in a browser.
  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0) {
      return problemResponse(c, 405, "Method not allowed", `${c.req.path} does not take ${c.req.method}; it takes ${allowed.join(", ")}`, undefined, {
        headers: { Allow: allowed.join(", ") },
      });
    }
    return frame.notFoundPage !== undefined && !c.req.path.startsWith("/api/") && /\btext\/html\b/.test(c.req.header("Accept") ?? "")
      ? frame.notFoundPage(c)
      : problemResponse(c, 404, "Not found", `Nothing at ${c.req.method} ${c.req.path}`);
  });

  for (const routes of routeSets) app.route("/", routes);
  return app;
}

/** The order an Allow header lists methods in. */
const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * The methods some route of `app` serves at `path`, for the Allow header of a 405: Hono serves HEAD wherever it
 * serves GET, and nothing answers OPTIONS. Middleware, registered for every method, serves nothing by itself.
 */
export function allowedMethods(app: Hono<AppEnv>, path: string): string[] {
  const registered = new Set(app.routes.map((route) => route.method).filter((method) => method !== METHOD_NAME_ALL));
  const served = [...registered].filter((method) => app.router.match(method, path)[0].some(([[, route]]) => route.method === method));
  if (served.includes("GET")) served.push("HEAD");
  return served.sort((one, other) => METHOD_ORDER.indexOf(one) - METHOD_ORDER.indexOf(other));
}
