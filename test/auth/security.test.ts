// Headers every response carries, API and pages alike, the 100 KB limit on request bodies, and what the health
// check tells whom.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../functions/site";
import { BODY_LIMIT_BYTES } from "../../functions/api/security";
import { appDependenciesForTests, startTestApi, TEST_CLIENT_ADDRESS_HEADER, type TestApi } from "../support/api";

const STRICT_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.stop();
});

function expectSecurityHeaders(response: Response): void {
  expect(response.headers.get("Content-Security-Policy")).toBe(STRICT_POLICY);
  expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("X-Frame-Options")).toBe("DENY");
  expect(response.headers.get("Cross-Origin-Opener-Policy")).toBe("same-origin");
  // Over plain http the browser would ignore it.
  expect(response.headers.get("Strict-Transport-Security")).toBeNull();
}

describe("security headers", () => {
  it("are on JSON, problems, redirects and pages", async () => {
    const responses = {
      json: await api.request("/api/health"),
      problem: await api.request("/api/agreements"),
      notFound: await api.request("/nowhere"),
      signIn: await api.request("/auth/login"),
      page: await api.request("/api/docs"),
    };

    expect(Object.fromEntries(Object.entries(responses).map(([name, response]) => [name, response.status]))).toEqual({
      json: 200,
      problem: 401,
      notFound: 404,
      signIn: 302,
      page: 200,
    });
    for (const response of Object.values(responses)) expectSecurityHeaders(response);
  });

  it("leave the page nothing the policy would block: no inline script, style or event handler", async () => {
    const html = await (await api.request("/api/docs")).text();

    expect(html).toMatch(/<script src="[^"]+"><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son\w+=/i);
  });

  it("add HSTS and upgrade-insecure-requests when the app is served over https", async () => {
    const app = createApp(appDependenciesForTests(api.table, { appOrigin: "https://iop.kommun.example" }));

    const response = await app.request("https://iop.kommun.example/api/health");

    expect(response.headers.get("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains");
    expect(response.headers.get("Content-Security-Policy")).toBe(`${STRICT_POLICY}; upgrade-insecure-requests`);
  });
});

describe("request bodies", () => {
  const bodyOf = (bytes: number) => JSON.stringify({ title: "x".repeat(bytes - '{"title":""}'.length) });
  const postAsEditor = (body: string) =>
    api.request("/api/agreements", { method: "POST", as: "editor", body, headers: { "Content-Type": "application/json" } });

  it("over 100 KB are refused with 413 before anything reads them", async () => {
    const before = await api.dump();

    const response = await postAsEditor(bodyOf(BODY_LIMIT_BYTES + 1));

    expect(response.status).toBe(413);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({
      status: 413,
      title: "Request body too large",
      detail: "A request body may be at most 100 KB",
    });
    expect(await api.dump()).toBe(before);
  });

  it("are counted as they arrive when no Content-Length is sent", async () => {
    const bytes = new TextEncoder().encode(bodyOf(BODY_LIMIT_BYTES + 1));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const chunk = 16 * 1024;
        for (let offset = 0; offset < bytes.length; offset += chunk) controller.enqueue(bytes.slice(offset, offset + chunk));
        controller.close();
      },
    });

    const response = await api.app.request("/api/agreements", {
      method: "POST",
      headers: { ...(await api.auth.bearer("editor")), "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
      body: stream,
      duplex: "half",
    });

    expect(response.status).toBe(413);
  });

  it("of exactly 100 KB get past the limit", async () => {
    const response = await postAsEditor(bodyOf(BODY_LIMIT_BYTES));

    expect(response.status).not.toBe(413);
  });
});

describe("the health check", () => {
  const components = { mail: { ok: true, detail: "Sent email: http://127.0.0.1:8005" }, dynamodb: { ok: true, detail: "ACTIVE" } };

  async function healthAs(headers: Record<string, string>) {
    const app = createApp(
      appDependenciesForTests(api.table, { authenticate: api.auth.auth.authenticate, checkHealth: async () => ({ ok: true, components }) }),
    );
    const response = await app.request("/api/health", { headers });
    expect(response.status).toBe(200);
    return (await response.json()) as { status: string; components: Record<string, { ok: boolean; detail?: string }> };
  }

  it("tells an anonymous caller from elsewhere only what is up, not where it is", async () => {
    expect(await healthAs({ [TEST_CLIENT_ADDRESS_HEADER]: "192.0.2.1" })).toEqual({
      status: "ok",
      components: { mail: { ok: true }, dynamodb: { ok: true } },
    });
    expect(await healthAs({ [TEST_CLIENT_ADDRESS_HEADER]: "192.0.2.1", Authorization: "Bearer forged" })).toEqual({
      status: "ok",
      components: { mail: { ok: true }, dynamodb: { ok: true } },
    });
  });

  it("shows each component's details to signed-in staff and to requests from this machine", async () => {
    const staff = await healthAs({ [TEST_CLIENT_ADDRESS_HEADER]: "192.0.2.1", ...(await api.auth.bearer("viewer")) });
    const loopbacks = await Promise.all(["127.0.0.1", "::1", "::ffff:127.0.0.1"].map((address) => healthAs({ [TEST_CLIENT_ADDRESS_HEADER]: address })));

    for (const answer of [staff, ...loopbacks]) expect(answer).toEqual({ status: "ok", components });
  });
});
