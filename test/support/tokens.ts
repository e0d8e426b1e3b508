// Real staff tokens for tests: the local OpenID Connect provider of `npm start`, started in-process, signs them,
// and the app verifies them through its ordinary Bearer path (discovery, JWKS, iss, aud, exp).
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Role, StaffPrincipal } from "../../functions/api/auth/principal";
import { CALLBACK_PATH, createStaffAuth, type StaffAuth } from "../../functions/api/auth/staff-auth";
import { LocalOidcProvider, LOCAL_USERS } from "../../functions/local/oidc";
import { createSessionStore } from "../../functions/store/sessions";
import type { TestTable } from "./dynamo";

/** Seals the sign-in cookie in tests (functions/api/auth/sign-in-state.ts). */
export const TEST_SIGN_IN_SECRET = "a-sign-in-secret-for-tests-only-0123456789";

/** Where test requests come from: `app.request("/api/...")` resolves paths against this origin. */
export const TEST_APP_ORIGIN = "http://localhost";

/** The seeded local user who has exactly this role. */
export function emailOf(role: Role): string {
  const user = LOCAL_USERS.find((candidate) => candidate.roles.length === 1 && candidate.roles[0] === role);
  if (user === undefined) throw new Error(`No seeded local user has only the role ${role}`);
  return user.email;
}

/** The seeded staff member with this role, as the use cases take them: for setting up through the application. */
export function staffPrincipal(role: Role): StaffPrincipal {
  return { subject: role, email: emailOf(role), roles: [role], via: "bearer" };
}

export interface TestAuth {
  /** The running local provider; its `issueToken` is what `POST /api/dev/token` answers with. */
  provider: LocalOidcProvider;
  /** The app's authenticator and sign-in routes, trusting the provider, sessions in the test table. */
  auth: StaffAuth;
  appOrigin: string;
  /** A Bearer token of the seeded user with this role. */
  tokenFor(role: Role): Promise<string>;
  /** `{ Authorization: "Bearer …" }` for the seeded user with this role. */
  bearer(role: Role): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** Starts the local provider and builds the app's authentication on it; call `stop` in afterAll. */
export async function startTestAuth(table: TestTable, appOrigin = TEST_APP_ORIGIN): Promise<TestAuth> {
  const provider = new LocalOidcProvider({ redirectUri: `${appOrigin}${CALLBACK_PATH}` });
  await provider.start();
  const auth = createStaffAuth({
    settings: provider.settings,
    sessions: createSessionStore({ client: DynamoDBDocumentClient.from(table.client), tableName: table.tableName }),
    signInSecret: TEST_SIGN_IN_SECRET,
    appOrigin,
  });
  const tokenFor = async (role: Role) => {
    const token = await provider.issueToken(emailOf(role));
    if (token === null) throw new Error(`The local provider has no user ${emailOf(role)}`);
    return token;
  };
  return {
    provider,
    auth,
    appOrigin,
    tokenFor,
    bearer: async (role) => ({ Authorization: `Bearer ${await tokenFor(role)}` }),
    stop: () => provider.stop(),
  };
}

/** What a test can send a request to in-process: a Hono app. */
export interface InProcessApp {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

/**
 * A browser as far as sign-in is concerned: a cookie jar per origin, redirects followed by hand so each step can
 * be inspected. Requests to `appOrigin` go to the app in-process; others (the provider) over HTTP.
 */
export class Browser {
  readonly #cookies = new Map<string, Map<string, string>>();
  /** Every Set-Cookie header received, with its attributes, in order. */
  readonly setCookies: string[] = [];

  constructor(
    readonly app: InProcessApp,
    readonly appOrigin: string = TEST_APP_ORIGIN,
  ) {}

  /** One request, no redirects followed. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.appOrigin);
    const headers = new Headers(init.headers);
    const cookies = this.cookieHeader(target.origin);
    if (cookies !== "") headers.set("Cookie", cookies);
    const response =
      target.origin === this.appOrigin
        ? await this.app.request(target.toString(), { ...init, headers })
        : await fetch(target, { ...init, headers, redirect: "manual" });
    for (const setCookie of response.headers.getSetCookie()) this.#store(target.origin, setCookie);
    return response;
  }

  /** Posts a form as a page would. */
  postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Follows redirects from `response` while they stay away from `stopAt` (an origin + path prefix). */
  async follow(response: Response, from: string, stopAt?: string): Promise<{ response: Response; url: string }> {
    let url = from;
    while (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get("Location") ?? "", url).toString();
      if (stopAt !== undefined && next.startsWith(stopAt)) return { response, url: next };
      url = next;
      response = await this.request(url);
    }
    return { response, url };
  }

  cookie(name: string, origin: string = this.appOrigin): string | undefined {
    return this.#cookies.get(origin)?.get(name);
  }

  cookieHeader(origin: string = this.appOrigin): string {
    return [...(this.#cookies.get(origin) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  #store(origin: string, setCookie: string): void {
    this.setCookies.push(setCookie);
    const [pair = "", ...attributes] = setCookie.split(";").map((part) => part.trim());
    const separator = pair.indexOf("=");
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    const jar = this.#cookies.get(origin) ?? new Map<string, string>();
    this.#cookies.set(origin, jar);
    const expired = attributes.some((attribute) => /^max-age=0$/i.test(attribute)) || value === "";
    if (expired) jar.delete(name);
    else jar.set(name, value);
  }
}

/** Everything a signed-in browser session needs to make a change: its cookie and its CSRF token. */
export interface BrowserSession {
  browser: Browser;
  csrfToken: string;
}

/**
 * Signs in through the whole browser flow: the app's /auth/login, the local provider's sign-in page, the
 * callback; then reads the CSRF token from /auth/session.
 */
export async function signInWithBrowser(app: InProcessApp, role: Role, appOrigin = TEST_APP_ORIGIN): Promise<BrowserSession> {
  const browser = new Browser(app, appOrigin);
  const toProvider = await browser.follow(await browser.request("/auth/login"), `${appOrigin}/auth/login`);
  if (toProvider.response.status !== 200) throw new Error(`The sign-in page answered ${toProvider.response.status}`);
  const submitted = await browser.postForm(toProvider.url, { email: emailOf(role) });
  const callback = await browser.follow(submitted, toProvider.url, `${appOrigin}${CALLBACK_PATH}`);
  const signedIn = await browser.request(callback.url);
  if (signedIn.status !== 303) throw new Error(`The sign-in callback answered ${signedIn.status}: ${await signedIn.text()}`);
  const session = (await (await browser.request("/auth/session")).json()) as { csrfToken?: string };
  if (session.csrfToken === undefined) throw new Error("Signed in, but /auth/session has no CSRF token");
  return { browser, csrfToken: session.csrfToken };
}
