import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isComplete, isTerminal, NOTICE_GROUNDS, TERMINATION_GROUNDS, type Agreement } from "../../functions/domain/agreement";
import { addDays, addMonths, stockholmDate } from "../../functions/domain/dates";
import { findOverlap, relatedRead, transition, type Change, type Command, type Related } from "../../functions/domain/lifecycle";
import { at, draft, editor, mammaUnitedContent } from "../support/agreements";

/** A step: which agreement it acts on, what it does, and how far the clock moves first. */
const stepArbitrary = fc.record({
  target: fc.nat(),
  daysForward: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 150 })),
  // Weighted towards the main path so that runs reach active, renewed and expired, not just withdrawn.
  command: fc.oneof(
    { weight: 4, arbitrary: fc.constant({ type: "submit" } as const) },
    { weight: 4, arbitrary: fc.record({ type: fc.constant("decide" as const), outcome: fc.constantFrom("approved" as const, "approved" as const, "approved" as const, "rejected" as const) }) },
    { weight: 4, arbitrary: fc.constant({ type: "activate" } as const) },
    { weight: 3, arbitrary: fc.constant({ type: "expire" } as const) },
    { weight: 3, arbitrary: fc.constant({ type: "renew" } as const) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("withdraw" as const) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant("terminate" as const),
        ground: fc.constantFrom(...TERMINATION_GROUNDS),
        givenDaysAgo: fc.integer({ min: -3, max: 200 }),
        offset: fc.integer({ min: -400, max: 1400 }),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ type: "end" } as const) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("updateNoticePeriod" as const), months: fc.constantFrom(null, 0, 1, 3, 6) }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("updatePeriod" as const), startOffset: fc.integer({ min: -60, max: 60 }), length: fc.integer({ min: -5, max: 1200 }) }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant("updateContacts" as const) }) },
  ),
});
type Step = typeof stepArbitrary extends fc.Arbitrary<infer T> ? T : never;

function toCommand(step: Step, agreement: Agreement, today: string, nextId: () => string): Command {
  const command = step.command;
  switch (command.type) {
    case "decide":
      return { type: "decide", decision: { outcome: command.outcome, date: today, body: "Kommunstyrelsen", diaryNumber: "KS 2025/39", minuteReference: "§ 12" } };
    case "terminate":
      return {
        type: "terminate",
        termination: {
          ground: command.ground,
          givenOn: addDays(today, -command.givenDaysAgo),
          effectiveDate: addDays(agreement.period?.start ?? today, command.offset),
          reason: "Upphör",
        },
      };
    case "updateNoticePeriod":
      return { type: "update", changes: { noticePeriodMonths: command.months } };
    case "renew":
      return { type: "renew", successorId: nextId() };
    case "updatePeriod": {
      const start = addDays(agreement.period?.start ?? today, command.startOffset);
      return { type: "update", changes: { period: { start, end: addDays(start, command.length) } } };
    }
    case "updateContacts":
      return { type: "update", changes: { contacts: [{ name: "Kontakt", email: "kontakt@example.se" }] } };
    default:
      return command;
  }
}

/** The days agreements became terminated and the days their terminations were recorded. */
interface Days {
  activations: Map<string, string>;
  endings: Map<string, string>;
  terminationsRecorded: Map<string, string>;
}

function checkInvariants(world: Map<string, Agreement>, { activations, endings, terminationsRecorded }: Days): void {
  for (const agreement of world.values()) {
    const { status, decision } = agreement;
    if (["approved", "active", "expired", "renewed", "terminated"].includes(status)) {
      expect(decision?.outcome, `${status} needs an approval`).toBe("approved");
    }
    if (status === "rejected") expect(decision?.outcome).toBe("rejected");
    if (["draft", "proposed"].includes(status)) expect(decision).toBeNull();
    if (status === "terminated") expect(agreement.termination).not.toBeNull();
    if (!["approved", "active", "terminated"].includes(status)) expect(agreement.termination, `${status} cannot carry a termination`).toBeNull();
    const termination = agreement.termination;
    if (termination !== null) {
      const { period, noticePeriodMonths } = agreement as Agreement & { period: { start: string; end: string } };
      expect(termination.effectiveDate >= period.start && termination.effectiveDate <= period.end, "takes effect within the period").toBe(true);
      expect(termination.givenOn <= terminationsRecorded.get(agreement.id)!, "notice is not given in the future").toBe(true);
      if (NOTICE_GROUNDS.includes(termination.ground)) {
        expect(termination.effectiveDate >= addMonths(termination.givenOn, noticePeriodMonths ?? 0), "a notice respects the notice period").toBe(true);
      }
      if (status === "terminated") expect(endings.get(agreement.id)! > termination.effectiveDate, "ends only after its last day in force").toBe(true);
    }
    if (status === "renewed") {
      const successor = world.get(agreement.renewedBy ?? "");
      expect(successor, "renewed needs a successor").toBeDefined();
      expect(successor!.renewalOf).toBe(agreement.id);
      expect(successor!.decision?.outcome).toBe("approved");
    }
    if (agreement.renewedBy !== null) expect(world.get(agreement.renewedBy)?.decision?.outcome).toBe("approved");
    if (agreement.renewalOf !== null && agreement.decision?.outcome === "approved") {
      expect(world.get(agreement.renewalOf)?.renewedBy, "an approved renewal marks its predecessor").toBe(agreement.id);
    }
    if (!["draft", "withdrawn"].includes(status) || agreement.decision !== null) {
      expect(isComplete(agreement), `${status} must be complete`).toBe(true);
    }
    if (agreement.period) expect(agreement.period.end >= agreement.period.start).toBe(true);
    if (activations.has(agreement.id)) expect(activations.get(agreement.id)! >= agreement.period!.start).toBe(true);
    if (status !== "draft" && !isTerminal(status)) {
      expect(findOverlap(agreement, [...world.values()]), "no two live agreements overlap").toBeUndefined();
    }
  }
}

function checkChange(change: Change, world: Map<string, Agreement>): void {
  const stored = change.before === null ? undefined : world.get(change.before.id);
  if (change.before !== null) {
    expect(stored).toEqual(change.before);
    expect(isTerminal(change.before.status), "a terminal agreement never changes").toBe(false);
  } else {
    expect(world.has(change.after.id)).toBe(false);
  }
  expect(change.after.version).toBe((change.before?.version ?? 0) + 1);
  expect(change.event).toMatchObject({ agreementId: change.after.id, version: change.after.version, from: change.before?.status ?? null, to: change.after.status });
  if (change.before !== null) {
    const touched = new Set(change.event.changes.map((fieldChange) => fieldChange.path.split(/[.[]/)[0]));
    expect([...touched].sort(), "the field changes cover exactly the fields touched").toEqual(change.event.fields);
  }
}

describe("no sequence of commands reaches an inconsistent agreement", () => {
  it("holds the invariants after every accepted command", () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 20, maxLength: 80, size: "max" }), (steps) => {
        // Two drafts with the same association and title, so the overlap rule is exercised too.
        const world = new Map<string, Agreement>(["agr-a", "agr-b"].map((id) => [id, draft(mammaUnitedContent(), id)]));
        const days: Days = { activations: new Map(), endings: new Map(), terminationsRecorded: new Map() };
        let ids = 0;
        const nextId = () => `agr-${++ids}`;
        let now = at("2023-11-20T09:00:00+01:00");

        for (const step of steps) {
          now = new Date(now.getTime() + step.daysForward * 86_400_000);
          const today = stockholmDate(now);
          const agreements = [...world.values()];
          const agreement = agreements[step.target % agreements.length]!;
          const related: Related = {
            predecessor: agreement.renewalOf === null ? undefined : world.get(agreement.renewalOf),
            sameAssociation: agreements.filter((other) => other.id !== agreement.id),
          };
          const command = toCommand(step, agreement, today, nextId);
          const result = transition(agreement, command, editor, now, related);
          // The store loads only what relatedRead names: a rule reading anything else would decide on nothing.
          const loaded = Object.fromEntries(relatedRead(command.type).map((key) => [key, related[key]])) as Related;
          expect(transition(agreement, command, editor, now, loaded), `${command.type} reads only what relatedRead names`).toEqual(result);
          if (!result.ok) {
            expect(result.error.message.length).toBeGreaterThan(0);
            continue;
          }
          for (const change of result.changes) {
            checkChange(change, world);
            world.set(change.after.id, change.after);
            if (change.event.to === "active" && change.event.from !== "active") days.activations.set(change.after.id, today);
            if (change.event.to === "terminated") days.endings.set(change.after.id, today);
            if (change.event.action === "terminate") days.terminationsRecorded.set(change.after.id, today);
          }
          checkInvariants(world, days);
        }
      }),
      { numRuns: 400 },
    );
  });
});
