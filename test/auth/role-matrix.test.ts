// Every operation of the API document, called anonymously and with a real Bearer token of each role: 401 without
// a sign-in, 403 without the permission the operation declares, and past authorization with it. The expected
// table is derived from can(); the hand-written checks below make the test fail if a declaration is wrong.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLES, type Permission, type Role } from "../../functions/api/auth/principal";
import { startTestApi, type TestApi } from "../support/api";

interface Operation {
  method: string;
  path: string;
  permission: Permission | "public";
  takesBody: boolean;
}

type Caller = Role | "anonymous";
const CALLERS: readonly Caller[] = ["anonymous", ...ROLES];

let api: TestApi;
let operations: Operation[];

beforeAll(async () => {
  api = await startTestApi();
  const document = (await (await api.request("/api/openapi.json")).json()) as {
    paths: Record<string, Record<string, { "x-permission"?: string; requestBody?: unknown }>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      permission: operation["x-permission"] as Operation["permission"],
      takesBody: operation.requestBody !== undefined,
    })),
  );
});

afterAll(async () => {
  await api?.stop();
});

/** What the caller must get: 401 or 403, or "allowed" for anything past authorization (200, 400, 404, but no 5xx). */
function expected(permission: Operation["permission"], caller: Caller): 401 | 403 | "allowed" {
  if (permission === "public") return "allowed";
  if (caller === "anonymous") return 401;
  return can({ subject: caller, email: `${caller}@example.se`, roles: [caller], via: "bearer" }, permission) ? "allowed" : 403;
}

/** The path with every parameter filled in; agreements that do not exist are fine, authorization comes first. */
function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) => `matrix-${name}`);
}

async function call(operation: Operation, caller: Caller): Promise<number> {
  const response = await api.request(concrete(operation.path), {
    method: operation.method,
    ...(caller === "anonymous" ? {} : { as: caller }),
    ...(operation.takesBody ? { body: {} } : {}),
  });
  return response.status;
}

describe("the role matrix", () => {
  it("covers every route under /api, each declaring a permission or public", () => {
    const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");
    const documented = new Set(operations.map((operation) => `${operation.method} ${honoPath(operation.path)}`));
    const registered = api.app.routes
      .filter((route) => route.method !== "ALL" && route.path.startsWith("/api/"))
      .map((route) => `${route.method} ${route.path}`);

    expect(operations.length).toBeGreaterThan(10);
    expect([...new Set(registered)].sort()).toEqual([...documented].sort());
    for (const operation of operations) {
      expect([...PERMISSIONS, "public"], `${operation.method} ${operation.path}`).toContain(operation.permission);
    }
  });

  it("answers each operation for each caller as its permission says", async () => {
    const table: string[] = [];
    const mismatches: string[] = [];
    for (const operation of operations) {
      for (const caller of CALLERS) {
        const status = await call(operation, caller);
        const want = expected(operation.permission, caller);
        const got = status === 401 || status === 403 ? status : "allowed";
        table.push(`${operation.method} ${operation.path} ${caller}: ${status}`);
        // Past authorization, an empty or made-up input is the caller's mistake: never a server error.
        if (got !== want || status >= 500) {
          mismatches.push(`${operation.method} ${operation.path} as ${caller}: ${status}, expected ${want}`);
        }
      }
    }

    expect(mismatches, table.join("\n")).toEqual([]);
  });
});

describe("permissions checked by hand against the roles' description", () => {
  const declared = (method: string, path: string) =>
    operations.find((operation) => operation.method === method && operation.path === path)?.permission;

  it("viewer reads; editor drafts, submits, renews, terminates and withdraws; registrar decides", () => {
    expect({
      list: declared("GET", "/api/agreements"),
      get: declared("GET", "/api/agreements/{id}"),
      events: declared("GET", "/api/agreements/{id}/events"),
      csv: declared("GET", "/api/agreements.csv"),
      create: declared("POST", "/api/agreements"),
      update: declared("PATCH", "/api/agreements/{id}"),
      submit: declared("POST", "/api/agreements/{id}/submit"),
      renew: declared("POST", "/api/agreements/{id}/renewal"),
      terminate: declared("POST", "/api/agreements/{id}/terminate"),
      withdraw: declared("POST", "/api/agreements/{id}/withdraw"),
      decide: declared("POST", "/api/agreements/{id}/decision"),
      health: declared("GET", "/api/health"),
      document: declared("GET", "/api/openapi.json"),
    }).toEqual({
      list: "read",
      get: "read",
      events: "read",
      csv: "read",
      create: "edit",
      update: "edit",
      submit: "edit",
      renew: "edit",
      terminate: "edit",
      withdraw: "edit",
      decide: "decide",
      health: "public",
      document: "public",
    });
  });

  it("refuses an anonymous list or a bad token with 401 and a challenge, and a viewer's submit with 403", async () => {
    const created = await api.request("/api/agreements", { method: "POST", as: "editor", body: { title: "Matris" } });
    const draft = (await created.json()) as { id: string };

    const anonymous = await api.request("/api/agreements");
    const badToken = await api.request("/api/agreements", { headers: { Authorization: "Bearer not-a-token" } });
    const viewerSubmit = await api.request(`/api/agreements/${draft.id}/submit`, { method: "POST", as: "viewer" });
    const registrarSubmit = await api.request(`/api/agreements/${draft.id}/submit`, { method: "POST", as: "registrar" });
    const editorDecides = await api.request(`/api/agreements/${draft.id}/decision`, { method: "POST", as: "editor", body: {} });

    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get("WWW-Authenticate")).toBe(
      'Bearer error="invalid_token", error_description="the token is malformed"',
    );
    expect(viewerSubmit.status).toBe(403);
    expect(await viewerSubmit.json()).toMatchObject({ status: 403, detail: expect.stringContaining("edit permission") });
    expect(registrarSubmit.status).toBe(403);
    expect(editorDecides.status).toBe(403);
    expect((await api.store.get(draft.id))?.status).toBe("draft");
  });
});
