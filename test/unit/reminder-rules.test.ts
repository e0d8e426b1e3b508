import { describe, expect, it } from "vitest";
import type { CompleteAgreement } from "../../functions/domain/agreement";
import { reminderRecipients, dueReminders } from "../../functions/domain/reminders";
import { active } from "../support/agreements";

function mammaUnited(overrides: Partial<CompleteAgreement> = {}): CompleteAgreement {
  return { ...(active() as CompleteAgreement), reportingRequirements: [], ...overrides };
}
const nothingSubmitted = () => false;

describe("who gets the reminders", () => {
  it("is the responsible officer, with the team mailbox in copy", () => {
    expect(reminderRecipients(mammaUnited(), "iop@kommun.example")).toEqual({ to: ["editor@example.se"], cc: ["iop@kommun.example"] });
  });

  it("adds the associations' contacts when the agreement says so, each address once whatever its case", () => {
    const agreement = mammaUnited({
      reminders: { ...mammaUnited().reminders, notifyAssociationContact: true },
      associations: [
        { name: "Mamma United", organisationNumber: "802535-1233", contact: { name: "Kontakt", email: "kontakt@mammaunited.example.se" } },
        { name: "Utan kontakt", organisationNumber: "802480-4562" },
        { name: "Samma kontakt", organisationNumber: "802511-7899", contact: { name: "Samma", email: "Kontakt@MammaUnited.example.se" } },
      ],
    });
    expect(reminderRecipients(agreement, "EDITOR@example.se")).toEqual({ to: ["editor@example.se", "kontakt@mammaunited.example.se"], cc: [] });
  });
});

describe("what a late wake-up sends", () => {
  const requirement = { id: "arlig", kind: "activity" as const, description: "", dueDates: ["2025-03-31", "2026-03-31"] };

  it("skips a reminder about a date already past, and keeps the overdue reminder, which is about a past date by design", () => {
    const { send, skip } = dueReminders(mammaUnited({ reportingRequirements: [requirement] }), "2025-04-05", new Set(), nothingSubmitted);
    expect(send.map((reminder) => [reminder.kind, reminder.concerns])).toEqual([["report-overdue", "2025-03-31"]]);
    expect(skip.map((reminder) => [reminder.kind, reminder.concerns])).toEqual([["report-due", "2025-03-31"]]);
  });

  it("sends a reminder about today", () => {
    const { send } = dueReminders(mammaUnited({ reportingRequirements: [requirement] }), "2025-03-31", new Set(), nothingSubmitted);
    expect(send.map((reminder) => [reminder.kind, reminder.concerns])).toEqual([["report-due", "2025-03-31"]]);
  });

  it("otherwise sends the newest due reminder of each kind", () => {
    const { send, skip } = dueReminders(mammaUnited(), "2026-12-05", new Set(), nothingSubmitted);
    expect(send.map((reminder) => reminder.sendOn)).toEqual(["2026-12-01"]);
    expect(skip.map((reminder) => reminder.sendOn)).toEqual(["2026-07-04", "2026-10-02"]);
  });
});
