import { describe, expect, it } from "vitest";
import type { CompleteAgreement } from "../../functions/domain/agreement";
import { cancelledReminders, dueReminders, nextReminderDate, plannedReminders, reminderKey } from "../../functions/domain/reminders";
import { active, at, editor, must, workflow } from "../support/agreements";

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

  it("stops expiry reminders once a renewal is approved", () => {
    expect(plannedReminders(mammaUnited({ renewedBy: "agr-next" }))).toEqual([]);
    expect(cancelledReminders(mammaUnited({ renewedBy: "agr-next" })).map((reminder) => [reminder.sendOn, reminder.cancelledBy])).toEqual([
      ["2026-07-04", "renewal"],
      ["2026-10-02", "renewal"],
      ["2026-12-01", "renewal"],
    ]);
  });

  it("once a termination is recorded, keeps the reminders of reports due until it takes effect and cancels the rest", () => {
    const termination = { ground: "mutual-agreement", givenOn: "2025-06-01", effectiveDate: "2026-03-31" } as const;
    const terminating = must(active(), { type: "terminate", termination }, editor, at("2025-06-01T10:00:00+02:00")) as CompleteAgreement;
    expect(terminating.status).toBe("active");
    const planned = plannedReminders(terminating);
    expect(planned.every((reminder) => reminder.kind.startsWith("report") && reminder.concerns <= "2026-03-31")).toBe(true);
    expect(planned.filter((reminder) => reminder.kind === "report-overdue").map((reminder) => reminder.sendOn)).toEqual(["2025-04-01", "2025-04-01", "2026-04-01", "2026-04-01"]);
    const cancelled = cancelledReminders(terminating);
    expect(cancelled.every((reminder) => reminder.cancelledBy === "termination")).toBe(true);
    expect(cancelled.map((reminder) => `${reminder.kind} ${reminder.concerns}`)).toEqual([
      "expiry 2026-12-31",
      "expiry 2026-12-31",
      "expiry 2026-12-31",
      "report-due 2027-03-31",
      "report-due 2027-03-31",
      "report-overdue 2027-03-31",
      "report-overdue 2027-03-31",
    ]);
    const ended = must(terminating, { type: "end" }, workflow, at("2026-04-01T00:00:00+02:00")) as CompleteAgreement;
    expect(plannedReminders(ended)).toEqual(planned);
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

  it("never sends at once because the settings changed: what falls on or before the day of the change is skipped", () => {
    const sent = new Set(["expiry.2026-12-31.2026-07-04", "expiry.2026-12-31.2026-10-02", "expiry.2026-12-31.2026-12-01"]);
    const changed = mammaUnited({ reminders: { ...mammaUnited().reminders, expiryDaysBefore: [180, 90, 29] }, remindersReplannedOn: "2026-12-02" });
    const { send, skip } = dueReminders(changed, "2026-12-02", sent, nothingSubmitted);
    expect(send).toEqual([]);
    expect(skip).toEqual([{ kind: "expiry", sendOn: "2026-12-02", concerns: "2026-12-31", reason: "schedule-changed" }]);
  });

  it("plans the reminders after the day of a change anew, and sends them on their day", () => {
    const changed = mammaUnited({ reminders: { ...mammaUnited().reminders, expiryDaysBefore: [29] }, remindersReplannedOn: "2026-11-15" });
    expect(nextReminderDate(changed, "2026-11-15", new Set())).toBe("2026-12-02");
    expect(dueReminders(changed, "2026-12-02", new Set(), nothingSubmitted).send.map((reminder) => reminder.sendOn)).toEqual(["2026-12-02"]);
  });

  it("sends no overdue reminder when the report came in", () => {
    const agreement = mammaUnited({ reportingRequirements: [{ id: "arlig", kind: "activity", description: "", dueDates: ["2025-03-31"] }] });
    const handled = new Set(dueReminders(agreement, "2025-03-17", new Set(), nothingSubmitted).send.map(reminderKey));
    expect(dueReminders(agreement, "2025-04-01", handled, () => true).send).toEqual([]);
    expect(dueReminders(agreement, "2025-04-01", handled, nothingSubmitted).send.map((reminder) => reminder.kind)).toEqual(["report-overdue"]);
  });
});
