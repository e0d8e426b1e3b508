// Which failed sends SES surely did not take (safe to try again) and which may have gone (never repeated by
// itself): the errors the SES v2 client raises, by status, name and socket code.
import { describe, expect, it } from "vitest";
import { surelyNotAccepted } from "../../functions/email/sender";

const answered = (status: number, name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const socket = (code: string, name = "Error") => Object.assign(new Error(code), { name, code });

describe("a failed send", () => {
  it("surely was not taken when SES throttled or refused it, or no connection was made", () => {
    expect(surelyNotAccepted(answered(429, "TooManyRequestsException"))).toBe(true);
    expect(surelyNotAccepted(answered(400, "MessageRejected"))).toBe(true);
    expect(surelyNotAccepted(answered(403, "AccessDeniedException"))).toBe(true);
    expect(surelyNotAccepted(Object.assign(new Error("slow down"), { name: "ThrottlingException" }))).toBe(true);
    expect(surelyNotAccepted(socket("ECONNREFUSED"))).toBe(true);
    expect(surelyNotAccepted(socket("ENOTFOUND"))).toBe(true);
  });

  it("may have been taken after a 5xx, a lost connection, a timeout, or anything not recognised", () => {
    expect(surelyNotAccepted(answered(500, "InternalFailure"))).toBe(false);
    expect(surelyNotAccepted(answered(503, "ServiceUnavailable"))).toBe(false);
    expect(surelyNotAccepted(socket("ECONNRESET"))).toBe(false);
    expect(surelyNotAccepted(socket("ETIMEDOUT", "TimeoutError"))).toBe(false);
    expect(surelyNotAccepted(new Error("something else"))).toBe(false);
    expect(surelyNotAccepted(undefined)).toBe(false);
  });
});
