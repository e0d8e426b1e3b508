/**
 * The web app and JSON API, built from injected dependencies so the same app runs in Lambda (functions/handlers/
 * api.ts), in the local runtime (functions/local/runtime.ts) and in the tests. docs/api.md describes the API.
 *
 * Order matters: the request context comes first, so every response and log line has the request id; then the
 * protections every request gets; then the routes. Routes under /api are operations (operations.ts): each
 * declares its permission and schemas, and appears in the OpenAPI document. The pages (web/routes.tsx) are
 * mounted at the root.
 */
import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Application } from "../app/application";
import type { StaffPrincipal } from "./auth/principal";
import type { AppEnv } from "./env";
import { requestContext, type Log } from "./logging";
import { allowedMethods, createOperations } from "./operations";
import { problemFor, problemResponse } from "./problems";
import { agreementRoutes } from "./routes/agreements";
import { docsRoutes } from "./routes/docs";
import { exportRoutes } from "./routes/exports";
import { invitationRoutes } from "./routes/invitations";
import { reminderRoutes } from "./routes/reminders";
import { reportLinkRoutes } from "./routes/report-links";
import { reportRoutes } from "./routes/reports";
import { healthSchema } from "./schemas";
import { bodyLimits, securityHeaders } from "./security";
import { renderProblem, webRoutes } from "../../web/routes";

export interface ComponentStatus {
  ok: boolean;
  detail?: string;
}

export interface HealthReport {
  ok: boolean;
  /** Keyed by component name, e.g. "dynamodb". */
  components: Record<string, ComponentStatus>;
}

/**
 * Everything the web app needs from outside; injected so the same app runs in Lambda and in the local runtime
 * (both built by functions/composition.ts).
 */
export interface AppDependencies {
  /** The use cases every route calls (functions/app/application.ts). */
  application: Application;
  checkHealth(): Promise<HealthReport>;
  /** The site's public origin, e.g. https://iop.kommun.se: security headers, sign-in and CSRF checks depend on it. */
  appOrigin: string;
  /** Staff sign-in in the browser (`/auth/...`, functions/api/auth/staff-auth.ts). */
  signInRoutes?: Hono<AppEnv>;
  /**
   * Local runtime only: `POST /api/dev/token` (functions/api/dev-token.ts). Passed in rather than imported, so
   * the deployed bundle holds none of it.
   */
  devTokenRoutes?: Hono<AppEnv>;
  /** Local runtime only: `GET`/`POST /api/dev/clock` (functions/api/dev-clock.ts), passed in for the same reason. */
  devClockRoutes?: Hono<AppEnv>;
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
   * default on the event loop's next turn, once the handler has answered. Failures are logged.
   */
  afterResponse?: (work: () => Promise<unknown>) => void;
  log: Log;
  /** Where the swagger-ui-dist files for /api/docs are: the package locally, a copy next to the Lambda bundle. */
  docsAssetsDir: string;
}

export const API_INFO = {
  title: "IOP Lifecycle API",
  version: "1",
  description:
    "Swedish municipal partnership agreements (idéburet offentligt partnerskap) from draft to renewal. " +
    "Errors are application/problem+json (RFC 9457). Each operation's `x-permission` names the permission it " +
    "needs (read, edit or decide), or `public`.",
  license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
};

export function createApp(dependencies: AppDependencies) {
  const app = new Hono<AppEnv>();
  app.use(requestContext(dependencies.log));
  app.use(
    securityHeaders(dependencies.appOrigin, dependencies.uploadOrigin),
    bodyLimits(),
  );

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
    return !c.req.path.startsWith("/api/") && /\btext\/html\b/.test(c.req.header("Accept") ?? "")
      ? renderProblem(c, "notFound", 404)
      : problemResponse(c, 404, "Not found", `Nothing at ${c.req.method} ${c.req.path}`);
  });

  const afterResponse =
    dependencies.afterResponse ??
    ((work: () => Promise<unknown>) => {
      setImmediate(() => {
        work().catch((error: unknown) => dependencies.log({ level: "error", message: "Work after a response failed", error: String(error) }));
      });
    });

  if (dependencies.signInRoutes !== undefined) app.route("/", dependencies.signInRoutes);
  // The pages (web/), server-rendered by this same app.
  app.route("/", webRoutes({ ...dependencies, afterResponse }));
  if (dependencies.devTokenRoutes !== undefined) app.route("/", dependencies.devTokenRoutes);
  if (dependencies.devClockRoutes !== undefined) app.route("/", dependencies.devClockRoutes);

  const operations = createOperations(app, { authenticate: dependencies.authenticate });
  operations.name(healthSchema, "Health");

  operations.add(
    {
      method: "get",
      path: "/api/health",
      operationId: "getHealth",
      summary: "Whether the app and what it depends on are up",
      tag: "Operations",
      access: "public",
      responses: {
        200: {
          description: "Everything is up. Each component's `detail` (addresses, versions) only for signed-in staff and requests from the server's own machine",
          schema: healthSchema,
        },
        503: { description: "Something is down; `components` says what", schema: healthSchema },
      },
    },
    async (c) => {
      const report = await dependencies.checkHealth();
      c.header("Cache-Control", "no-store");
      // Details name internal addresses (the local mail view holds every report link sent): only for staff, or for
      // a request from this very machine (the local runtime's tools). Everyone else learns what is up, not where.
      const detailed = isLoopbackAddress(dependencies.clientAddress(c)) || (await signedIn(c, dependencies));
      const components = detailed
        ? report.components
        : Object.fromEntries(Object.entries(report.components).map(([name, { ok }]) => [name, { ok }]));
      return c.json({ status: report.ok ? "ok" : "unavailable", components }, report.ok ? 200 : 503);
    },
  );
  const { application } = dependencies;
  agreementRoutes(operations, application.agreements);
  reminderRoutes(operations, application.reminders);
  exportRoutes(operations, application.exports);
  reportRoutes(operations, application.reports);
  invitationRoutes(operations, application.invitations);
  reportLinkRoutes(operations, application.reportLinks, { clientAddress: dependencies.clientAddress, afterResponse });
  docsRoutes(operations, dependencies, { info: API_INFO, serverUrl: dependencies.appOrigin });

  return app;
}

/** A signed-in member of staff; a bad token or an unreachable issuer only means no details. */
async function signedIn(c: Context<AppEnv>, dependencies: Pick<AppDependencies, "authenticate">): Promise<boolean> {
  try {
    return (await dependencies.authenticate(c)) !== null;
  } catch {
    return false;
  }
}

function isLoopbackAddress(address: string): boolean {
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}
