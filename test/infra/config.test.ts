import { describe, expect, it } from "vitest";
import { DeployConfigError, readDeployConfig, regionFrom } from "../../infra/config";

const base = { IOP_TEAM_MAILBOX: "iop@kommun.example", IOP_EMAIL_SENDER: "noreply@kommun.example" };

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

  it("rejects a sender that is not the verified address", () => {
    expect(() => readDeployConfig("dev", { ...base, IOP_EMAIL_IDENTITY: "someone@kommun.example" })).toThrow(
      /IOP_EMAIL_SENDER must be the address verified by IOP_EMAIL_IDENTITY/,
    );
  });
});
