// In AWS the JSON API and the pages are two Lambda functions behind one HTTP API (infra/Api.ts): each function's app
// answers its own routes only, and the API's, which holds no sign-in secret, still knows the browsers the pages'
// sign-in let in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { createApiApp } from "../../functions/api/app";
import { createStaffAuthentication, SESSION_COOKIE } from "../../functions/api/auth/staff-auth";
import type { AppEnv } from "../../functions/api/env";
import { createSessionStore } from "../../functions/store/sessions";
import { createWebApp } from "../../web/app";
import { mammaUnitedContent } from "../support/agreements";
import { appDependenciesForTests } from "../support/api";
import { createTestTable, type TestTable } from "../support/dynamo";
import { signInWithBrowser, startTestAuth, TEST_APP_ORIGIN, type TestAuth } from "../support/tokens";

let table: TestTable;
let auth: TestAuth;
let apiApp: Hono<AppEnv>;
let webApp: Hono<AppEnv>;

beforeAll(async () => {
  table = await createTestTable();
  auth = await startTestAuth(table);
  const dependencies = appDependenciesForTests(table);
  webApp = createWebApp({ ...dependencies, authenticate: auth.auth.authenticate, signInRoutes: auth.auth.routes });
  const { authenticate } = createStaffAuthentication({
    settings: auth.provider.settings,
    sessions: createSessionStore({ client: table.documentClient, tableName: table.tableName }),
    appOrigin: TEST_APP_ORIGIN,
  });
  apiApp = createApiApp({ ...dependencies, authenticate });
});

afterAll(async () => {
  await auth?.stop();
  await table?.dispose();
});

const html = { Accept: "text/html" };

describe("the JSON API's function", () => {
  it("answers the API, its document and its docs, and no page, asset or sign-in route", async () => {
    for (const path of ["/api/health", "/api/openapi.json", "/api/docs"]) expect((await apiApp.request(path)).status, path).toBe(200);
    for (const path of ["/", "/agreements", "/accessibility", "/auth/login", "/report/some-token"]) {
      const response = await apiApp.request(path, { headers: html });
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Content-Type"), path).toBe("application/problem+json");
    }
  });

  it("takes Bearer tokens, and the session cookie of a browser the pages' function signed in, with CSRF proof for changes", async () => {
    expect((await apiApp.request("/api/agreements", { headers: await auth.bearer("viewer") })).status).toBe(200);

    const { browser, csrfToken } = await signInWithBrowser(webApp, "editor");
    const cookie = `${SESSION_COOKIE}=${browser.cookie(SESSION_COOKIE)}`;
    expect((await apiApp.request("/api/agreements", { headers: { Cookie: cookie } })).status).toBe(200);
    const create = (headers: Record<string, string>) =>
      apiApp.request("/api/agreements", {
        method: "POST",
        headers: { Cookie: cookie, "Content-Type": "application/json", Origin: TEST_APP_ORIGIN, ...headers },
        body: JSON.stringify(mammaUnitedContent()),
      });
    expect((await create({})).status).toBe(403);
    expect((await create({ "X-CSRF-Token": csrfToken })).status).toBe(201);
  });
});

describe("the pages' function", () => {
  it("answers the pages, their assets and sign-in, and nothing under /api", async () => {
    const page = await webApp.request("/accessibility", { headers: html });
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    const stylesheet = /href="(\/assets\/[^"]+\.css)"/.exec(await page.text())?.[1];
    expect(stylesheet).toBeDefined();
    expect((await webApp.request(stylesheet!)).status).toBe(200);
    expect((await webApp.request("/auth/login")).status).toBe(302);
    for (const path of ["/api/health", "/api/openapi.json", "/api/agreements"]) {
      const response = await webApp.request(path, { headers: html });
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Content-Type"), path).toBe("application/problem+json");
    }
  });

  it("answers a browser with a page when nothing is at a path", async () => {
    const response = await webApp.request("/nowhere", { headers: html });
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
  });
});
