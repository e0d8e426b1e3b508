// Bearer tokens: verified against the issuer's published keys with an algorithm allow-list, iss, aud and exp;
// email and roles read from the claims each kind of issuer uses.
import { createServer, type Server } from "node:http";
import { createHmac, randomUUID } from "node:crypto";
import { Hono } from "hono";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../functions/site";
import { CLOCK_TOLERANCE_SECONDS } from "../../functions/api/auth/issuer";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import { parseRoleMap, type OidcSettings } from "../../functions/api/auth/settings";
import { createStaffAuth, type StaffAuth } from "../../functions/api/auth/staff-auth";
import type { AppEnv } from "../../functions/api/env";
import { findFreePort } from "../../functions/local/ports";
import { createSessionStore } from "../../functions/store/sessions";
import { appDependenciesForTests } from "../support/api";
import { createTestTable, type TestTable } from "../support/dynamo";
import { startTestAuth, TEST_APP_ORIGIN, TEST_SIGN_IN_SECRET, type TestAuth } from "../support/tokens";

const AUDIENCE = "api://iop-lifecycle";

/** Any OpenID Connect issuer, as far as a Bearer check sees one: a discovery document and a key set. */
interface ThirdPartyIssuer {
  url: string;
  sign(claims: JWTPayload, options?: { key?: CryptoKey; kid?: string }): Promise<string>;
  stop(): Promise<void>;
}

async function startThirdPartyIssuer(): Promise<ThirdPartyIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" }] };
  let url = "";
  const server: Server = createServer((request, response) => {
    response.setHeader("content-type", "application/json");
    const documents: Record<string, unknown> = {
      "/.well-known/openid-configuration": {
        issuer: url,
        authorization_endpoint: `${url}/authorize`,
        token_endpoint: `${url}/token`,
        jwks_uri: `${url}/keys`,
      },
      "/keys": jwks,
    };
    const document = documents[request.url ?? ""];
    response.statusCode = document === undefined ? 404 : 200;
    response.end(JSON.stringify(document ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("The test issuer has no port");
  url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    sign: (claims, options = {}) =>
      new SignJWT({
        iss: url, aud: AUDIENCE, sub: "user-1", email: "Anna@Kommun.example", email_verified: true, exp: inMinutes(10), ...claims,
      })
        .setProtectedHeader({ alg: "ES256", kid: options.kid ?? kid })
        .sign(options.key ?? privateKey),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function inMinutes(minutes: number): number {
  return Math.floor(Date.now() / 1000) + minutes * 60;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

interface Answer {
  status: number;
  principal: StaffPrincipal | null;
  challenge: string | null;
}

/** The authenticator as every route uses it, behind a route that says whom it found. */
function whoAmI(auth: StaffAuth): (authorization?: string) => Promise<Answer> {
  const app = new Hono<AppEnv>().get("/who", async (c) => {
    const principal = await auth.authenticate(c);
    return principal === null ? c.body(null, 401) : c.json(principal);
  });
  return async (authorization) => {
    const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
    const response = await app.request("/who", { headers });
    return {
      status: response.status,
      principal: response.status === 200 ? ((await response.json()) as StaffPrincipal) : null,
      challenge: response.headers.get("WWW-Authenticate"),
    };
  };
}

let table: TestTable;
let local: TestAuth;
let issuer: ThirdPartyIssuer;

/** The app configured for the third-party issuer. */
function trusting(settings: Partial<OidcSettings> = {}) {
  return whoAmI(
    createStaffAuth({
      settings: {
        issuer: issuer.url,
        clientId: "iop-web",
        audience: AUDIENCE,
        rolesClaim: "roles",
        roleMap: new Map(),
        scopes: "openid email",
        ...settings,
      },
      sessions: createSessionStore({ client: table.documentClient, tableName: table.tableName }),
      signInSecret: TEST_SIGN_IN_SECRET,
      appOrigin: TEST_APP_ORIGIN,
    }),
  );
}

beforeAll(async () => {
  table = await createTestTable();
  local = await startTestAuth(table);
  issuer = await startThirdPartyIssuer();
});

afterAll(async () => {
  await local?.stop();
  await issuer?.stop();
  await table?.dispose();
});

describe("a Bearer token from the local provider", () => {
  it("names the seeded user with email, name and roles", async () => {
    const result = await whoAmI(local.auth)(`Bearer ${await local.tokenFor("editor")}`);

    expect(result).toEqual({
      status: 200,
      principal: { subject: "local-editor", email: "editor@example.se", name: "Erik Editor", roles: ["editor"], via: "bearer" },
      challenge: null,
    });
  });

  it("is refused by an app expecting another audience", async () => {
    const token = await local.tokenFor("admin");
    const expectingClientId = createStaffAuth({
      settings: { ...local.provider.settings, audience: local.provider.settings.clientId },
      sessions: createSessionStore({ client: table.documentClient, tableName: table.tableName }),
      signInSecret: TEST_SIGN_IN_SECRET,
      appOrigin: TEST_APP_ORIGIN,
    });

    const result = await whoAmI(expectingClientId)(`Bearer ${token}`);

    expect(result.status).toBe(401);
    expect(result.challenge).toBe(
      'Bearer error="invalid_token", error_description="the token\'s aud claim is not accepted (check_failed)"',
    );
  });
});

describe("without a valid Bearer token", () => {
  it("is anonymous without an Authorization header, with no challenge details", async () => {
    expect(await whoAmI(local.auth)()).toEqual({ status: 401, principal: null, challenge: null });
  });

  it("refuses another scheme and a malformed token", async () => {
    const who = whoAmI(local.auth);

    expect((await who("Basic ZWRpdG9yOnNlY3JldA==")).challenge).toContain("not a Bearer token");
    expect((await who("Bearer not-a-jwt")).challenge).toContain("malformed");
  });
});

describe("a token from a configured third-party issuer", () => {
  it("is accepted when signed by the issuer's key for our audience, email lower-cased", async () => {
    const result = await trusting()(`Bearer ${await issuer.sign({ roles: ["viewer"] })}`);

    expect(result.status).toBe(200);
    expect(result.principal).toMatchObject({ subject: "user-1", email: "anna@kommun.example", roles: ["viewer"] });
  });

  it("is refused when the signature does not match the issuer's key", async () => {
    const { privateKey: otherKey } = await generateKeyPair("ES256");
    const forged = await issuer.sign({ roles: ["admin"] }, { key: otherKey });

    const result = await trusting()(`Bearer ${forged}`);

    expect(result.status).toBe(401);
    expect(result.challenge).toContain("signature is invalid");
  });

  it("is refused when signed with a key id the issuer does not publish", async () => {
    const { privateKey: otherKey } = await generateKeyPair("ES256");
    const token = await issuer.sign({}, { key: otherKey, kid: "someone-elses-key" });

    const result = await trusting()(`Bearer ${token}`);

    expect(result.status).toBe(401);
    expect(result.challenge).toContain("a key the issuer does not publish");
  });

  it('is refused with alg "none" or HS256, whatever the payload', async () => {
    const claims = { iss: issuer.url, aud: AUDIENCE, sub: "user-1", email: "anna@kommun.example", exp: inMinutes(5) };
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.`;
    const header = base64url({ alg: "HS256", typ: "JWT" });
    const body = base64url(claims);
    const hmac = createHmac("sha256", "guessed-secret").update(`${header}.${body}`).digest("base64url");
    const who = trusting();

    for (const token of [unsigned, `${header}.${body}.${hmac}`]) {
      const result = await who(`Bearer ${token}`);
      expect(result.status, token).toBe(401);
      expect(result.challenge).toMatch(/algorithm is not accepted|malformed/);
    }
  });

  it("is refused from another issuer, for another audience, or after it expired", async () => {
    const who = trusting();
    const cases: [JWTPayload, string][] = [
      [{ iss: "https://other-issuer.kommun.example" }, "iss claim"],
      [{ aud: "api://someone-else" }, "aud claim"],
      [{ exp: inMinutes(-5) }, "expired"],
      [{ nbf: inMinutes(10) }, "nbf claim"],
    ];
    for (const [claims, reason] of cases) {
      const result = await who(`Bearer ${await issuer.sign(claims)}`);
      expect(result.status, reason).toBe(401);
      expect(result.challenge).toContain(reason);
    }
  });

  it("has its signature checked once, and is remembered only until it expires", async () => {
    const who = trusting();
    const token = await issuer.sign({ roles: ["viewer"], exp: inMinutes(2) });
    const signatureChecks = vi.spyOn(globalThis.crypto.subtle, "verify");
    try {
      for (let request = 0; request < 3; request++) expect((await who(`Bearer ${token}`)).status).toBe(200);
      expect(signatureChecks).toHaveBeenCalledTimes(1);

      // One character of the signature changed is another token, checked and refused.
      const tampered = `${token.slice(0, -2)}${token.at(-2) === "A" ? "B" : "A"}${token.at(-1)}`;
      expect((await who(`Bearer ${tampered}`)).status).toBe(401);

      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + (2 * 60 + CLOCK_TOLERANCE_SECONDS + 1) * 1000);
      const expired = await who(`Bearer ${token}`);
      expect(expired.status).toBe(401);
      expect(expired.challenge).toContain("expired");
    } finally {
      vi.useRealTimers();
      signatureChecks.mockRestore();
    }
  });

  it("is accepted a few seconds after expiry, within the clock tolerance", async () => {
    const result = await trusting()(`Bearer ${await issuer.sign({ exp: Math.floor(Date.now() / 1000) - 5 })}`);

    expect(result.status).toBe(200);
  });

  it("must name the person by email", async () => {
    const result = await trusting()(`Bearer ${await issuer.sign({ email: undefined })}`);

    expect(result.status).toBe(401);
    expect(result.challenge).toContain("no email address");
  });
});

describe("roles and email as each issuer puts them", () => {
  it("Microsoft Entra ID: app roles in `roles`, mapped; `email` vouched for by configuration", async () => {
    const who = trusting({
      roleMap: parseRoleMap("IOP.Registrar=registrar, IOP.Reader=viewer", "test"),
      emailVerifiedByIssuer: true,
    });
    const token = await issuer.sign({
      email: "rut.registrar@kommun.example",
      email_verified: undefined,
      roles: ["IOP.Registrar", "IOP.Reader", "Unrelated.Role"],
    });

    expect((await who(`Bearer ${token}`)).principal).toMatchObject({
      email: "rut.registrar@kommun.example",
      roles: ["registrar", "viewer"],
    });
  });

  it("Amazon Cognito: groups in `cognito:groups`", async () => {
    const who = trusting({ rolesClaim: "cognito:groups" });
    const token = await issuer.sign({ "cognito:groups": ["editor", "iop-other"] });

    expect((await who(`Bearer ${token}`)).principal?.roles).toEqual(["editor"]);
  });

  it("Keycloak: realm roles at the path realm_access.roles", async () => {
    const who = trusting({ rolesClaim: "realm_access.roles", roleMap: parseRoleMap("iop-admin=admin", "test") });
    const token = await issuer.sign({ realm_access: { roles: ["offline_access", "iop-admin"] } });

    expect((await who(`Bearer ${token}`)).principal?.roles).toEqual(["admin"]);
  });

  it("signs in someone with no known role, who then may do nothing", async () => {
    const token = await issuer.sign({ email: "guest@kommun.example", roles: ["Guest"] });

    expect((await trusting()(`Bearer ${token}`)).principal).toMatchObject({ email: "guest@kommun.example", roles: [] });
  });
});

describe("the person's address", () => {
  it("is never taken from preferred_username or upn, which people can change at some issuers", async () => {
    const token = await issuer.sign({ email: undefined, preferred_username: "admin@kommun.example", upn: "admin@kommun.example" });

    const result = await trusting()(`Bearer ${token}`);

    expect(result.status).toBe(401);
    expect(result.challenge).toContain("no email address the issuer has verified");
  });

  it("is refused from `email` unless the issuer says it verified it, or is configured to vouch for it", async () => {
    for (const emailVerified of [undefined, false, "false"]) {
      const token = await issuer.sign({ email_verified: emailVerified });
      expect((await trusting()(`Bearer ${token}`)).status, String(emailVerified)).toBe(401);
      expect((await trusting({ emailVerifiedByIssuer: true })(`Bearer ${token}`)).principal?.email).toBe("anna@kommun.example");
    }
  });

  it("is read from the claim the configuration names, as it is", async () => {
    const token = await issuer.sign({ email: "someone@else.example", email_verified: undefined, verified_mail: "Rut@Kommun.example" });

    expect((await trusting({ emailClaim: "verified_mail" })(`Bearer ${token}`)).principal?.email).toBe("rut@kommun.example");
    expect((await trusting({ emailClaim: "missing_claim" })(`Bearer ${token}`)).challenge).toContain(
      "no email address in its missing_claim claim",
    );
  });
});

describe("when the issuer cannot be reached", () => {
  it("answers 503 rather than blaming the caller", async () => {
    const closed = await findFreePort();
    const dependencies = appDependenciesForTests(table, {
      authenticate: createStaffAuth({
        settings: { ...local.provider.settings, issuer: `http://127.0.0.1:${closed}` },
        sessions: createSessionStore({ client: table.documentClient, tableName: table.tableName }),
        signInSecret: TEST_SIGN_IN_SECRET,
        appOrigin: TEST_APP_ORIGIN,
      }).authenticate,
    });

    const response = await createApp(dependencies).request("/api/agreements", {
      headers: { Authorization: `Bearer ${await local.tokenFor("viewer")}` },
    });

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      title: "Sign-in unavailable",
      detail: `The identity provider at http://127.0.0.1:${closed} could not be reached; try again in a moment`,
    });
  });
});
