/**
 * Which OpenID Connect issuer staff sign in with, and how its tokens name people and roles. Any standard issuer
 * works (Microsoft Entra ID, Amazon Cognito, Keycloak, the local provider); docs/auth.md shows each one's values.
 */
import { isRole, ROLES, type Role } from "./principal";

/** Names of the environment variables read by {@link oidcSettingsFromEnv}. */
export const OIDC_ENVIRONMENT = {
  issuer: "OIDC_ISSUER",
  clientId: "OIDC_CLIENT_ID",
  clientSecret: "OIDC_CLIENT_SECRET",
  audience: "OIDC_AUDIENCE",
  rolesClaim: "OIDC_ROLES_CLAIM",
  roleMap: "OIDC_ROLE_MAP",
  scopes: "OIDC_SCOPES",
  emailClaim: "OIDC_EMAIL_CLAIM",
  emailVerifiedByIssuer: "OIDC_EMAIL_VERIFIED_BY_ISSUER",
} as const;

export interface OidcSettings {
  /** Exactly the `iss` of its tokens; the discovery document is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** This application's client id at the issuer: the browser sign-in uses it, and ID tokens are issued to it. */
  clientId: string;
  /** For a confidential client; a public client proves itself with PKCE alone. */
  clientSecret?: string;
  /** The `aud` Bearer tokens must carry. */
  audience: string;
  /** Where the roles are in a token: a claim name, or a dotted path into nested claims (`realm_access.roles`). */
  rolesClaim: string;
  /** Issuer role name → application role; without a map the issuer's names must be the application's own. */
  roleMap: ReadonlyMap<string, Role>;
  /** Scopes the browser sign-in asks for. */
  scopes: string;
  /**
   * A claim the issuer controls that holds the person's address, used as it is. Without it the address is the
   * `email` claim, accepted only with `email_verified: true` or when {@link emailVerifiedByIssuer} is set.
   */
  emailClaim?: string;
  /** The issuer vouches for every address it puts in `email`, though its tokens carry no `email_verified`. */
  emailVerifiedByIssuer?: boolean;
}

export const DEFAULT_ROLES_CLAIM = "roles";
export const DEFAULT_SCOPES = "openid email profile";

export class OidcSettingsError extends Error {
  override readonly name = "OidcSettingsError";
}

type Env = Readonly<Record<string, string | undefined>>;

export function oidcSettingsFromEnv(env: Env): OidcSettings {
  const value = (name: string) => {
    const trimmed = env[name]?.trim();
    return trimmed === undefined || trimmed === "" ? undefined : trimmed;
  };
  const issuer = value(OIDC_ENVIRONMENT.issuer);
  const clientId = value(OIDC_ENVIRONMENT.clientId);
  const missing = [
    ...(issuer === undefined ? [OIDC_ENVIRONMENT.issuer] : []),
    ...(clientId === undefined ? [OIDC_ENVIRONMENT.clientId] : []),
  ];
  if (issuer === undefined || clientId === undefined) {
    throw new OidcSettingsError(`Staff sign-in is not configured: ${missing.join(" and ")} must be set`);
  }
  return {
    issuer: parseIssuer(issuer, OIDC_ENVIRONMENT.issuer),
    clientId,
    clientSecret: value(OIDC_ENVIRONMENT.clientSecret),
    audience: value(OIDC_ENVIRONMENT.audience) ?? clientId,
    rolesClaim: value(OIDC_ENVIRONMENT.rolesClaim) ?? DEFAULT_ROLES_CLAIM,
    roleMap: parseRoleMap(value(OIDC_ENVIRONMENT.roleMap) ?? "", OIDC_ENVIRONMENT.roleMap),
    scopes: value(OIDC_ENVIRONMENT.scopes) ?? DEFAULT_SCOPES,
    emailClaim: value(OIDC_ENVIRONMENT.emailClaim),
    emailVerifiedByIssuer: parseTrueFalse(value(OIDC_ENVIRONMENT.emailVerifiedByIssuer), OIDC_ENVIRONMENT.emailVerifiedByIssuer),
  };
}

/**
 * An issuer is an https URL (plain http only on this machine), kept exactly as tokens spell it.
 * `setting` names where the value came from, for the message.
 */
export function parseIssuer(issuer: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new OidcSettingsError(`${setting} is not a URL: "${issuer}"`);
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new OidcSettingsError(`${setting} must be an https URL, got "${issuer}"`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new OidcSettingsError(`${setting} must not have a query or fragment: "${issuer}"`);
  }
  return issuer;
}

/** `IOP.Editor=editor, IOP.Viewer=viewer`: comma-separated pairs; the issuer's name may itself contain dots. */
export function parseRoleMap(text: string, setting: string): ReadonlyMap<string, Role> {
  const map = new Map<string, Role>();
  for (const pair of text.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "")) {
    const separator = pair.lastIndexOf("=");
    const issuerRole = pair.slice(0, separator).trim();
    const role = pair.slice(separator + 1).trim();
    if (separator <= 0 || !isRole(role)) {
      throw new OidcSettingsError(
        `${setting} entry "${pair}" must be <issuer role>=<${ROLES.join("|")}>`,
      );
    }
    map.set(issuerRole, role);
  }
  return map;
}

/** `true` or `false`, unset meaning false. */
export function parseTrueFalse(text: string | undefined, setting: string): boolean {
  if (text === undefined || text === "false") return false;
  if (text === "true") return true;
  throw new OidcSettingsError(`${setting} must be true or false, got "${text}"`);
}
