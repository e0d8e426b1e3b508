import { describe, expect, it } from "vitest";
import type { Agreement, Status } from "../../functions/domain/agreement";
import { ACTIONS, availableActions, transition, type Action, type Command } from "../../functions/domain/lifecycle";
import { active, approval, approved, at, draft, editor, must, proposed, registrar, workflow } from "../support/agreements";

const commands: Record<Action, { command: Command; now: Date }> = {
  update: { command: { type: "update", changes: { contacts: [{ name: "Ekonom", email: "ekonomi@example.se" }] } }, now: at("2024-01-25T10:00:00+01:00") },
  submit: { command: { type: "submit" }, now: at("2023-12-05T10:00:00+01:00") },
  decide: { command: { type: "decide", decision: approval }, now: at("2024-01-19T10:00:00+01:00") },
  withdraw: { command: { type: "withdraw", reason: "Omprioritering" }, now: at("2023-12-10T10:00:00+01:00") },
  activate: { command: { type: "activate" }, now: at("2024-02-01T00:00:00+01:00") },
  renew: { command: { type: "renew", successorId: "agr-successor" }, now: at("2026-06-01T10:00:00+02:00") },
  terminate: {
    command: { type: "terminate", termination: { ground: "mutual-agreement", givenOn: "2025-06-01", effectiveDate: "2025-12-31", reason: "Verksamheten upphör" } },
    now: at("2025-06-01T10:00:00+02:00"),
  },
  expire: { command: { type: "expire" }, now: at("2027-01-01T00:00:00+01:00") },
  end: { command: { type: "end" }, now: at("2026-01-01T00:00:00+01:00") },
};

function renewedAgreement(): Agreement {
  const predecessor = active();
  const successor = must(predecessor, commands.renew.command, editor, commands.renew.now);
  const submitted = must(successor, { type: "submit" }, editor, at("2026-09-01T10:00:00+02:00"), { predecessor });
  const decided = transition(submitted, { type: "decide", decision: { ...approval, date: "2026-11-15" } }, registrar, at("2026-11-15T12:00:00+01:00"), { predecessor });
  if (!decided.ok) throw new Error(decided.error.message);
  const marked = decided.changes[1]!.after;
  return must(marked, { type: "expire" }, workflow, commands.expire.now);
}

/** Every status, and an active agreement whose termination is recorded but has not yet taken effect. */
type State = Status | "terminating";

const terminating = () => must(active(), commands.terminate.command, editor, commands.terminate.now);

const agreementIn: Record<State, () => Agreement> = {
  draft,
  proposed,
  approved,
  active,
  expired: () => must(active(), { type: "expire" }, workflow, commands.expire.now),
  renewed: renewedAgreement,
  terminating,
  terminated: () => must(terminating(), commands.end.command, workflow, commands.end.now),
  rejected: () => must(proposed(), { type: "decide", decision: { ...approval, outcome: "rejected" } }, registrar, commands.decide.now),
  withdrawn: () => must(draft(), commands.withdraw.command, editor, commands.withdraw.now),
};

type Outcome = Status | "not_allowed";
const expected: Record<State, Partial<Record<Action, Outcome>>> = {
  draft: { update: "draft", submit: "proposed", withdraw: "withdrawn" },
  proposed: { decide: "approved", withdraw: "withdrawn" },
  // A termination taking effect later is recorded; the agreement stays as it is until then.
  approved: { update: "approved", activate: "active", terminate: "approved" },
  active: { update: "active", renew: "draft", terminate: "active", expire: "expired" },
  terminating: { update: "active", end: "terminated" },
  expired: {},
  renewed: {},
  terminated: {},
  rejected: {},
  withdrawn: {},
};

const cases = Object.entries(expected).flatMap(([status, outcomes]) =>
  ACTIONS.map((action) => ({ status: status as State, action, outcome: outcomes[action] ?? ("not_allowed") })),
);

describe("the status x action matrix", () => {
  it("covers all 9 statuses and a recorded termination x 9 actions", () => {
    expect(cases).toHaveLength(90);
  });

  it.each(cases)("$status + $action -> $outcome", ({ status, action, outcome }) => {
    const agreement = agreementIn[status]();
    expect(agreement.status).toBe(status === "terminating" ? "active" : status);
    const { command, now } = commands[action];
    const result = transition(agreement, command, editor, now, { predecessor: agreement });

    if (outcome === "not_allowed") {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe("not_allowed");
      expect(result.error.allowedActions).toEqual(availableActions(agreement));
      expect(result.error.message).toContain(agreement.status);
      return;
    }

    expect(result.ok, result.ok ? "" : result.error.message).toBe(true);
    if (!result.ok) return;
    expect(result.agreement.status).toBe(outcome);
    for (const change of result.changes) {
      expect(change.event.to).toBe(change.after.status);
      expect(change.event.from).toBe(change.before?.status ?? null);
      expect(change.after.version).toBe((change.before?.version ?? 0) + 1);
      expect(change.event.version).toBe(change.after.version);
    }
    if (action === "renew") {
      expect(result.agreement.renewalOf).toBe(agreement.id);
      expect(result.agreement.period).toEqual({ start: "2027-01-01", end: "2029-12-31" });
    } else {
      expect(result.changes[0]!.before).toBe(agreement);
    }
  });
});
