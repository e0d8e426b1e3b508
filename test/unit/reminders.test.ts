import { describe, expect, it } from "vitest";
import type { CompleteAgreement } from "../../functions/domain/agreement";
import { dueReminders, nextReminderDate, plannedReminders, reminderKey } from "../../functions/domain/reminders";
import { active, at, editor, must } from "../support/agreements";

function mammaUnited(overrides: Partial<CompleteAgreement> = {}): CompleteAgreement {
  return { ...(active() as CompleteAgreement), reportingRequirements: [], ...overrides };
}
const nothingSubmitted = () => false;

describe("the reminder schedule", () => {
  it("plans expiry reminders 180, 90 and 30 days before the end date", () => {
    expect(plannedReminders(mammaUnited()).map((reminder) => [reminder.kind, reminder.sendOn])).toEqual([
      ["expiry", "2026-07-04"],
      ["expiry", "2026-10-02"],
      ["expiry", "2026-12-01"],
    ]);
  });

  it("plans a notice reminder 30 days before the end date less the notice period", () => {
    const planned = plannedReminders(mammaUnited({ noticePeriodMonths: 6 }));
    expect(planned).toContainEqual({ kind: "notice", sendOn: "2026-05-31", concerns: "2026-06-30" });
  });

  it("plans report reminders 14 days before each due date and the day after it", () => {
    const planned = plannedReminders(mammaUnited({ reportingRequirements: [{ id: "arlig", kind: "activity", description: "", dueDates: ["2025-03-31"] }] }));
    expect(planned.filter((reminder) => reminder.kind.startsWith("report"))).toEqual([
      { kind: "report-due", sendOn: "2025-03-17", concerns: "2025-03-31", requirementId: "arlig" },
      { kind: "report-overdue", sendOn: "2025-04-01", concerns: "2025-03-31", requirementId: "arlig" },
    ]);
  });

  it("stops expiry reminders once a renewal is approved or the agreement is terminated", () => {
    expect(plannedReminders(mammaUnited({ renewedBy: "agr-next" }))).toEqual([]);
    const terminated = must(active(), { type: "terminate", termination: { effectiveDate: "2025-12-31", reason: "Upphör" } }, editor, at("2025-06-01T10:00:00+02:00"));
    expect(plannedReminders(terminated as CompleteAgreement)).toEqual([]);
  });
});

describe("what is due on a day", () => {
  it("sends a reminder on its day and not again once handled", () => {
    const agreement = mammaUnited();
    const first = dueReminders(agreement, "2026-07-04", new Set(), nothingSubmitted);
    expect(first.send.map((reminder) => reminder.sendOn)).toEqual(["2026-07-04"]);
    const handled = new Set(first.send.map(reminderKey));
    expect(dueReminders(agreement, "2026-07-05", handled, nothingSubmitted).send).toEqual([]);
    expect(nextReminderDate(agreement, "2026-07-05", handled)).toBe("2026-10-02");
  });

  it("after a late wake-up sends only the most recent reminder of a kind and skips the stale ones", () => {
    const { send, skip } = dueReminders(mammaUnited(), "2026-12-05", new Set(), nothingSubmitted);
    expect(send.map((reminder) => reminder.sendOn)).toEqual(["2026-12-01"]);
    expect(skip.map((reminder) => reminder.sendOn)).toEqual(["2026-07-04", "2026-10-02"]);
  });

  it("sends no overdue reminder when the report came in", () => {
    const agreement = mammaUnited({ reportingRequirements: [{ id: "arlig", kind: "activity", description: "", dueDates: ["2025-03-31"] }] });
    const handled = new Set(dueReminders(agreement, "2025-03-17", new Set(), nothingSubmitted).send.map(reminderKey));
    expect(dueReminders(agreement, "2025-04-01", handled, () => true).send).toEqual([]);
    expect(dueReminders(agreement, "2025-04-01", handled, nothingSubmitted).send.map((reminder) => reminder.kind)).toEqual(["report-overdue"]);
  });
});
