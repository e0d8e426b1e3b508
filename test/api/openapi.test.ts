// The OpenAPI document against the routes the app really has, and the interactive page in a real browser under
// the app's own Content-Security-Policy, served from the app alone.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../functions/api/auth/principal";
import { createApp } from "../../functions/site";
import { appDependenciesForTests, startTestApi, type TestApi } from "../support/api";
import { launchChromium } from "../support/browser";

let api: TestApi;
let document: {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

interface Operation {
  operationId: string;
  "x-permission": string;
  security: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
}

beforeAll(async () => {
  api = await startTestApi();
  const response = await api.request("/api/openapi.json");
  expect(response.status).toBe(200);
  document = (await response.json()) as typeof document;
});
afterAll(() => api.stop());

const operations = () =>
  Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));

describe("the OpenAPI document", () => {
  it("describes every /api route the app serves, and nothing else", () => {
    const served = api.app.routes
      .filter((route) => route.path.startsWith("/api/") && route.method !== "ALL")
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(document.openapi).toBe("3.1.0");
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    expect(documented).toEqual(expect.arrayContaining(["GET /api/agreements", "PATCH /api/agreements/{id}", "POST /api/agreements/{id}/decision", "GET /api/agreements.csv", "GET /api/calendar/{file}"]));
  });

  it("describes each change an audit event records, and the grounds of a termination", () => {
    type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; required?: string[]; enum?: string[]; description?: string };
    const schemas = document.components.schemas as Record<string, Schema>;
    const resolved = (schema: Schema): Schema => (schema.$ref === undefined ? schema : resolved(schemas[schema.$ref.split("/").at(-1)!]!));
    const event = resolved(resolved(schemas.AuditEventPage!).properties!.items!.items!);
    const change = resolved(event.properties!.changes!.items!);
    expect(event.properties!.changes!.description).toContain("before and after");
    expect(Object.keys(change.properties!)).toEqual(["path", "label", "from", "to"]);
    expect(change.required).toEqual(expect.arrayContaining(["path", "label"]));
    expect(change.properties!.path!.description).toContain("subEfforts[Språkcafé].activityStatus");
    const terminate = document.paths["/api/agreements/{id}/terminate"]!.post!.requestBody as { content: Record<string, { schema: Schema }> };
    const termination = resolved(terminate.content["application/json"]!.schema);
    expect(resolved(termination.properties!.ground!).enum).toEqual(["municipality-notice", "association-notice", "mutual-agreement", "breach"]);
    expect(termination.required).toEqual(expect.arrayContaining(["ground", "givenOn", "effectiveDate"]));
  });

  it("names the permission each operation needs, and the problems it can answer", () => {
    for (const { path, method, operation } of operations()) {
      const where = `${method} ${path}`;
      expect(["public", ...PERMISSIONS], where).toContain(operation["x-permission"]);
      if (operation["x-permission"] === "public") {
        expect(operation.security, where).toEqual([]);
      } else {
        expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(["401", "403"]));
        expect(operation.responses["401"]!.content!["application/problem+json"]!.schema).toEqual({ $ref: "#/components/schemas/Problem" });
      }
      if (operation.parameters !== undefined || operation.requestBody !== undefined) expect(Object.keys(operation.responses), where).toContain("400");
    }
    const permission = (method: string, path: string) => document.paths[path]![method]!["x-permission"];
    expect(permission("get", "/api/agreements")).toBe("read");
    expect(permission("post", "/api/agreements/{id}/submit")).toBe("edit");
    expect(permission("post", "/api/agreements/{id}/decision")).toBe("decide");
    expect(permission("get", "/api/calendar/{file}")).toBe("public");
  });

  it("resolves every reference to a schema it defines", () => {
    const references = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThan(10);
    for (const name of references) expect(document.components.schemas, name).toHaveProperty([name]);
  });

  it("documents inputs from the validating schemas: the If-Match header, the filters, dates", () => {
    const update = document.paths["/api/agreements/{id}"]!.patch!;
    expect(update.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: "id", in: "path" }), expect.objectContaining({ name: "If-Match", in: "header", required: true })]));
    const list = document.paths["/api/agreements"]!.get!;
    expect(list.parameters!.map((parameter) => parameter.name)).toEqual(["status", "q", "endsBefore", "responsible", "association", "sort", "limit", "cursor"]);
    expect(JSON.stringify(list.parameters)).toContain('"format":"date"');
    expect(JSON.stringify(document.components.schemas.DraftContent)).toContain('"additionalProperties":false');
    const limit = list.parameters!.find((parameter) => parameter.name === "limit") as { schema: Record<string, unknown> } | undefined;
    expect(limit?.schema).toEqual({ type: "integer", minimum: 1, maximum: 100 });
  });

  it("passes redocly lint with the recommended rules: no error, no warning", async () => {
    // As a deployment serves it: its server is the app's public origin (the tests' is localhost).
    const deployed = createApp(appDependenciesForTests(api.table, { appOrigin: "https://iop.kommun.test" }));
    const served = await deployed.request("https://iop.kommun.test/api/openapi.json");
    expect(((await served.clone().json()) as { servers: unknown }).servers).toEqual([{ url: "https://iop.kommun.test", description: "This installation" }]);
    const directory = await mkdtemp(path.join(tmpdir(), "openapi-lint-"));
    try {
      const file = path.join(directory, "openapi.json");
      await writeFile(file, await served.text());
      // The CLI's own entry, on the Node that runs the tests; offline, without telemetry or update checks.
      const cli = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
      const lint = await promisify(execFile)(process.execPath, [cli, "lint", file, "--extends", "recommended", "--format", "json"], {
        cwd: directory,
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        maxBuffer: 16 * 1024 * 1024,
      }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? "", stderr: error.stderr ?? "" }));
      const report = JSON.parse(lint.stdout || "{}") as { totals?: { errors: number; warnings: number }; problems?: { ruleId: string; message: string }[] };
      expect(report.problems?.map((problem) => `${problem.ruleId}: ${problem.message}`), lint.stderr).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("the documentation page", () => {
  it("is HTML without inline script, naming only this site's assets", async () => {
    const response = await api.request("/api/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    const html = await response.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(2);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/ src="\/api\/docs\//);
      expect(content).toBe("");
    }
    expect(html).not.toMatch(/\/\/[a-z]/i);
    expect(html).not.toContain("style=");
  });

  it("serves Swagger UI's assets itself, cached for good, compressed when the client accepts it", async () => {
    const html = await (await api.request("/api/docs")).text();
    const script = /src="(\/api\/docs\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const plain = await api.request(script);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(plain.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    const body = Buffer.from(await plain.arrayBuffer());
    expect(body.length).toBeGreaterThan(100_000);
    const gzipped = await api.request(script, { headers: { "Accept-Encoding": "gzip, br" } });
    expect(gzipped.headers.get("Content-Encoding")).toBe("gzip");
    const { gunzipSync } = await import("node:zlib");
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).equals(body)).toBe(true);
    const initializer = await api.request("/api/docs/init.js");
    expect(await initializer.text()).toContain("validatorUrl: null");
  });

  it("renders every operation in a browser under the app's CSP, fetching nothing from elsewhere", async () => {
    const handle = getRequestListener(api.app.fetch);
    const server: Server = createServer((request, response) => void handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      const problems: string[] = [];
      page.on("request", (request) => {
        if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) elsewhere.push(request.url());
      });
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(`${origin}/api/docs`);
      await page.locator(".opblock").first().waitFor();
      expect(await page.locator(".opblock").count()).toBe(operations().length);
      expect(await page.locator(".opblock-summary-path").allInnerTexts()).toContain("/api/agreements/{id}/decision");
      expect(problems).toEqual([]);
      expect(elsewhere).toEqual([]);
    } finally {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
