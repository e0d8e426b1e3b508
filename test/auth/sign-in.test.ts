// The browser sign-in against the local OpenID Connect provider, driven request by request: authorization code
// with PKCE, the provider's sign-in page, the callback, the session cookie, /auth/session and sign-out.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInSealer } from "../../functions/api/auth/sign-in-state";
import { safeReturnPath, SESSION_COOKIE, SIGN_IN_COOKIE } from "../../functions/api/auth/staff-auth";
import { LOCAL_CLIENT_ID, LOCAL_SCOPES } from "../../functions/local/oidc";
import { startTestApi, type TestApi } from "../support/api";
import { Browser, signInWithBrowser, TEST_APP_ORIGIN, TEST_SIGN_IN_SECRET, type TestAuth } from "../support/tokens";

let api: TestApi;
let testAuth: TestAuth;
let app: TestApi["app"];

beforeAll(async () => {
  api = await startTestApi();
  ({ app, auth: testAuth } = api);
});

afterAll(async () => {
  await api?.stop();
});

interface SessionView {
  signedIn: boolean;
  user?: { email: string; name: string | null; roles: string[] };
  csrfToken?: string;
  expiresAt?: string;
}

async function sessionOf(browser: Browser): Promise<SessionView> {
  return (await (await browser.request("/auth/session")).json()) as SessionView;
}

/** Goes to the provider from /auth/login and signs in there as `email`; returns the callback URL it sends back. */
async function throughProvider(browser: Browser, email: string, login = "/auth/login"): Promise<string> {
  const atProvider = await browser.follow(await browser.request(login), `${TEST_APP_ORIGIN}${login}`);
  const submitted = await browser.postForm(atProvider.url, { email });
  const back = await browser.follow(submitted, atProvider.url, `${TEST_APP_ORIGIN}/auth/callback`);
  return back.url;
}

describe("signing in with the browser", () => {
  it("sends the browser to the issuer with state, nonce and a PKCE S256 challenge, remembered in a __Host- cookie", async () => {
    const browser = new Browser(app);

    const response = await browser.request("/auth/login?returnTo=/agreements?status=active");

    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("Location") ?? "");
    expect(location.origin).toBe(testAuth.provider.issuer);
    const parameters = Object.fromEntries(location.searchParams);
    expect(parameters).toMatchObject({
      response_type: "code",
      client_id: LOCAL_CLIENT_ID,
      redirect_uri: `${TEST_APP_ORIGIN}/auth/callback`,
      scope: LOCAL_SCOPES,
      code_challenge_method: "S256",
    });
    expect(parameters.state).toMatch(/^[\w-]{43}$/);
    expect(parameters.nonce).toMatch(/^[\w-]{43}$/);
    expect(parameters.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(new Set([parameters.state, parameters.nonce, parameters.code_challenge]).size).toBe(3);
    expect(browser.setCookies).toEqual([
      expect.stringMatching(new RegExp(`^${SIGN_IN_COOKIE}=[\\w.-]+; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Lax$`)),
    ]);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("stores nothing for a sign-in in flight: ten anonymous starts write no item", async () => {
    const before = await api.dump();

    for (let started = 0; started < 10; started++) {
      expect((await new Browser(app).request("/auth/login")).status).toBe(302);
    }

    expect(await api.dump()).toBe(before);
  });

  it("keeps the code verifier and nonce sealed: the cookie shows none of them", async () => {
    const browser = new Browser(app);
    const location = new URL((await browser.request("/auth/login")).headers.get("Location") ?? "");
    const sealed = browser.cookie(SIGN_IN_COOKIE) ?? "";
    const readable = sealed.split(".").map((part) => Buffer.from(part, "base64url").toString("latin1")).join(" ");

    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    for (const name of ["state", "nonce"]) expect(readable).not.toContain(location.searchParams.get(name));
    expect(readable).not.toContain("codeVerifier");
  });

  it("refuses an altered or expired sign-in cookie with a problem that says to start again", async () => {
    const browser = new Browser(app);
    const callback = await throughProvider(browser, "editor@example.se");
    const sealed = browser.cookie(SIGN_IN_COOKIE) ?? "";
    const parts = sealed.split(".");
    const ciphertext = Buffer.from(parts[2] ?? "", "base64url");
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    const altered = [parts[0], parts[1], ciphertext.toString("base64url"), parts[3]].join(".");
    const { state, nonce } = Object.fromEntries(new URL(callback).searchParams);
    const sealer = createSignInSealer(TEST_SIGN_IN_SECRET);
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60 * 1000);
    const expired = await sealer.seal({ state: state ?? "", nonce: nonce ?? "n", codeVerifier: "v", returnTo: "/" }, elevenMinutesAgo, 600);
    const otherKey = await createSignInSealer(`${TEST_SIGN_IN_SECRET}-another`).seal(
      { state: state ?? "", nonce: "n", codeVerifier: "v", returnTo: "/" },
      new Date(),
      600,
    );

    for (const [label, cookieValue] of [["altered", altered], ["expired", expired], ["another key", otherKey], ["garbage", "x.y"]]) {
      const response = await app.request(callback, { headers: { Cookie: `${SIGN_IN_COOKIE}=${cookieValue}` } });
      expect(response.status, label).toBe(400);
      expect(response.headers.get("Content-Type"), label).toBe("application/problem+json");
      expect(await response.json(), label).toMatchObject({
        title: "Sign-in failed",
        detail: "This sign-in has expired, was already completed or is not this browser's; sign in again from the start",
      });
    }
    // The untouched cookie still completes the sign-in: only the alteration was refused.
    expect((await browser.request(callback)).status).toBe(303);
  });

  it("signs in a seeded user, sets the session cookie and returns to the page asked for", async () => {
    const browser = new Browser(app);
    const login = "/auth/login?returnTo=%2Fagreements%3Fstatus%3Dactive";
    const callback = await throughProvider(browser, "registrar@example.se", login);
    expect(new URL(callback).searchParams.get("iss")).toBe(testAuth.provider.issuer);
    browser.setCookies.length = 0;

    const response = await browser.request(callback);

    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/agreements?status=active");
    expect(browser.setCookies).toEqual([
      expect.stringMatching(new RegExp(`^${SIGN_IN_COOKIE}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax$`)),
      expect.stringMatching(new RegExp(`^${SESSION_COOKIE}=[\\w-]{43}; Max-Age=28800; Path=/; HttpOnly; Secure; SameSite=Lax$`)),
    ]);
    const session = await sessionOf(browser);
    expect(session).toMatchObject({
      signedIn: true,
      user: { email: "registrar@example.se", name: "Rut Registrar", roles: ["registrar"] },
      csrfToken: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(new Date(session.expiresAt ?? "").getTime()).toBeGreaterThan(Date.now() + 7 * 60 * 60 * 1000);
  });

  it("refuses to complete the same sign-in twice", async () => {
    const browser = new Browser(app);
    const callback = await throughProvider(browser, "editor@example.se");
    const signInCookie = `${SIGN_IN_COOKIE}=${browser.cookie(SIGN_IN_COOKIE)}`;
    expect((await browser.request(callback)).status).toBe(303);

    const replayed = await app.request(callback, { headers: { Cookie: signInCookie } });

    expect(replayed.status).toBe(400);
    expect(replayed.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await replayed.json()).toMatchObject({ status: 400, detail: expect.stringContaining("sign in again") });
  });

  it("refuses a callback without this browser's sign-in cookie, or for another sign-in's state", async () => {
    const victim = new Browser(app);
    const attacker = new Browser(app);
    const attackersCallback = await throughProvider(attacker, "admin@example.se");
    await victim.request("/auth/login");

    // Login CSRF: the attacker's code sent to the victim's browser does not match the victim's sign-in.
    const forcedOnVictim = await victim.request(attackersCallback);
    const withoutCookie = await app.request(attackersCallback);

    expect(forcedOnVictim.status).toBe(400);
    expect(await forcedOnVictim.json()).toMatchObject({
      detail: "The answer from the identity provider is not for this sign-in",
    });
    expect(withoutCookie.status).toBe(400);
    expect((await sessionOf(victim)).signedIn).toBe(false);
  });

  it("reports an error the provider sends back instead of a code", async () => {
    const browser = new Browser(app);
    const toProvider = await browser.request("/auth/login");
    const state = new URL(toProvider.headers.get("Location") ?? "").searchParams.get("state") ?? "";

    // RFC 9207: an issuer that says it names itself in answers does so in error answers too.
    const iss = encodeURIComponent(testAuth.provider.issuer);
    const response = await browser.request(
      `/auth/callback?error=access_denied&error_description=End-User+aborted+interaction&state=${state}&iss=${iss}`,
    );

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      title: "Sign-in failed",
      detail: "The identity provider did not sign you in: End-User aborted interaction",
    });
  });

  it("refuses an answer for this sign-in that carries no code", async () => {
    const browser = new Browser(app);
    const toProvider = await browser.request("/auth/login");
    const state = new URL(toProvider.headers.get("Location") ?? "").searchParams.get("state") ?? "";

    const response = await browser.request(`/auth/callback?state=${state}&iss=${encodeURIComponent(testAuth.provider.issuer)}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ detail: "The answer from the identity provider has no code" });
  });

  it("keeps an unknown email on the provider's sign-in page", async () => {
    const browser = new Browser(app);
    const atProvider = await browser.follow(await browser.request("/auth/login"), `${TEST_APP_ORIGIN}/auth/login`);
    const page = await atProvider.response.text();
    expect(page).toContain("editor@example.se");
    expect(page).toMatch(/<form method="post" action="\/interaction\/[\w-]+">/);

    const response = await browser.postForm(atProvider.url, { email: "intruder@example.se" });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain("There is no local user intruder@example.se");
  });

  it("sends the browser to the canonical origin first, where the cookies belong", async () => {
    const response = await app.request("http://127.0.0.1/auth/login?returnTo=/x");

    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`${TEST_APP_ORIGIN}/auth/login?returnTo=/x`);
  });

  it("accepts only paths on this site to return to", () => {
    for (const [requested, expected] of [
      ["/agreements/agr-1?tab=events#top", "/agreements/agr-1?tab=events#top"],
      [undefined, "/"],
      ["agreements", "/"],
      ["//attacker.example/phish", "/"],
      ["/\\attacker.example", "/"],
      ["https://attacker.example/", "/"],
      ["/%2F%2Fattacker.example", "/%2F%2Fattacker.example"],
      ["/ok\nSet-Cookie: x=1", "/"],
    ] as const) {
      expect(safeReturnPath(requested, TEST_APP_ORIGIN), String(requested)).toBe(expected);
    }
  });

  it("PKCE: the provider refuses the code without the verifier only this app knows", async () => {
    const browser = new Browser(app);
    const login = await browser.request("/auth/login");
    const challenge = new URL(login.headers.get("Location") ?? "").searchParams.get("code_challenge");
    const callback = await throughProvider(browser, "viewer@example.se", "/auth/login");
    const code = new URL(callback).searchParams.get("code") ?? "";
    const { token_endpoint: tokenEndpoint } = (await (
      await fetch(`${testAuth.provider.issuer}/.well-known/openid-configuration`)
    ).json()) as { token_endpoint: string };

    const stolen = await fetch(tokenEndpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        client_id: LOCAL_CLIENT_ID,
        redirect_uri: `${TEST_APP_ORIGIN}/auth/callback`,
        code_verifier: createHash("sha256").update("a guess").digest("base64url"),
      }),
    });

    expect(challenge).not.toBeNull();
    expect(stolen.status).toBe(400);
    expect(await stolen.json()).toMatchObject({ error: "invalid_grant" });
  });
});

describe("the session", () => {
  it("is anonymous without a cookie or with an unknown one", async () => {
    expect(await sessionOf(new Browser(app))).toEqual({ signedIn: false });
    const forged = await app.request("/auth/session", { headers: { Cookie: `${SESSION_COOKIE}=made-up` } });
    expect(await forged.json()).toEqual({ signedIn: false });
  });

  it("ends with sign-out: the cookie is cleared and the old cookie no longer opens the session", async () => {
    const { browser, csrfToken } = await signInWithBrowser(app, "editor");
    const stolenCookie = browser.cookieHeader();

    const signedOut = await browser.request("/auth/logout", {
      method: "POST",
      headers: { Origin: TEST_APP_ORIGIN, "X-CSRF-Token": csrfToken },
    });

    expect(signedOut.status).toBe(204);
    const cleared = new RegExp(`^${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax$`);
    expect(browser.setCookies.at(-1)).toMatch(cleared);
    expect(await sessionOf(browser)).toEqual({ signedIn: false });
    const replayed = await app.request("/auth/session", { headers: { Cookie: stolenCookie } });
    expect(await replayed.json()).toEqual({ signedIn: false });
  });

  it("sign-out from a page's form lands on the start page", async () => {
    const { browser, csrfToken } = await signInWithBrowser(app, "viewer");

    const response = await browser.postForm("/auth/logout", { csrf_token: csrfToken }, { Origin: TEST_APP_ORIGIN });

    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/");
    expect(await sessionOf(browser)).toEqual({ signedIn: false });
  });

  it("cannot be ended by another site: sign-out needs the CSRF token and our origin", async () => {
    const { browser, csrfToken } = await signInWithBrowser(app, "admin");

    const withoutToken = await browser.request("/auth/logout", { method: "POST", headers: { Origin: TEST_APP_ORIGIN } });
    const crossSite = await browser.postForm(
      "/auth/logout",
      { csrf_token: csrfToken },
      { Origin: "https://attacker.example", "Sec-Fetch-Site": "cross-site" },
    );

    expect(withoutToken.status).toBe(403);
    expect(crossSite.status).toBe(403);
    expect((await sessionOf(browser)).signedIn).toBe(true);
  });
});
