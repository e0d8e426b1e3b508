/**
 * CSRF protection for the pages' forms, on the API's rules (functions/api/auth/csrf.ts): a post must come from
 * this site and carry a token another site cannot read. Signed-in staff post their session's token, which the
 * authenticator checks; anonymous visitors (the association form, the help page's calculator) post the token of
 * a `__Host-` cookie of their own (a double-submit token: another site can neither read nor set it).
 */
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { assertCsrfProof, CsrfRejectedError } from "../functions/api/auth/csrf";
import type { StaffPrincipal } from "../functions/api/auth/principal";
import { ApiProblem } from "../functions/api/problems";
import type { AppEnv } from "../functions/api/env";

export const ANONYMOUS_CSRF_COOKIE = "__Host-iop-form";

/** The token this page's forms carry; sets the anonymous cookie when there is none yet. */
export function formToken(c: Context<AppEnv>, principal: StaffPrincipal | null): string {
  if (principal?.csrfToken !== undefined) return principal.csrfToken;
  const existing = getCookie(c, ANONYMOUS_CSRF_COOKIE);
  if (existing !== undefined && /^[\w-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString("base64url");
  // A session cookie: it lives as long as the browser, long enough for any form to be filled in.
  setCookie(c, ANONYMOUS_CSRF_COOKIE, token, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
  return token;
}

/**
 * Who posted this form, after the CSRF proof: staff through the authenticator (which checks their session's
 * token), anyone else against the anonymous cookie. Throws CsrfRejectedError when the proof fails.
 */
export async function formPoster(
  c: Context<AppEnv>,
  authenticate: (c: Context<AppEnv>) => Promise<StaffPrincipal | null>,
  appOrigin: string,
): Promise<StaffPrincipal | null> {
  let principal: StaffPrincipal | null;
  try {
    principal = await authenticate(c);
  } catch (error) {
    // The authenticator refuses a signed-in post without its session's proof as a 403 problem.
    if (error instanceof ApiProblem && error.status === 403) throw new CsrfRejectedError(error.detail);
    throw error;
  }
  if (principal !== null) return principal;
  const expected = getCookie(c, ANONYMOUS_CSRF_COOKIE);
  if (expected === undefined || expected === "") throw new CsrfRejectedError("The form's cookie is missing; load the page again");
  await assertCsrfProof(c, appOrigin, expected);
  return null;
}
