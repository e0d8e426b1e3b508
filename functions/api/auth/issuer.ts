/**
 * The OpenID Connect issuer as this application uses it: its discovery document, its signing keys, and the one
 * way every token it signs is verified (Bearer access tokens and the browser sign-in's ID tokens alike).
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import { isRole, type Role, type StaffPrincipal } from "./principal";
import type { OidcSettings } from "./settings";

/** Asymmetric algorithms only: `none` and shared-secret HMAC (which a public key could forge) are refused. */
export const ALLOWED_ALGORITHMS = ["RS256", "PS256", "ES256"] as const;
/** Tolerated clock difference between the issuer and this server. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The parts of the discovery document this application uses. */
export interface IssuerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
}

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
  metadata(): Promise<IssuerMetadata>;
  /**
   * Verifies signature (against the issuer's published keys, allowed algorithms only), `iss`, `aud`, `exp` and
   * `nbf`, and `nonce` when one is expected.
   * @throws InvalidTokenError for any token that fails; IssuerUnavailableError when the keys could not be fetched.
   */
  verify(token: string, expected: { audience: string; nonce?: string }): Promise<JWTPayload>;
}

export function createIssuer(url: string, fetchImplementation: typeof fetch = fetch): Issuer {
  let metadata: Promise<IssuerMetadata> | null = null;
  let keys: ReturnType<typeof createRemoteJWKSet> | null = null;

  const loadMetadata = () => {
    metadata ??= discover(url, fetchImplementation).catch((error: unknown) => {
      metadata = null; // try again on the next request rather than remembering an outage
      throw error instanceof IssuerUnavailableError
        ? error
        : new IssuerUnavailableError(`The identity provider at ${url} could not be reached`, { cause: error });
    });
    return metadata;
  };

  return {
    url,
    metadata: loadMetadata,
    async verify(token, { audience, nonce }) {
      keys ??= createRemoteJWKSet(new URL((await loadMetadata()).jwks_uri));
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
      if (nonce !== undefined && payload.nonce !== nonce) {
        throw new InvalidTokenError("the ID token does not belong to this sign-in (nonce mismatch)");
      }
      return payload;
    },
  };
}

async function discover(issuer: string, fetchImplementation: typeof fetch): Promise<IssuerMetadata> {
  const address = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const response = await fetchImplementation(address, { headers: { accept: "application/json" } });
  if (!response.ok) {
    throw new IssuerUnavailableError(`The issuer's discovery document ${address} answered ${response.status}`);
  }
  const document = (await response.json()) as Partial<IssuerMetadata>;
  // OpenID Connect Discovery: the document must name exactly the issuer it was fetched for.
  if (document.issuer !== issuer) {
    throw new IssuerUnavailableError(
      `The discovery document at ${address} names the issuer "${document.issuer}", not "${issuer}"`,
    );
  }
  for (const field of ["authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
    if (typeof document[field] !== "string") {
      throw new IssuerUnavailableError(`The discovery document at ${address} has no ${field}`);
    }
  }
  return document as IssuerMetadata;
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

/** Who the verified token names, with the roles it grants. */
export function principalFromClaims(
  claims: JWTPayload,
  settings: Pick<OidcSettings, "rolesClaim" | "roleMap">,
  via: StaffPrincipal["via"],
): StaffPrincipal {
  const email = firstString(claims, ["email", "preferred_username", "upn"]);
  if (email === undefined || !email.includes("@")) {
    throw new InvalidTokenError("the token names no email address (email, preferred_username or upn)");
  }
  const name = firstString(claims, ["name"]);
  return {
    subject: String(claims.sub),
    email: email.toLowerCase(),
    ...(name === undefined ? {} : { name }),
    roles: rolesFrom(claimAt(claims, settings.rolesClaim), settings.roleMap),
    via,
  };
}

function firstString(claims: JWTPayload, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = claims[name];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
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
