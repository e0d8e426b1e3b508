/**
 * The OpenID Connect issuer as this application uses it: its discovery document (fetched and checked by
 * oauth4webapi, which also runs the browser sign-in), its signing keys, the one way a Bearer token it signs is
 * verified, and how a verified token names a person.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import * as oauth from "oauth4webapi";
import { isRole, type Role, type StaffPrincipal } from "./principal";
import type { OidcSettings } from "./settings";

/** Asymmetric algorithms only: `none` and shared-secret HMAC (which a public key could forge) are refused. */
export const ALLOWED_ALGORITHMS = ["RS256", "PS256", "ES256"] as const;
/** Tolerated clock difference between the issuer and this server. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/**
 * Tokens remembered as verified, per issuer. Checking a signature was the largest single cost of an API request
 * (about 15 % of node's time on `GET /api/agreements/{id}`, docs/benchmarks.md), and a client sends the same token
 * until it expires; a few hundred callers at once is a busy day for a municipality.
 */
const VERIFIED_TOKENS_KEPT = 1_000;

/** A token that does not prove who is calling; the message says why (for logs and `WWW-Authenticate`). */
export class InvalidTokenError extends Error {
  override readonly name = "InvalidTokenError";
}

/** The issuer's discovery document, keys or token endpoint could not be had: nobody's mistake, try again later. */
export class IssuerUnavailableError extends Error {
  override readonly name = "IssuerUnavailableError";
}

export interface Issuer {
  readonly url: string;
  /** The discovery document, checked to name exactly this issuer. */
  metadata(): Promise<oauth.AuthorizationServer>;
  /** oauth4webapi's options for every request to the issuer (plain http is allowed for a loopback issuer only). */
  readonly requestOptions: IssuerRequestOptions;
  /**
   * Verifies signature (against the issuer's published keys, allowed algorithms only), `iss`, `aud`, `exp` and
   * `nbf`, then remembers the token as verified until it expires. (The browser sign-in's ID token is checked by
   * oauth4webapi, in staff-auth.ts.)
   * @throws InvalidTokenError for any token that fails; IssuerUnavailableError when the keys could not be fetched.
   */
  verify(token: string, expected: { audience: string }): Promise<JWTPayload>;
}

interface IssuerRequestOptions {
  [oauth.customFetch]: typeof fetch;
  [oauth.allowInsecureRequests]: boolean;
}

export function createIssuer(url: string, fetchImplementation: typeof fetch = fetch): Issuer {
  let metadata: Promise<oauth.AuthorizationServer> | null = null;
  let keys: ReturnType<typeof createRemoteJWKSet> | null = null;
  /** Token (with the audience it was checked for) → its claims and until when jose would still accept it. */
  const verified = new Map<string, { payload: JWTPayload; acceptedUntilMs: number }>();
  const requestOptions: IssuerRequestOptions = {
    [oauth.customFetch]: fetchImplementation,
    // The settings accept http only for an issuer on this machine (settings.ts, parseIssuer).
    [oauth.allowInsecureRequests]: new URL(url).protocol === "http:",
  };

  const loadMetadata = () => {
    metadata ??= discover(url, requestOptions).catch((error: unknown) => {
      metadata = null; // try again on the next request rather than remembering an outage
      throw error;
    });
    return metadata;
  };

  return {
    url,
    metadata: loadMetadata,
    requestOptions,
    async verify(token, { audience }) {
      const cacheKey = `${audience} ${token}`;
      const known = verified.get(cacheKey);
      if (known !== undefined) {
        if (Date.now() < known.acceptedUntilMs) return known.payload;
        verified.delete(cacheKey);
      }
      if (keys === null) {
        const { jwks_uri: jwksUri } = await loadMetadata();
        if (jwksUri === undefined) throw new IssuerUnavailableError(`The identity provider at ${url} publishes no jwks_uri`);
        keys = createRemoteJWKSet(new URL(jwksUri));
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: url,
          audience,
          algorithms: [...ALLOWED_ALGORITHMS],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ["exp", "sub"],
        }));
      } catch (error) {
        throw asInvalidToken(error);
      }
      // `exp` is required above. The same window jose allows, so a remembered token is accepted exactly as long.
      if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
      verified.set(cacheKey, { payload, acceptedUntilMs: (payload.exp! + CLOCK_TOLERANCE_SECONDS) * 1000 });
      return payload;
    },
  };
}

/** OpenID Connect Discovery: the document must name exactly the issuer it was fetched for. */
async function discover(url: string, options: IssuerRequestOptions): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(url);
  let response: Response;
  try {
    response = await oauth.discoveryRequest(issuer, options);
  } catch (error) {
    throw new IssuerUnavailableError(`The identity provider at ${url} could not be reached`, { cause: error });
  }
  try {
    const metadata = await oauth.processDiscoveryResponse(issuer, response);
    // oauth4webapi compares the issuer as a URL; tokens carry it as text, and so must the document.
    if (metadata.issuer !== url) throw new Error(`it names the issuer "${metadata.issuer}"`);
    return metadata;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new IssuerUnavailableError(`The identity provider at ${url} has no usable discovery document (${reason})`, {
      cause: error,
    });
  }
}

function asInvalidToken(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new InvalidTokenError("the token has expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new InvalidTokenError(`the token's ${error.claim} claim is not accepted (${error.reason})`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError("the token's algorithm is not accepted");
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new InvalidTokenError("the token is signed with a key the issuer does not publish");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new InvalidTokenError("the token's signature is invalid");
  }
  if ([errors.JWSInvalid, errors.JWTInvalid, errors.JOSENotSupported].some((kind) => error instanceof kind)) {
    return new InvalidTokenError("the token is malformed");
  }
  // Timeouts and failed key downloads are the issuer's trouble, not the caller's.
  return new IssuerUnavailableError("The identity provider's signing keys could not be fetched", { cause: error });
}

/**
 * Who the verified token names, with the roles it grants. The address must be one the issuer stands behind:
 * `email` with `email_verified: true` (or an issuer configured to vouch for its `email` claim), or the claim the
 * configuration names. Never `preferred_username` or `upn`: people can change those themselves at some issuers.
 */
export function principalFromClaims(
  claims: JWTPayload,
  settings: Pick<OidcSettings, "rolesClaim" | "roleMap" | "emailClaim" | "emailVerifiedByIssuer">,
  via: StaffPrincipal["via"],
): StaffPrincipal {
  const email = verifiedEmail(claims, settings);
  const name = stringClaim(claims, "name");
  return {
    subject: String(claims.sub),
    email: email.toLowerCase(),
    ...(name === undefined ? {} : { name }),
    roles: rolesFrom(claimAt(claims, settings.rolesClaim), settings.roleMap),
    via,
  };
}

function verifiedEmail(claims: JWTPayload, settings: Pick<OidcSettings, "emailClaim" | "emailVerifiedByIssuer">): string {
  if (settings.emailClaim !== undefined) {
    const configured = stringClaim(claims, settings.emailClaim);
    if (configured === undefined || !configured.includes("@")) {
      throw new InvalidTokenError(`the token names no email address in its ${settings.emailClaim} claim`);
    }
    return configured;
  }
  const email = stringClaim(claims, "email");
  // Some issuers (older Cognito pools) send the flag as the string "true".
  const verified = claims.email_verified === true || claims.email_verified === "true" || settings.emailVerifiedByIssuer;
  if (email === undefined || !email.includes("@") || !verified) {
    throw new InvalidTokenError("the token names no email address the issuer has verified (email with email_verified)");
  }
  return email;
}

function stringClaim(claims: JWTPayload, name: string): string | undefined {
  const value = claims[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** A claim by its exact name, else by a dotted path into nested objects (Keycloak's `realm_access.roles`). */
function claimAt(claims: JWTPayload, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const step of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** Issuer role names become ours through the map, or as they are when they already are ours; others are ignored. */
function rolesFrom(value: unknown, roleMap: ReadonlyMap<string, Role>): Role[] {
  const names = typeof value === "string" ? value.split(/[\s,]+/) : Array.isArray(value) ? value : [];
  const roles = new Set<Role>();
  for (const name of names) {
    if (typeof name !== "string") continue;
    const role = roleMap.get(name) ?? (isRole(name) ? name : undefined);
    if (role !== undefined) roles.add(role);
  }
  return [...roles];
}
