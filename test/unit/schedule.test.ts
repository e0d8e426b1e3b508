import { describe, expect, it } from "vitest";
import type { CompleteAgreement } from "../../functions/domain/agreement";
import { reminderKey, plannedReminders } from "../../functions/domain/reminders";
import { dueTransition, nextDueInstant } from "../../functions/domain/schedule";
import { active, approved, at } from "../support/agreements";

function complete(agreement: ReturnType<typeof active>, overrides: Partial<CompleteAgreement> = {}): CompleteAgreement {
  return { ...(agreement as CompleteAgreement), reportingRequirements: [], ...overrides };
}

describe("the transition a date calls for", () => {
  it("activates from the first instant of the start date in Stockholm", () => {
    const agreement = complete(approved());
    expect(dueTransition(agreement, at("2024-01-31T23:59:59+01:00"))).toBeNull();
    expect(dueTransition(agreement, at("2024-02-01T00:00:00+01:00"))).toBe("activate");
    expect(dueTransition(agreement, at("2024-03-01T12:00:00+01:00"))).toBe("activate");
  });

  it("expires once the end date is over in Stockholm, not before", () => {
    const agreement = complete(active());
    expect(dueTransition(agreement, at("2026-12-31T23:59:59+01:00"))).toBeNull();
    expect(dueTransition(agreement, at("2026-12-31T23:30:00Z"))).toBe("expire");
  });

  it("ends an agreement once the last day before its termination takes effect is over, not at its end date", () => {
    const termination = { ground: "mutual-agreement", givenOn: "2025-06-01", effectiveDate: "2025-09-30" } as const;
    const agreement = complete(active(), { termination });
    expect(dueTransition(agreement, at("2025-09-30T23:59:59+02:00"))).toBeNull();
    expect(dueTransition(agreement, at("2025-09-30T22:00:00Z"))).toBe("end");
    expect(nextDueInstant(agreement, at("2025-06-01T12:00:00+02:00"), new Set())).toEqual(at("2025-10-01T00:00:00+02:00"));
  });

  it("calls for nothing in other statuses", () => {
    expect(dueTransition({ ...complete(active()), status: "terminated" }, at("2030-01-01T00:00:00Z"))).toBeNull();
    expect(dueTransition({ ...complete(active()), status: "proposed" }, at("2030-01-01T00:00:00Z"))).toBeNull();
  });
});

describe("when the agreement next needs attention", () => {
  it("is the start of its start date while approved", () => {
    expect(nextDueInstant(complete(approved()), at("2024-01-19T10:00:00+01:00"), new Set())).toEqual(at("2024-02-01T00:00:00+01:00"));
  });

  it("is the start of the day of the next reminder not yet handled, in Stockholm time", () => {
    const agreement = complete(active());
    expect(nextDueInstant(agreement, at("2026-03-01T12:00:00+01:00"), new Set())).toEqual(at("2026-07-04T00:00:00+02:00"));
    const handled = new Set(plannedReminders(agreement).slice(0, 1).map(reminderKey));
    expect(nextDueInstant(agreement, at("2026-07-04T00:00:00+02:00"), handled)).toEqual(at("2026-10-02T00:00:00+02:00"));
  });

  it("is the end of the period (midnight after the end date) when no reminder comes first", () => {
    expect(nextDueInstant(complete(active()), at("2026-12-01T12:00:00+01:00"), new Set())).toEqual(at("2027-01-01T00:00:00+01:00"));
  });

  it("is a report reminder after an agreement ended, and nothing once none is left", () => {
    const reports = [{ id: "slut", kind: "final" as const, description: "", dueDates: ["2027-03-31"] }];
    const expired = { ...complete(active(), { reportingRequirements: reports }), status: "expired" as const };
    expect(nextDueInstant(expired, at("2027-01-01T00:00:00+01:00"), new Set())).toEqual(at("2027-03-17T00:00:00+01:00"));
    expect(nextDueInstant(expired, at("2027-04-01T00:00:00+02:00"), new Set())).toBeNull();
  });
});
