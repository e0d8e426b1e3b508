import { describe, expect, it } from "vitest";
import { createDraft, transition } from "../../functions/domain/lifecycle";
import { active, approval, approved, at, draft, editor, mammaUnitedContent, must, proposed, registrar, workflow } from "../support/agreements";

function error(result: ReturnType<typeof transition>) {
  if (result.ok) throw new Error("expected a refusal");
  return result.error;
}

describe("creating and submitting a draft", () => {
  it("saves a partial draft but refuses to submit it, naming every missing field", () => {
    const created = createDraft("agr-1", { title: "Bäckby" }, editor, at("2025-01-10T09:00:00+01:00"));
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.changes[0]!.event).toMatchObject({ action: "create", from: null, to: "draft", version: 1, fields: ["title"] });
    const refusal = error(transition(created.agreement, { type: "submit" }, editor, at("2025-01-11T09:00:00+01:00")));
    expect(refusal.code).toBe("incomplete");
    const paths = refusal.fieldErrors.map((fieldError) => fieldError.path);
    for (const field of ["purpose", "municipality", "associations", "period", "budget", "responsibleOfficer", "procurementAssessment"]) {
      expect(paths).toContain(field);
    }
    expect(paths).not.toContain("title");
  });

  it("rejects invalid fields in a draft with their paths", () => {
    const created = createDraft(
      "agr-1",
      { associations: [{ name: "Förening", organisationNumber: "802535-1234" }], period: { start: "2026-02-30", end: "2026-01-01" } },
      editor,
      at("2025-01-10T09:00:00+01:00"),
    );
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.error.fieldErrors).toEqual(
      expect.arrayContaining([
        { path: "associations.0.organisationNumber", message: expect.stringContaining("check digit") },
        { path: "period.start", message: expect.stringContaining("real calendar date") },
      ]),
    );
  });

  it("requires a budget for every year of the period", () => {
    const content = mammaUnitedContent();
    const refusal = error(transition(draft({ ...content, budget: content.budget!.slice(0, 2) }), { type: "submit" }, editor, at("2023-12-05T10:00:00+01:00")));
    expect(refusal.code).toBe("incomplete");
    expect(refusal.fieldErrors).toContainEqual({ path: "budget", message: "No budget for 2026, a year of the period" });
  });

  it("refuses an end date before the start date", () => {
    const refusal = error(
      transition(draft(), { type: "update", changes: { period: { start: "2024-02-01", end: "2024-01-31" } } }, editor, at("2023-12-01T10:00:00+01:00")),
    );
    expect(refusal.fieldErrors).toContainEqual({ path: "changes.period.end", message: "The end date must be on or after the start date" });
  });

  it("accepts a one-day period: the end date is inclusive", () => {
    const content = { ...mammaUnitedContent(), period: { start: "2024-06-06", end: "2024-06-06" }, budget: [{ year: 2024, amountSek: 10_000 }], reportingRequirements: [] };
    expect(transition(draft(content), { type: "submit" }, editor, at("2024-05-01T10:00:00+02:00")).ok).toBe(true);
  });

  it("refuses a submission that overlaps a live agreement for the same association and title", () => {
    const live = active();
    const second = draft(mammaUnitedContent(), "agr-second");
    const refusal = error(transition(second, { type: "submit" }, editor, at("2024-03-01T10:00:00+01:00"), { sameAssociation: [live] }));
    expect(refusal.code).toBe("overlap");
    expect(refusal.message).toContain(live.id);
    const otherTitle = draft({ ...mammaUnitedContent(), title: "Pappagrupper" }, "agr-third");
    expect(transition(otherTitle, { type: "submit" }, editor, at("2024-03-01T10:00:00+01:00"), { sameAssociation: [live] }).ok).toBe(true);
  });

  it("lets a submission overlap an agreement that has ended", () => {
    const ended = must(active(), { type: "terminate", termination: { effectiveDate: "2024-06-30", reason: "Flytt" } }, editor, at("2024-03-01T10:00:00+01:00"));
    const second = draft(mammaUnitedContent(), "agr-second");
    expect(transition(second, { type: "submit" }, editor, at("2024-03-02T10:00:00+01:00"), { sameAssociation: [ended] }).ok).toBe(true);
  });
});

describe("decisions", () => {
  it("records the decision with its diary number", () => {
    const decided = must(proposed(), { type: "decide", decision: { ...approval, diaryNumber: "KSN-2016-1422" } }, registrar, at("2024-01-19T10:00:00+01:00"));
    expect(decided.status).toBe("approved");
    expect(decided.decision).toMatchObject({ diaryNumber: "KSN-2016-1422", body: approval.body });
  });

  it("refuses a decision dated in the future", () => {
    const refusal = error(transition(proposed(), { type: "decide", decision: { ...approval, date: "2024-01-20" } }, registrar, at("2024-01-19T23:30:00+01:00")));
    expect(refusal.fieldErrors).toEqual([{ path: "decision.date", message: "Must be on or before 2024-01-19" }]);
  });

  it("refuses a diary number with odd characters", () => {
    const refusal = error(transition(proposed(), { type: "decide", decision: { ...approval, diaryNumber: "<script>" } }, registrar, at("2024-01-19T10:00:00+01:00")));
    expect(refusal.fieldErrors[0]!.path).toBe("decision.diaryNumber");
  });
});

describe("time in Europe/Stockholm", () => {
  it("activates on the start date, not before", () => {
    expect(error(transition(approved(), { type: "activate" }, workflow, at("2024-01-31T23:59:59+01:00"))).code).toBe("too_early");
    expect(transition(approved(), { type: "activate" }, workflow, at("2024-01-31T23:00:00Z")).ok).toBe(true);
  });

  it("expires only when the inclusive end date is over", () => {
    expect(error(transition(active(), { type: "expire" }, workflow, at("2026-12-31T23:59:59+01:00"))).code).toBe("too_early");
    expect(transition(active(), { type: "expire" }, workflow, at("2026-12-31T23:00:00Z")).ok).toBe(true);
  });
});

describe("after the decision", () => {
  it("keeps the terms locked but lets the follow-up change", () => {
    const refusal = error(transition(approved(), { type: "update", changes: { period: { start: "2024-02-01", end: "2027-12-31" }, contacts: [] } }, editor, at("2024-01-25T10:00:00+01:00")));
    expect(refusal.code).toBe("locked_field");
    expect(refusal.fieldErrors).toEqual([{ path: "changes.period", message: "Cannot change after the decision" }]);
    const updated = must(active(), { type: "update", changes: { subEfforts: [{ name: "Pappagrupper", description: "", activityStatus: "planned" }] } }, editor, at("2024-03-01T10:00:00+01:00"));
    expect(updated.subEfforts).toHaveLength(1);
  });

  it("terminates with an effective date inside the period", () => {
    const refusal = error(transition(active(), { type: "terminate", termination: { effectiveDate: "2027-03-31", reason: "Flytt" } }, editor, at("2025-01-10T10:00:00+01:00")));
    expect(refusal.fieldErrors[0]!.path).toBe("termination.effectiveDate");
    const terminated = must(active(), { type: "terminate", termination: { effectiveDate: "2025-09-30", reason: "Områdesarbetet flyttar" } }, editor, at("2025-06-01T10:00:00+02:00"));
    expect(terminated).toMatchObject({ status: "terminated", termination: { effectiveDate: "2025-09-30" } });
    expect(terminated.reportingRequirements).toEqual(active().reportingRequirements);
  });
});

describe("renewal", () => {
  it("pre-fills a successor starting the day after the predecessor ends", () => {
    const predecessor = active();
    const successor = must(predecessor, { type: "renew", successorId: "agr-next" }, editor, at("2026-06-01T10:00:00+02:00"));
    expect(successor).toMatchObject({ id: "agr-next", status: "draft", renewalOf: predecessor.id, title: predecessor.title });
    expect(successor.period!.start).toBe("2027-01-01");
    expect(successor.budget!.map((entry) => entry.year)).toEqual([2027, 2028, 2029]);
    expect(successor.reportingRequirements![0]!.dueDates[0]! > "2027-01-01").toBe(true);
  });

  it("refuses a successor that does not start the day after", () => {
    const predecessor = active();
    const successor = must(predecessor, { type: "renew", successorId: "agr-next" }, editor, at("2026-06-01T10:00:00+02:00"));
    const moved = must(successor, { type: "update", changes: { period: { start: "2027-02-01", end: "2029-11-30" } } }, editor, at("2026-06-02T10:00:00+02:00"));
    const refusal = error(transition(moved, { type: "submit" }, editor, at("2026-06-03T10:00:00+02:00"), { predecessor }));
    expect(refusal.fieldErrors).toContainEqual({ path: "period.start", message: "A renewal starts the day after its predecessor ends: 2027-01-01" });
  });

  it("marks the predecessor renewed in the same change set, and it ends as renewed", () => {
    const predecessor = active();
    const successor = must(predecessor, { type: "renew", successorId: "agr-next" }, editor, at("2026-06-01T10:00:00+02:00"));
    const submitted = must(successor, { type: "submit" }, editor, at("2026-09-01T10:00:00+02:00"), { predecessor });
    const decided = transition(submitted, { type: "decide", decision: { ...approval, date: "2026-11-15" } }, registrar, at("2026-11-15T12:00:00+01:00"), { predecessor });
    expect(decided.ok).toBe(true);
    if (!decided.ok) return;
    expect(decided.changes).toHaveLength(2);
    const marked = decided.changes[1]!;
    expect(marked.after).toMatchObject({ id: predecessor.id, status: "active", renewedBy: "agr-next", version: predecessor.version + 1 });
    expect(marked.event).toMatchObject({ action: "renewal-approved", fields: ["renewedBy"] });
    expect(must(marked.after, { type: "expire" }, workflow, at("2027-01-01T00:00:00+01:00")).status).toBe("renewed");
  });

  it("refuses to approve a renewal whose predecessor has ended", () => {
    const predecessor = active();
    const successor = must(predecessor, { type: "renew", successorId: "agr-next" }, editor, at("2026-06-01T10:00:00+02:00"));
    const submitted = must(successor, { type: "submit" }, editor, at("2026-09-01T10:00:00+02:00"), { predecessor });
    const terminated = must(predecessor, { type: "terminate", termination: { effectiveDate: "2026-10-31", reason: "Upphör" } }, editor, at("2026-09-02T10:00:00+02:00"));
    const refusal = error(transition(submitted, { type: "decide", decision: { ...approval, date: "2026-11-15" } }, registrar, at("2026-11-15T12:00:00+01:00"), { predecessor: terminated }));
    expect(refusal.code).toBe("predecessor");
    expect(refusal.message).toContain("terminated");
  });
});
