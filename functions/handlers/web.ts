/**
 * Lambda entry point of the pages and staff sign-in in the browser (behind the HTTP API's default route: every path
 * outside /api). Builds the clients from the function's environment once per container (site.ts); the JSON API and
 * its OpenAPI document are another function (api.ts), so none of them is bundled here.
 */
import { handle } from "hono/aws-lambda";
import { createStaffAuth } from "../api/auth/staff-auth";
import { createWebApp } from "../../web/app";
import { readCursorSecret, readSignInSecrets } from "./secrets";
import { lambdaSite } from "./site";

const [cursorSecret, { signInSecret, oidcClientSecret }] = await Promise.all([readCursorSecret(process.env), readSignInSecrets(process.env)]);
const { site, stores, oidcSettings } = lambdaSite(cursorSecret);
const staffAuth = createStaffAuth({ settings: oidcSettings(oidcClientSecret), sessions: stores.sessions, signInSecret, appOrigin: site.appOrigin });

export const handler = handle(createWebApp({ ...site, authenticate: staffAuth.authenticate, signInRoutes: staffAuth.routes }));
