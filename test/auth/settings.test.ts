import { describe, expect, it } from "vitest";
import { oidcSettingsFromEnv, OidcSettingsError } from "../../functions/api/auth/settings";

const ISSUER = "https://login.kommun.example/realms/staff";

describe("issuer settings from the environment", () => {
  it("needs the issuer and the client id, and defaults the rest", () => {
    expect(() => oidcSettingsFromEnv({})).toThrow(
      new OidcSettingsError("Staff sign-in is not configured: OIDC_ISSUER and OIDC_CLIENT_ID must be set"),
    );
    expect(oidcSettingsFromEnv({ OIDC_ISSUER: ISSUER, OIDC_CLIENT_ID: " iop-web " })).toEqual({
      issuer: ISSUER,
      clientId: "iop-web",
      clientSecret: undefined,
      audience: "iop-web",
      rolesClaim: "roles",
      roleMap: new Map(),
      scopes: "openid email profile",
      emailClaim: undefined,
      emailVerifiedByIssuer: false,
    });
  });

  it("reads the audience, the secret, the roles claim, the role map and the scopes", () => {
    const settings = oidcSettingsFromEnv({
      OIDC_ISSUER: ISSUER,
      OIDC_CLIENT_ID: "iop-web",
      OIDC_CLIENT_SECRET: "s3cret",
      OIDC_AUDIENCE: "api://iop",
      OIDC_ROLES_CLAIM: "realm_access.roles",
      OIDC_ROLE_MAP: "IOP.Editor=editor, iop-admin = admin",
      OIDC_SCOPES: "openid email profile roles",
    });

    expect(settings).toMatchObject({ clientSecret: "s3cret", audience: "api://iop", rolesClaim: "realm_access.roles" });
    expect([...settings.roleMap]).toEqual([
      ["IOP.Editor", "editor"],
      ["iop-admin", "admin"],
    ]);
  });

  it("reads which claim names the person, and whether the issuer vouches for `email`", () => {
    const base = { OIDC_ISSUER: ISSUER, OIDC_CLIENT_ID: "iop-web" };
    expect(oidcSettingsFromEnv({ ...base, OIDC_EMAIL_CLAIM: "verified_mail", OIDC_EMAIL_VERIFIED_BY_ISSUER: "true" })).toMatchObject({
      emailClaim: "verified_mail",
      emailVerifiedByIssuer: true,
    });
    expect(() => oidcSettingsFromEnv({ ...base, OIDC_EMAIL_VERIFIED_BY_ISSUER: "yes" })).toThrow(
      'OIDC_EMAIL_VERIFIED_BY_ISSUER must be true or false, got "yes"',
    );
  });

  it("refuses an issuer over plain http except on this machine, and a role map naming unknown roles", () => {
    const env = { OIDC_ISSUER: "http://login.kommun.example", OIDC_CLIENT_ID: "iop-web" };
    expect(() => oidcSettingsFromEnv(env)).toThrow(/OIDC_ISSUER must be an https URL/);
    expect(oidcSettingsFromEnv({ ...env, OIDC_ISSUER: "http://localhost:4000" }).issuer).toBe("http://localhost:4000");
    expect(() => oidcSettingsFromEnv({ ...env, OIDC_ISSUER: "not a url" })).toThrow(/OIDC_ISSUER is not a URL/);
    expect(() => oidcSettingsFromEnv({ OIDC_ISSUER: ISSUER, OIDC_CLIENT_ID: "x", OIDC_ROLE_MAP: "Boss=chief" })).toThrow(
      'OIDC_ROLE_MAP entry "Boss=chief" must be <issuer role>=<viewer|editor|registrar|admin>',
    );
    expect(() => oidcSettingsFromEnv({ OIDC_ISSUER: ISSUER, OIDC_CLIENT_ID: "x", OIDC_ROLE_MAP: "editor" })).toThrow(
      OidcSettingsError,
    );
  });
});
