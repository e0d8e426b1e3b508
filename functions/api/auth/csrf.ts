/**
 * Cross-site request forgery protection for requests authenticated by the session cookie. The browser attaches
 * the cookie to requests another site makes it send, so a state change needs two further proofs that the request
 * came from our own pages: the session's CSRF token (which other sites cannot read) and a same-origin `Origin` /
 * `Sec-Fetch-Site`. Bearer requests need neither: no browser attaches a Bearer token on its own.
 */
import { timingSafeEqual } from "node:crypto";
import type { Context } from "hono";

/** Header that scripts send the token in. */
export const CSRF_HEADER = "X-CSRF-Token";
/** Form field that pages without JavaScript send the token in. */
export const CSRF_FORM_FIELD = "csrf_token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Why a cookie-authenticated state change was refused; the API answers 403. */
export class CsrfRejectedError extends Error {
  override readonly name = "CsrfRejectedError";
}

/** @throws CsrfRejectedError unless the request comes from `appOrigin` and carries `expectedToken`. */
export async function assertCsrfProof(c: Context, appOrigin: string, expectedToken: string): Promise<void> {
  assertSameOrigin(c, appOrigin);
  const token = c.req.header(CSRF_HEADER) ?? (await formField(c, CSRF_FORM_FIELD));
  if (token === undefined || token === "") {
    throw new CsrfRejectedError(
      `A signed-in change needs the CSRF token from GET /auth/session in the ${CSRF_HEADER} header`,
    );
  }
  if (!sameText(token, expectedToken)) {
    throw new CsrfRejectedError(
      "The CSRF token does not belong to this session; fetch it again from GET /auth/session",
    );
  }
}

function assertSameOrigin(c: Context, appOrigin: string): void {
  const origin = c.req.header("Origin");
  const fetchSite = c.req.header("Sec-Fetch-Site");
  if (fetchSite !== undefined && fetchSite !== "same-origin") {
    throw new CsrfRejectedError(
      `A signed-in change must come from this site's own pages (Sec-Fetch-Site: ${fetchSite})`,
    );
  }
  // Under the site's `Referrer-Policy: no-referrer` a browser's own form post says `Origin: null`; then only its
  // Sec-Fetch-Site, which pages cannot set, tells where the post came from.
  const vouchedFor = origin === undefined || origin === "null" ? fetchSite === "same-origin" : origin === appOrigin;
  if (!vouchedFor) {
    throw new CsrfRejectedError(`A signed-in change must come from ${appOrigin} (Origin: ${origin ?? "missing"})`);
  }
}

/** A form submitted by a page (no script involved). */
export function isFormPost(c: Context): boolean {
  return /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(c.req.header("Content-Type") ?? "");
}

async function formField(c: Context, name: string): Promise<string | undefined> {
  if (!isFormPost(c)) return undefined;
  // A body that does not parse carries no token; the route reports the body itself.
  const fields: Record<string, unknown> = await c.req.parseBody().catch(() => ({}));
  const value = fields[name];
  return typeof value === "string" ? value : undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
