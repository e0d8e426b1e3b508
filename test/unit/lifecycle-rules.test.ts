import { describe, expect, it } from "vitest";
import type { Termination } from "../../functions/domain/agreement";
import { availableActions, createDraft, transition } from "../../functions/domain/lifecycle";
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
        { path: "associations.0.organisationNumber", message: expect.stringContaining("check digit"), code: "organisationNumber" },
        { path: "period.start", message: expect.stringContaining("real calendar date"), code: "invalidDate" },
      ]),
    );
  });

  it("requires a budget for every year of the period", () => {
    const content = mammaUnitedContent();
    const refusal = error(transition(draft({ ...content, budget: content.budget!.slice(0, 2) }), { type: "submit" }, editor, at("2023-12-05T10:00:00+01:00")));
    expect(refusal.code).toBe("incomplete");
    expect(refusal.fieldErrors).toContainEqual({ path: "budget", message: "No budget for 2026, a year of the period", code: "budgetYearMissing", params: { year: 2026 } });
  });

  it("refuses an end date before the start date", () => {
    const refusal = error(
      transition(draft(), { type: "update", changes: { period: { start: "2024-02-01", end: "2024-01-31" } } }, editor, at("2023-12-01T10:00:00+01:00")),
    );
    expect(refusal.fieldErrors).toContainEqual({ path: "changes.period.end", message: "The end date must be on or after the start date", code: "endBeforeStart" });
  });

  it("accepts a one-day period: the end date is inclusive", () => {
    const content = {
      ...mammaUnitedContent(),
      period: { start: "2024-06-06", end: "2024-06-06" },
      budget: [{ year: 2024, amountSek: 10_000 }],
      reportingRequirements: [{ id: "slut", kind: "final" as const, description: "", dueDates: ["2024-08-31"] }],
    };
    expect(transition(draft(content), { type: "submit" }, editor, at("2024-05-01T10:00:00+02:00")).ok).toBe(true);
  });

  it("requires at least one reporting requirement", () => {
    const refusal = error(transition(draft({ ...mammaUnitedContent(), reportingRequirements: [] }), { type: "submit" }, editor, at("2023-12-05T10:00:00+01:00")));
    expect(refusal.code).toBe("incomplete");
    expect(refusal.fieldErrors).toEqual([{ path: "reportingRequirements", message: expect.stringContaining("At least one reporting requirement"), code: "reportingRequirementMissing" }]);
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

  it("lets a submission start after a recorded termination takes effect, not before", () => {
    const terminating = must(active(), { type: "terminate", termination: { ground: "mutual-agreement", givenOn: "2025-06-01", effectiveDate: "2025-09-30" } }, editor, at("2025-06-01T10:00:00+02:00"));
    const next = (start: string) => draft({ ...mammaUnitedContent(), period: { start, end: "2026-12-31" }, budget: [2025, 2026].map((year) => ({ year, amountSek: 1 })), reportingRequirements: [{ id: "arlig", kind: "activity" as const, description: "", dueDates: ["2026-03-31"] }] }, "agr-next");
    expect(error(transition(next("2025-09-30"), { type: "submit" }, editor, at("2025-06-02T10:00:00+02:00"), { sameAssociation: [terminating] })).code).toBe("overlap");
    expect(transition(next("2025-10-01"), { type: "submit" }, editor, at("2025-06-02T10:00:00+02:00"), { sameAssociation: [terminating] }).ok).toBe(true);
  });

  it("lets a submission overlap an agreement that has ended", () => {
    const ended = must(active(), { type: "terminate", termination: { ground: "mutual-agreement", givenOn: "2024-03-01", effectiveDate: "2024-02-29", reason: "Flytt" } }, editor, at("2024-03-01T10:00:00+01:00"));
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
    expect(refusal.fieldErrors).toEqual([{ path: "decision.date", message: "Must be on or before 2024-01-19", code: "notAfter", params: { date: "2024-01-19" } }]);
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

  it("records the day a change of the reminder settings or reporting requirements replans the reminders; a draft's changes do not", () => {
    const before = active();
    const settings = { ...before.reminders!, expiryDaysBefore: [180, 90, 29] };
    const changed = must(before, { type: "update", changes: { reminders: settings } }, editor, at("2026-12-02T10:00:00+01:00"));
    expect(changed.remindersReplannedOn).toBe("2026-12-02");
    const unrelated = must(changed, { type: "update", changes: { contacts: [] } }, editor, at("2026-12-10T10:00:00+01:00"));
    expect(unrelated.remindersReplannedOn).toBe("2026-12-02");
    const sameAgain = must(changed, { type: "update", changes: { reminders: settings } }, editor, at("2026-12-11T10:00:00+01:00"));
    expect(sameAgain.remindersReplannedOn).toBe("2026-12-02");
    expect(must(draft(), { type: "update", changes: { reminders: settings } }, editor, at("2023-11-21T10:00:00+01:00")).remindersReplannedOn).toBeUndefined();
  });
});

describe("termination", () => {
  /** Mamma United with three months' notice, active since 2024-02-01. */
  function withNotice() {
    const decided = must(must(draft({ ...mammaUnitedContent(), noticePeriodMonths: 3 }), { type: "submit" }, editor, at("2023-12-05T10:00:00+01:00")), { type: "decide", decision: approval }, registrar, at("2024-01-19T10:00:00+01:00"));
    return must(decided, { type: "activate" }, workflow, at("2024-02-01T00:00:00+01:00"));
  }
  const june = at("2025-06-01T10:00:00+02:00");
  const terminate = (termination: Termination) => ({ type: "terminate" as const, termination });

  it("refuses a notice shorter than the notice period, naming the earliest possible date", () => {
    const refusal = error(transition(withNotice(), terminate({ ground: "municipality-notice", givenOn: "2025-06-01", effectiveDate: "2025-08-31" }), editor, june));
    expect(refusal.code).toBe("invalid");
    expect(refusal.fieldErrors).toEqual([
      { path: "termination.effectiveDate", message: expect.stringContaining("2025-09-01"), code: "noticeTooShort", params: { months: 3, givenOn: "2025-06-01", earliest: "2025-09-01", end: "2026-12-31" } },
    ]);
    expect(refusal.message).toContain("2025-09-01");
    const byAssociation = must(withNotice(), terminate({ ground: "association-notice", givenOn: "2025-06-01", effectiveDate: "2025-09-01" }), editor, june);
    expect(byAssociation.termination).toMatchObject({ ground: "association-notice", givenOn: "2025-06-01", effectiveDate: "2025-09-01" });
  });

  it("says when a notice cannot end the agreement before it ends anyway", () => {
    const refusal = error(transition(withNotice(), terminate({ ground: "municipality-notice", givenOn: "2026-11-01", effectiveDate: "2026-12-31" }), editor, at("2026-11-01T10:00:00+01:00")));
    expect(refusal.fieldErrors[0]!.message).toContain("2027-02-01");
    expect(refusal.fieldErrors[0]!.message).toContain("2026-12-31");
  });

  it("lets mutual agreement and breach end it earlier than a notice could", () => {
    for (const ground of ["mutual-agreement", "breach"] as const) {
      expect(must(withNotice(), terminate({ ground, givenOn: "2025-06-01", effectiveDate: "2025-06-15" }), editor, june).termination?.ground).toBe(ground);
    }
  });

  it("keeps an agreement active until a future effective date, then the workflow ends it after that day", () => {
    const recorded = transition(active(), terminate({ ground: "mutual-agreement", givenOn: "2025-05-28", effectiveDate: "2025-09-30", reason: "Områdesarbetet flyttar" }), editor, june);
    expect(recorded.ok).toBe(true);
    if (!recorded.ok) return;
    const terminating = recorded.agreement;
    expect(terminating).toMatchObject({ status: "active", termination: { effectiveDate: "2025-09-30" } });
    expect(recorded.changes[0]!.event).toMatchObject({ action: "terminate", from: "active", to: "active", fields: ["termination"], note: "Områdesarbetet flyttar" });
    expect(terminating.reportingRequirements).toEqual(active().reportingRequirements);
    expect(availableActions(terminating)).toEqual(["update", "end"]);
    expect(error(transition(terminating, { type: "renew", successorId: "agr-next" }, editor, june)).message).toContain("in force until the end of 2025-09-30");
    expect(error(transition(terminating, { type: "end" }, workflow, at("2025-09-30T23:59:59+02:00"))).code).toBe("too_early");
    expect(must(terminating, { type: "end" }, workflow, at("2025-09-30T22:00:00Z")).status).toBe("terminated");
    expect(error(transition(active(), { type: "end" }, workflow, at("2025-10-01T10:00:00+02:00"))).code).toBe("not_allowed");
  });

  it("records a past effective date, down to the start date, as ended at once and says so in the audit event", () => {
    expect(error(transition(active(), terminate({ ground: "breach", givenOn: "2025-05-01", effectiveDate: "2024-01-31" }), editor, june)).fieldErrors).toEqual([
      { path: "termination.effectiveDate", message: "Must be from 2024-02-01 to 2026-12-31, the agreement's period", code: "outsidePeriod", params: { start: "2024-02-01", end: "2026-12-31" } },
    ]);
    const result = transition(active(), terminate({ ground: "mutual-agreement", givenOn: "2025-03-15", effectiveDate: "2025-03-31", reason: "Beslut i mars" }), editor, june);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.agreement.status).toBe("terminated");
    expect(result.changes[0]!.event).toMatchObject({ action: "terminate", from: "active", to: "terminated" });
    expect(result.changes[0]!.event.note).toBe("Recorded on 2025-06-01, after it took effect: in force until the end of 2025-03-31. Beslut i mars");
  });

  it("refuses a notice dated in the future and a termination in a status that has none", () => {
    expect(error(transition(active(), terminate({ ground: "breach", givenOn: "2025-06-02", effectiveDate: "2025-06-30" }), editor, june)).fieldErrors).toEqual([
      { path: "termination.givenOn", message: "Cannot be after today, 2025-06-01", code: "notAfter", params: { date: "2025-06-01" } },
    ]);
    expect(error(transition(proposed(), terminate({ ground: "breach", givenOn: "2025-06-01", effectiveDate: "2025-06-30" }), editor, june)).code).toBe("not_allowed");
  });
});

describe("renewal", () => {
  it("pre-fills a successor starting the day after the predecessor ends, for whole calendar years to 31 December", () => {
    const predecessor = active();
    const successor = must(predecessor, { type: "renew", successorId: "agr-next" }, editor, at("2026-06-01T10:00:00+02:00"));
    expect(successor).toMatchObject({ id: "agr-next", status: "draft", renewalOf: predecessor.id, title: predecessor.title });
    expect(successor.period).toEqual({ start: "2027-01-01", end: "2029-12-31" });
    expect(successor.budget).toEqual([2027, 2028, 2029].map((year) => ({ year, amountSek: 450_000 })));
    const moved = predecessor.reportingRequirements!.map((requirement) => requirement.dueDates.map((due) => `${Number(due.slice(0, 4)) + 3}${due.slice(4)}`));
    expect(successor.reportingRequirements!.map((requirement) => requirement.dueDates)).toEqual(moved);
  });

  it("moves the years in the title when it carries the predecessor's", () => {
    const renewTitled = (title: string, period = { start: "2024-02-01", end: "2026-12-31" }) => {
      const years = Array.from({ length: Number(period.end.slice(0, 4)) - Number(period.start.slice(0, 4)) + 1 }, (_, index) => Number(period.start.slice(0, 4)) + index);
      const content = { ...mammaUnitedContent(), title, period, budget: years.map((year) => ({ year, amountSek: 100_000 })), reportingRequirements: [{ id: "arlig", kind: "activity" as const, description: "", dueDates: [period.end] }] };
      const predecessor = must(must(must(draft(content), { type: "submit" }, editor, at("2023-12-05T10:00:00+01:00")), { type: "decide", decision: approval }, registrar, at("2024-01-19T10:00:00+01:00")), { type: "activate" }, workflow, at(`${period.start}T12:00:00+01:00`));
      return must(predecessor, { type: "renew", successorId: "agr-next" }, editor, at("2024-06-01T10:00:00+02:00"));
    };
    expect(renewTitled("Mammagrupper 2024–2026").title).toBe("Mammagrupper 2027–2029");
    expect(renewTitled("Mammagrupper 2024-2026").title).toBe("Mammagrupper 2027-2029");
    expect(renewTitled("Mammagrupper 2019–2021, fortsättning").title).toBe("Mammagrupper 2019–2021, fortsättning");
    const yearly = renewTitled("Föreningsstöd 2024", { start: "2024-01-01", end: "2024-12-31" });
    expect(yearly).toMatchObject({ title: "Föreningsstöd 2025", period: { start: "2025-01-01", end: "2025-12-31" }, budget: [{ year: 2025, amountSek: 100_000 }] });
  });

  it("keeps the length in whole months when the period runs whole months", () => {
    const content = {
      ...mammaUnitedContent(),
      period: { start: "2024-03-15", end: "2025-03-14" },
      budget: [{ year: 2024, amountSek: 100_000 }, { year: 2025, amountSek: 20_000 }],
      reportingRequirements: [{ id: "halvar", kind: "activity" as const, description: "", dueDates: ["2024-09-30", "2025-02-28"] }],
    };
    const predecessor = must(must(must(draft(content), { type: "submit" }, editor, at("2023-12-05T10:00:00+01:00")), { type: "decide", decision: approval }, registrar, at("2024-01-19T10:00:00+01:00")), { type: "activate" }, workflow, at("2024-03-15T12:00:00+01:00"));
    const successor = must(predecessor, { type: "renew", successorId: "agr-next" }, editor, at("2024-06-01T10:00:00+02:00"));
    expect(successor.period).toEqual({ start: "2025-03-15", end: "2026-03-14" });
    expect(successor.budget).toEqual([{ year: 2025, amountSek: 100_000 }, { year: 2026, amountSek: 20_000 }]);
    expect(successor.reportingRequirements![0]!.dueDates).toEqual(["2025-09-30", "2026-02-28"]);
  });

  it("refuses a successor that does not start the day after", () => {
    const predecessor = active();
    const successor = must(predecessor, { type: "renew", successorId: "agr-next" }, editor, at("2026-06-01T10:00:00+02:00"));
    const moved = must(successor, { type: "update", changes: { period: { start: "2027-02-01", end: "2029-11-30" } } }, editor, at("2026-06-02T10:00:00+02:00"));
    const refusal = error(transition(moved, { type: "submit" }, editor, at("2026-06-03T10:00:00+02:00"), { predecessor }));
    expect(refusal.fieldErrors).toContainEqual({ path: "period.start", message: "A renewal starts the day after its predecessor ends: 2027-01-01", code: "renewalStart", params: { date: "2027-01-01" } });
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
    const terminated = must(predecessor, { type: "terminate", termination: { ground: "mutual-agreement", givenOn: "2026-09-02", effectiveDate: "2026-10-31", reason: "Upphör" } }, editor, at("2026-09-02T10:00:00+02:00"));
    const refusal = error(transition(submitted, { type: "decide", decision: { ...approval, date: "2026-11-15" } }, registrar, at("2026-11-15T12:00:00+01:00"), { predecessor: terminated }));
    expect(refusal.code).toBe("predecessor");
    expect(refusal.message).toContain("terminated");
  });
});
