import { describe, expect, it } from "vitest";
import { fieldChanges } from "../../functions/domain/audit";
import { transition } from "../../functions/domain/lifecycle";
import { active, at, editor } from "../support/agreements";

function updateEvent(changes: Parameters<typeof transition>[1] & { type: "update" }) {
  const result = transition(active(), changes, editor, at("2025-03-01T10:00:00+01:00"));
  if (!result.ok) throw new Error(result.error.message);
  return result.changes[0]!.event;
}

describe("what an update event says changed", () => {
  it("names the sub-effort whose activity status changed, with the value before and after", () => {
    const subEfforts = active().subEfforts!.map((subEffort) =>
      subEffort.name === "Pilot för pappor" ? { ...subEffort, activityStatus: "done" as const } : subEffort,
    );
    const event = updateEvent({ type: "update", changes: { subEfforts: [...subEfforts].reverse() } });
    expect(event).toMatchObject({ action: "update", from: "active", to: "active", fields: ["subEfforts"], actor: editor, at: "2025-03-01T09:00:00.000Z" });
    expect(event.changes).toEqual([
      { path: "subEfforts[Pilot för pappor].activityStatus", label: "Pilot för pappor: activity status", from: "started", to: "done" },
    ]);
  });

  it("tells an added and a removed list member by its name, and a budget year by its year", () => {
    const before = active();
    const after = {
      ...before,
      subEfforts: [before.subEfforts![0]!, { name: "Språkcafé", description: "", activityStatus: "planned" as const }],
      budget: before.budget!.map((entry) => (entry.year === 2025 ? { ...entry, amountSek: 500_000 } : entry)),
      responsibleOfficer: { ...before.responsibleOfficer!, email: "ny@example.se" },
    };
    expect(fieldChanges(before, after)).toEqual([
      { path: "budget[2025].amountSek", label: "Budget 2025: amount (SEK)", from: 450_000, to: 500_000 },
      { path: "responsibleOfficer.email", label: "Responsible officer: email", from: "editor@example.se", to: "ny@example.se" },
      { path: "subEfforts[Pilot för pappor]", label: "Pilot för pappor", from: before.subEfforts![1]!, to: null },
      { path: "subEfforts[Språkcafé]", label: "Språkcafé", from: null, to: { name: "Språkcafé", description: "", activityStatus: "planned" } },
    ]);
  });

  it("gives whole values for lists of plain values and for a field set for the first time", () => {
    const before = active();
    const after = { ...before, reminders: { ...before.reminders!, expiryDaysBefore: [180, 90, 29] }, termination: { ground: "breach" as const, givenOn: "2025-03-01", effectiveDate: "2025-03-31" } };
    expect(fieldChanges(before, after)).toEqual([
      { path: "reminders.expiryDaysBefore", label: "Reminders: expiry days before", from: [180, 90, 30], to: [180, 90, 29] },
      { path: "termination", label: "Termination", from: null, to: { ground: "breach", givenOn: "2025-03-01", effectiveDate: "2025-03-31" } },
    ]);
  });
});
