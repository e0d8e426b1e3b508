import { describe, expect, it } from "vitest";
import { DeployConfigError, readDeployConfig, regionFrom } from "../../infra/config";

const base = {
  IOP_TEAM_MAILBOX: "iop@kommun.example",
  IOP_EMAIL_SENDER: "noreply@kommun.example",
  IOP_OIDC_ISSUER: "https://login.kommun.example/realms/staff",
  IOP_OIDC_CLIENT_ID: "iop-lifecycle",
};

describe("deploy configuration", () => {
  it("deploys to Stockholm unless IOP_REGION says otherwise", () => {
    expect(regionFrom({})).toBe("eu-north-1");
    expect(regionFrom({ IOP_REGION: " " })).toBe("eu-north-1");
    expect(regionFrom({ IOP_REGION: "eu-west-1" })).toBe("eu-west-1");
  });

  it("treats only prod as a production stage", () => {
    expect(readDeployConfig("prod", base).production).toBe(true);
    expect(readDeployConfig("staging", base).production).toBe(false);
    expect(readDeployConfig("production-test", base).production).toBe(false);
  });

  it("verifies the sender address itself by default, or a domain it belongs to", () => {
    expect(readDeployConfig("dev", base).emailIdentity).toEqual({ kind: "email", value: "noreply@kommun.example" });
    expect(readDeployConfig("dev", { ...base, IOP_EMAIL_IDENTITY: "Kommun.Example" }).emailIdentity).toEqual({
      kind: "domain",
      value: "kommun.example",
    });
  });

  it("runs the reconciler every 15 minutes unless IOP_RECONCILE_MINUTES says otherwise", () => {
    expect(readDeployConfig("dev", base).reconcileMinutes).toBe(15);
    expect(readDeployConfig("dev", { ...base, IOP_RECONCILE_MINUTES: "60" }).reconcileMinutes).toBe(60);
    for (const wrong of ["0", "2.5", "a while", "1441"]) {
      expect(() => readDeployConfig("dev", { ...base, IOP_RECONCILE_MINUTES: wrong })).toThrow(/IOP_RECONCILE_MINUTES must be a whole number of minutes/);
    }
  });

  it("lists every missing or malformed value at once, naming the .env file to fix", () => {
    const attempt = () =>
      readDeployConfig("prod", {
        IOP_EMAIL_SENDER: "noreply@other.example",
        IOP_EMAIL_IDENTITY: "kommun.example",
        IOP_ALARM_EMAIL: "on-call",
        IOP_APP_URL: "http://iop.kommun.example/app",
      });
    expect(attempt).toThrow(DeployConfigError);
    expect(attempt).toThrow(/IOP_TEAM_MAILBOX is not set/);
    expect(attempt).toThrow(/IOP_EMAIL_SENDER must be an address in the domain kommun\.example/);
    expect(attempt).toThrow(/IOP_ALARM_EMAIL is not an email address/);
    expect(attempt).toThrow(/IOP_APP_URL must be an https origin/);
    expect(attempt).toThrow(/\.env\.prod/);
  });

  it("requires the staff sign-in issuer and client id, and checks the issuer and role map", () => {
    const { IOP_OIDC_ISSUER: _issuer, IOP_OIDC_CLIENT_ID: _clientId, ...withoutSignIn } = base;
    expect(() => readDeployConfig("dev", withoutSignIn)).toThrow(/IOP_OIDC_ISSUER is not set[^]*IOP_OIDC_CLIENT_ID is not set/);

    const attempt = () =>
      readDeployConfig("dev", { ...base, IOP_OIDC_ISSUER: "http://login.kommun.example", IOP_OIDC_ROLE_MAP: "Staff=boss" });
    expect(attempt).toThrow(/IOP_OIDC_ISSUER must be an https URL/);
    expect(attempt).toThrow(/IOP_OIDC_ROLE_MAP entry "Staff=boss" must be <issuer role>=<viewer\|editor\|registrar\|admin>/);

    expect(
      readDeployConfig("dev", { ...base, IOP_OIDC_ROLES_CLAIM: "realm_access.roles", IOP_OIDC_ROLE_MAP: "iop-admin=admin" })
        .oidc,
    ).toEqual({
      issuer: "https://login.kommun.example/realms/staff",
      clientId: "iop-lifecycle",
      clientSecret: undefined,
      audience: undefined,
      rolesClaim: "realm_access.roles",
      roleMap: "iop-admin=admin",
      scopes: undefined,
    });
  });

  it("rejects a sender that is not the verified address", () => {
    expect(() => readDeployConfig("dev", { ...base, IOP_EMAIL_IDENTITY: "someone@kommun.example" })).toThrow(
      /IOP_EMAIL_SENDER must be the address verified by IOP_EMAIL_IDENTITY/,
    );
  });
});

describe("secrets in the deploy configuration", () => {
  it("refuses an OIDC client secret's value, asking for the name of the secret that holds it", () => {
    expect(() => readDeployConfig("prod", { ...base, IOP_OIDC_CLIENT_SECRET: "s3cret" })).toThrow(
      /IOP_OIDC_CLIENT_SECRET must not be set.*Secrets Manager.*IOP_OIDC_CLIENT_SECRET_NAME/,
    );
    expect(readDeployConfig("prod", { ...base, IOP_OIDC_CLIENT_SECRET_NAME: "iop/prod/oidc" }).oidc.clientSecretName).toBe("iop/prod/oidc");
    expect(() => readDeployConfig("prod", { ...base, IOP_OIDC_CLIENT_SECRET_NAME: "not a name" })).toThrow(/not a Secrets Manager secret name/);
  });

  it("creates the SES identity unless told it exists already", () => {
    expect(readDeployConfig("dev", base).emailIdentityExists).toBe(false);
    expect(readDeployConfig("dev", { ...base, IOP_EMAIL_IDENTITY_EXISTS: "TRUE" }).emailIdentityExists).toBe(true);
    expect(() => readDeployConfig("dev", { ...base, IOP_EMAIL_IDENTITY_EXISTS: "yes" })).toThrow(/IOP_EMAIL_IDENTITY_EXISTS must be true or false/);
  });
});
