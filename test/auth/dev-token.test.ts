// POST /api/dev/token: Bearer tokens for the seeded local users, checked like any issuer's token.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../functions/site";
import { devTokenRoutes } from "../../functions/api/dev-token";
import { LOCAL_API_AUDIENCE } from "../../functions/local/oidc";
import { appDependenciesForTests, startTestApi, type TestApi } from "../support/api";

let api: TestApi;
let localApp: ReturnType<typeof createApp>;

beforeAll(async () => {
  api = await startTestApi();
  // As the local runtime builds it: the same authenticator, plus the dev token route.
  localApp = createApp(
    appDependenciesForTests(api.table, {
      authenticate: api.auth.auth.authenticate,
      devTokenRoutes: devTokenRoutes(api.auth.provider),
    }),
  );
});

afterAll(async () => {
  await api?.stop();
});

async function requestToken(body: string): Promise<Response> {
  return localApp.request("/api/dev/token", { method: "POST", headers: { "Content-Type": "application/json" }, body });
}

describe("POST /api/dev/token", () => {
  it("gives a seeded user a token from the local issuer for the API audience, which the API accepts", async () => {
    const response = await requestToken(JSON.stringify({ email: "Registrar@Example.se" }));

    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const { token } = (await response.json()) as { token: string };
    expect(decodeJwt(token)).toMatchObject({
      iss: api.auth.provider.issuer,
      aud: LOCAL_API_AUDIENCE,
      email: "registrar@example.se",
      roles: ["registrar"],
    });
    const listed = await localApp.request("/api/agreements", { headers: { Authorization: `Bearer ${token}` } });
    const created = await localApp.request("/api/agreements", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Registratorn får inte skapa utkast" }),
    });
    expect(listed.status).toBe(200);
    expect(created.status).toBe(403);
  });

  it("refuses an address that is not a seeded user, and a body without one", async () => {
    const unknown = await requestToken(JSON.stringify({ email: "someone@example.se" }));
    const missing = await requestToken("{}");
    const notJson = await requestToken("email=editor@example.se");

    expect(unknown.status).toBe(400);
    expect(unknown.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await unknown.json()).toMatchObject({
      title: "Unknown user",
      errors: [{ path: "email", message: "There is no local user someone@example.se" }],
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ errors: [{ path: "email" }] });
    expect(notJson.status).toBe(400);
  });

  it("does not exist unless the local runtime adds it", async () => {
    const response = await api.request("/api/dev/token", { method: "POST", body: { email: "admin@example.se" } });

    expect(response.status).toBe(404);
  });
});
