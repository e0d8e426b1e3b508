/**
 * The whole site on one app: the pages and the JSON API, as `npm start` (functions/local/runtime.ts) and the tests
 * serve them, from one process on one port. In AWS the same two route sets are two Lambda functions behind one
 * HTTP API, which sends /api/* to the API's and everything else to the pages' (infra/Api.ts).
 */
import type { Hono } from "hono";
import { apiRoutes, type ApiDependencies } from "./api/app";
import type { AppEnv } from "./api/env";
import { createSite } from "./api/site";
import { pageRoutes, PAGES_FRAME, type PageDependencies } from "../web/app";

export type AppDependencies = ApiDependencies & PageDependencies;

export function createApp(dependencies: AppDependencies): Hono<AppEnv> {
  return createSite(dependencies, PAGES_FRAME, [pageRoutes(dependencies), apiRoutes(dependencies)]);
}
