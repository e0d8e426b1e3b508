/**
 * The JSON API under /api as a route set (docs/api.md describes it): every route is an operation (operations.ts)
 * that declares its permission and schemas and appears in the OpenAPI document. In AWS it is its own Lambda
 * function (functions/handlers/api.ts, behind the HTTP API's /api/* route); `npm start` and the tests mount it
 * next to the pages (functions/site.ts). It imports nothing of web/: the API function carries no page.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "./env";
import { createOperations } from "./operations";
import { agreementRoutes } from "./routes/agreements";
import { docsRoutes } from "./routes/docs";
import { exportRoutes } from "./routes/exports";
import { invitationRoutes } from "./routes/invitations";
import { reminderRoutes } from "./routes/reminders";
import { reportLinkRoutes } from "./routes/report-links";
import { reportRoutes } from "./routes/reports";
import { healthSchema } from "./schemas";
import { createSite, withAfterResponse, type SiteDependencies } from "./site";

export interface ComponentStatus {
  ok: boolean;
  detail?: string;
}

export interface HealthReport {
  ok: boolean;
  /** Keyed by component name, e.g. "dynamodb". */
  components: Record<string, ComponentStatus>;
}

/** What the JSON API needs besides what every route set does (functions/api/site.ts). */
export interface ApiDependencies extends SiteDependencies {
  checkHealth(): Promise<HealthReport>;
  /**
   * Local runtime only: `POST /api/dev/token` (functions/api/dev-token.ts). Passed in rather than imported, so
   * the deployed bundle holds none of it.
   */
  devTokenRoutes?: Hono<AppEnv>;
  /** Local runtime only: `GET`/`POST /api/dev/clock` (functions/api/dev-clock.ts), passed in for the same reason. */
  devClockRoutes?: Hono<AppEnv>;
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

/** The API's Lambda function: the JSON API alone on the site's frame. */
export function createApiApp(dependencies: ApiDependencies): Hono<AppEnv> {
  return createSite(dependencies, {}, [apiRoutes(dependencies)]);
}

/** The JSON API's routes, the local-only development routes first when given. */
export function apiRoutes(given: ApiDependencies): Hono<AppEnv> {
  const dependencies = withAfterResponse(given);
  const app = new Hono<AppEnv>();
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
  reportLinkRoutes(operations, application.reportLinks, { clientAddress: dependencies.clientAddress, afterResponse: dependencies.afterResponse });
  docsRoutes(operations, dependencies, { info: API_INFO, serverUrl: dependencies.appOrigin });

  return app;
}

/** A signed-in member of staff; a bad token or an unreachable issuer only means no details. */
async function signedIn(c: Context<AppEnv>, dependencies: Pick<ApiDependencies, "authenticate">): Promise<boolean> {
  try {
    return (await dependencies.authenticate(c)) !== null;
  } catch {
    return false;
  }
}

function isLoopbackAddress(address: string): boolean {
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}
