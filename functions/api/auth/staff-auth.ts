/**
 * Staff sign-in. Browsers sign in with the OpenID Connect authorization code flow with PKCE (run by oauth4webapi)
 * and then carry a session cookie; API clients send the issuer's access token as a Bearer token. `authenticate`
 * accepts either and is the one way every route learns who is calling. docs/auth.md explains the model and its
 * configuration.
 */
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import * as oauth from "oauth4webapi";
import { systemClock, type Clock } from "../../domain/clock";
import type { Session, SessionStore } from "../../store/sessions";
import type { AppEnv } from "../env";
import { ApiProblem, problemResponse } from "../problems";
import { assertCsrfProof, CsrfRejectedError, isFormPost, isStateChanging } from "./csrf";
import { CLOCK_TOLERANCE_SECONDS, createIssuer, InvalidTokenError, IssuerUnavailableError, principalFromClaims, type Issuer } from "./issuer";
import { isRole, type StaffPrincipal } from "./principal";
import type { OidcSettings } from "./settings";
import { createSignInSealer } from "./sign-in-state";

/** Browsers accept `__Host-` cookies only when Secure, on the exact host, for the whole site. */
export const SESSION_COOKIE = "__Host-iop-session";
/** Holds one sign-in in flight, sealed (sign-in-state.ts), between leaving for the issuer and coming back. */
export const SIGN_IN_COOKIE = "__Host-iop-signin";
/** A working day; roles are read from the issuer again at the next sign-in. */
export const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;
export const SIGN_IN_LIFETIME_SECONDS = 10 * 60;
/** Secure always: `__Host-` demands it, and browsers treat http://localhost as secure, so local use works too. */
const cookie: CookieOptions = { httpOnly: true, secure: true, sameSite: "Lax", path: "/" };
export const CALLBACK_PATH = "/auth/callback";

export interface StaffAuthenticationOptions {
  settings: OidcSettings;
  sessions: SessionStore;
  /** The application's public origin (`https://iop.kommun.se`): the redirect URI and the same-origin checks use it. */
  appOrigin: string;
  /** Session expiry runs on real time, also when the local clock has been moved forward. */
  clock?: Clock;
  fetch?: typeof fetch;
}

export interface StaffAuthOptions extends StaffAuthenticationOptions {
  /** Seals the sign-in cookie (sign-in-state.ts): at least 32 characters, the same for every instance of the app. */
  signInSecret: string;
}

export interface StaffAuthentication {
  /** Bearer token first, else the session cookie (with CSRF proof on state changes); null when anonymous. */
  authenticate(c: Context<AppEnv>): Promise<StaffPrincipal | null>;
}

export interface StaffAuth extends StaffAuthentication {
  /** `/auth/login`, `/auth/callback`, `/auth/logout` and `/auth/session`, to mount at the site's root. */
  routes: Hono<AppEnv>;
}

/**
 * Who is calling, without the browser sign-in: what the JSON API's function needs. It reads sessions the pages'
 * sign-in created, and needs neither the sign-in secret nor the OIDC client secret.
 */
export function createStaffAuthentication(options: StaffAuthenticationOptions): StaffAuthentication {
  const { authenticate } = sessionsAndTokens(options, createIssuer(options.settings.issuer, options.fetch));
  return { authenticate };
}

/** Who is calling, and the browser sign-in that starts a session: what the pages' function needs. */
export function createStaffAuth(options: StaffAuthOptions): StaffAuth {
  const { settings, sessions, appOrigin, clock = systemClock } = options;
  const issuer = createIssuer(settings.issuer, options.fetch);
  const { authenticate, currentSession, requireCsrfProof } = sessionsAndTokens(options, issuer);
  const sealer = createSignInSealer(options.signInSecret);
  const redirectUri = `${appOrigin}${CALLBACK_PATH}`;
  const client: oauth.Client = { client_id: settings.clientId, [oauth.clockTolerance]: CLOCK_TOLERANCE_SECONDS };
  // client_secret_basic, the default method, for a confidential client; a public client proves itself with PKCE.
  const clientAuthentication =
    settings.clientSecret === undefined ? oauth.None() : oauth.ClientSecretBasic(settings.clientSecret);

  const routes = new Hono<AppEnv>();

  routes.get("/auth/login", async (c) => {
    // The cookie must be set on the host the callback returns to.
    if (new URL(c.req.url).origin !== appOrigin) {
      return c.redirect(`${appOrigin}/auth/login${new URL(c.req.url).search}`, 302);
    }
    const metadata = await reachingIssuer(issuer.metadata());
    const attempt = {
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      codeVerifier: oauth.generateRandomCodeVerifier(),
      returnTo: safeReturnPath(c.req.query("returnTo"), appOrigin),
    };
    if (metadata.authorization_endpoint === undefined) {
      throw new ApiProblem(503, "Sign-in unavailable", "The identity provider publishes no authorization endpoint");
    }
    // Nothing is stored on the server: an anonymous caller cannot make the table grow by starting sign-ins.
    const sealed = await sealer.seal(attempt, clock.now(), SIGN_IN_LIFETIME_SECONDS);
    setCookie(c, SIGN_IN_COOKIE, sealed, { ...cookie, maxAge: SIGN_IN_LIFETIME_SECONDS });
    const authorization = new URL(metadata.authorization_endpoint);
    for (const [name, value] of Object.entries({
      response_type: "code",
      client_id: settings.clientId,
      redirect_uri: redirectUri,
      scope: settings.scopes,
      state: attempt.state,
      nonce: attempt.nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(attempt.codeVerifier),
      code_challenge_method: "S256",
    })) {
      authorization.searchParams.set(name, value);
    }
    c.header("Cache-Control", "no-store");
    return c.redirect(authorization.toString(), 302);
  });

  routes.get(CALLBACK_PATH, async (c) => {
    c.header("Cache-Control", "no-store");
    const sealed = getCookie(c, SIGN_IN_COOKIE);
    deleteCookie(c, SIGN_IN_COOKIE, cookie);
    const attempt = sealed === undefined ? null : await sealer.open(sealed, clock.now());
    const refuse = (status: 400 | 401, detail: string) => problemResponse(c, status, "Sign-in failed", detail);
    if (attempt === null) {
      return refuse(400, "This sign-in has expired, was already completed or is not this browser's; sign in again from the start");
    }
    const metadata = await reachingIssuer(issuer.metadata());
    let parameters: URLSearchParams;
    try {
      // state, RFC 9207's iss (a mix-up attack names another issuer), and an error instead of a code.
      parameters = oauth.validateAuthResponse(metadata, client, new URL(c.req.url), attempt.state);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) {
        return refuse(401, `The identity provider did not sign you in: ${error.error_description ?? error.error}`);
      }
      if (!(error instanceof oauth.OperationProcessingError)) throw error;
      return refuse(400, /"iss"/.test(error.message)
        ? "The answer came from another identity provider than the configured one"
        : "The answer from the identity provider is not for this sign-in");
    }

    if (!parameters.get("code")) return refuse(400, "The answer from the identity provider has no code");

    const claims = await reachingIssuer(redeemCode(metadata, parameters, attempt));
    if (typeof claims === "string") return refuse(claims === CODE_REFUSED ? 400 : 401, claims);
    let principal: StaffPrincipal;
    try {
      principal = principalFromClaims(claims, settings, "session");
    } catch (failure) {
      if (!(failure instanceof InvalidTokenError)) throw failure;
      return refuse(401, `The identity provider's ID token was refused: ${failure.message}`);
    }

    const previous = getCookie(c, SESSION_COOKIE);
    if (previous !== undefined) await sessions.delete(previous);
    const now = clock.now();
    const { token } = await sessions.create(
      { subject: principal.subject, email: principal.email, name: principal.name, roles: [...principal.roles] },
      { now, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS) },
    );
    setCookie(c, SESSION_COOKIE, token, { ...cookie, maxAge: SESSION_LIFETIME_MS / 1000 });
    return c.redirect(attempt.returnTo, 303);
  });

  routes.post("/auth/logout", async (c) => {
    const current = await currentSession(c);
    if (current !== null) {
      await requireCsrfProof(c, current.session);
      await sessions.delete(current.token);
    }
    deleteCookie(c, SESSION_COOKIE, cookie);
    c.header("Cache-Control", "no-store");
    // A page's sign-out form lands on the start page; a script just learns it worked.
    return isFormPost(c) ? c.redirect("/", 303) : c.body(null, 204);
  });

  routes.get("/auth/session", async (c) => {
    c.header("Cache-Control", "no-store");
    const current = await currentSession(c);
    if (current === null) return c.json({ signedIn: false });
    const { email, name, roles } = principalOf(current.session);
    return c.json({
      signedIn: true,
      user: { email, name: name ?? null, roles },
      csrfToken: current.session.csrfToken,
      expiresAt: current.session.expiresAt.toISOString(),
    });
  });

  /**
   * Redeems the code with the verifier and checks the ID token that comes back (iss, aud, azp, exp, iat, nonce;
   * straight from the token endpoint, so no signature check is needed: OpenID Connect Core 3.1.3.7).
   * The verified claims, or why the sign-in is refused.
   */
  async function redeemCode(
    metadata: oauth.AuthorizationServer,
    parameters: URLSearchParams,
    attempt: { nonce: string; codeVerifier: string },
  ): Promise<oauth.IDToken | string> {
    const unavailable = (detail: string, cause?: unknown) =>
      new IssuerUnavailableError(`The identity provider's token endpoint ${detail}`, { cause });
    let response: Response;
    try {
      response = await oauth.authorizationCodeGrantRequest(
        metadata, client, clientAuthentication, parameters, redirectUri, attempt.codeVerifier, issuer.requestOptions,
      );
    } catch (error) {
      throw unavailable("could not be reached", error);
    }
    try {
      const tokens = await oauth.processAuthorizationCodeResponse(metadata, client, response, {
        expectedNonce: attempt.nonce,
        requireIdToken: true,
      });
      const claims = oauth.getValidatedIdTokenClaims(tokens);
      if (claims === undefined) throw unavailable("returned no ID token");
      return claims;
    } catch (error) {
      // invalid_grant and its kin: the code was used already, has expired, or the verifier does not fit.
      if (error instanceof oauth.ResponseBodyError && error.status < 500) return CODE_REFUSED;
      if (error instanceof oauth.OperationProcessingError && error.code !== oauth.RESPONSE_IS_NOT_CONFORM) {
        return `The identity provider's ID token was refused: ${error.message}`;
      }
      if (error instanceof IssuerUnavailableError) throw error;
      throw unavailable(`answered ${response.status}`, error);
    }
  }

  return { authenticate, routes };
}

/** The session cookie and Bearer tokens, as both kinds of function check them. */
function sessionsAndTokens(options: StaffAuthenticationOptions, issuer: Issuer) {
  const { settings, sessions, appOrigin, clock = systemClock } = options;

  async function currentSession(c: Context<AppEnv>): Promise<{ token: string; session: Session } | null> {
    const token = getCookie(c, SESSION_COOKIE);
    if (token === undefined || token === "") return null;
    const session = await sessions.find(token, clock.now());
    return session === null ? null : { token, session };
  }

  async function authenticate(c: Context<AppEnv>): Promise<StaffPrincipal | null> {
    const authorization = c.req.header("Authorization");
    if (authorization !== undefined) return bearerPrincipal(c, authorization);
    const current = await currentSession(c);
    if (current === null) return null;
    if (isStateChanging(c.req.method)) await requireCsrfProof(c, current.session);
    return principalOf(current.session);
  }

  async function bearerPrincipal(c: Context<AppEnv>, authorization: string): Promise<StaffPrincipal | null> {
    const token = /^Bearer +([\w.~+/-]+=*)$/i.exec(authorization.trim())?.[1];
    try {
      if (token === undefined) throw new InvalidTokenError("the Authorization header is not a Bearer token");
      const claims = await reachingIssuer(issuer.verify(token, { audience: settings.audience }));
      return principalFromClaims(claims, settings, "bearer");
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      // RFC 6750: tell the client why, so a script author sees "expired" rather than a bare 401.
      const description = error.message.replace(/[^\x20-\x7e]|["\\]/g, "'");
      c.header("WWW-Authenticate", `Bearer error="invalid_token", error_description="${description}"`);
      return null;
    }
  }

  async function requireCsrfProof(c: Context<AppEnv>, session: Session): Promise<void> {
    try {
      await assertCsrfProof(c, appOrigin, session.csrfToken);
    } catch (error) {
      if (!(error instanceof CsrfRejectedError)) throw error;
      throw new ApiProblem(403, "Cross-site request refused", error.message);
    }
  }

  return { authenticate, currentSession, requireCsrfProof };
}

function principalOf(session: Session): StaffPrincipal {
  return {
    subject: session.subject,
    email: session.email,
    ...(session.name === undefined ? {} : { name: session.name }),
    roles: session.roles.filter(isRole),
    via: "session",
    csrfToken: session.csrfToken,
  };
}

/** The issuer's outage as a 503 problem: nothing the caller did wrong, and worth trying again shortly. */
async function reachingIssuer<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof IssuerUnavailableError)) throw error;
    throw new ApiProblem(503, "Sign-in unavailable", `${error.message}; try again in a moment`);
  }
}

const CODE_REFUSED = "The identity provider did not accept the sign-in code; sign in again";

/**
 * Only a path on this site: an absolute or protocol-relative address would turn sign-in into an open redirect
 * that lends our name to a phishing page.
 */
export function safeReturnPath(requested: string | undefined, appOrigin: string): string {
  // eslint-disable-next-line no-control-regex -- a control character in a return path is what this refuses
  if (requested === undefined || !requested.startsWith("/") || /^\/[/\\]|[\u0000-\u001f\\]/.test(requested)) return "/";
  const url = new URL(requested, appOrigin);
  return url.origin === appOrigin ? `${url.pathname}${url.search}${url.hash}` : "/";
}
