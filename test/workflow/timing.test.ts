// The pure parts of the workflow: planning the next step, naming executions.
import { describe, expect, it } from "vitest";
import { executionArn, executionInput, executionName } from "../../functions/workflow/executions";
import { checkedTiming, DEFAULT_WORKFLOW_TIMING, planStep } from "../../functions/workflow/timing";

const timing = DEFAULT_WORKFLOW_TIMING;
const day = 86_400_000;
const now = new Date("2025-01-10T12:00:00Z");
const started = new Date("2025-01-01T00:00:00Z");

describe("planning the next step", () => {
  it("waits until what is due when it comes before the maximum wait", () => {
    const dueAt = new Date(now.getTime() + 30 * day);
    expect(planStep({ status: "active", dueAt, now, generationStartedAt: started, timing })).toEqual({ status: "active", next: "wait", wakeAt: dueAt.toISOString() });
  });

  it("wakes after the maximum wait when nothing is due sooner", () => {
    const dueAt = new Date(now.getTime() + 400 * day);
    const step = planStep({ status: "active", dueAt, now, generationStartedAt: started, timing });
    expect(step.wakeAt).toBe(new Date(now.getTime() + timing.maxWaitDays * day).toISOString());
  });

  it("waits for a decision until the decision timeout", () => {
    expect(planStep({ status: "proposed", dueAt: null, now, generationStartedAt: started, timing })).toEqual({
      status: "proposed",
      next: "wait",
      wakeAt: new Date(now.getTime() + timing.decisionTimeoutDays * day).toISOString(),
    });
  });

  it("continues as new when the wake-up would come after the generation's time is up", () => {
    const oldGeneration = new Date(now.getTime() - 250 * day);
    const dueAt = new Date(now.getTime() + 60 * day);
    expect(planStep({ status: "active", dueAt, now, generationStartedAt: oldGeneration, timing }).next).toBe("continue-as-new");
    expect(planStep({ status: "active", dueAt: new Date(now.getTime() + 40 * day), now, generationStartedAt: oldGeneration, timing }).next).toBe("wait");
  });

  it("is done when nothing is ahead, and for statuses that never need the workflow again", () => {
    expect(planStep({ status: "expired", dueAt: null, now, generationStartedAt: started, timing }).next).toBe("done");
    for (const status of ["draft", "rejected", "withdrawn"] as const) {
      expect(planStep({ status, dueAt: new Date(now.getTime() + day), now, generationStartedAt: started, timing }).next).toBe("done");
    }
  });

  it("waits for a terminated agreement's reports that were due before the termination took effect", () => {
    expect(planStep({ status: "terminated", dueAt: new Date(now.getTime() + day), now, generationStartedAt: started, timing }).next).toBe("wait");
    expect(planStep({ status: "terminated", dueAt: null, now, generationStartedAt: started, timing }).next).toBe("done");
  });

  it("refuses timings that would outlive a generation on a single wait", () => {
    expect(checkedTiming(timing)).toBe(timing);
    expect(() => checkedTiming({ ...timing, maxWaitDays: 300 })).toThrow(/shorter than generationDays/);
    expect(() => checkedTiming({ ...timing, decisionTimeoutDays: 0 })).toThrow(/whole number of days/);
  });
});

describe("executions", () => {
  it("are named <agreementId>-g<generation>, with the decision timeout in their input", () => {
    expect(executionName("vasteras-mamma-united", 3)).toBe("vasteras-mamma-united-g3");
    expect(executionInput("vasteras-mamma-united", 3, timing)).toEqual({
      agreementId: "vasteras-mamma-united",
      generation: 3,
      decisionTimeoutSeconds: timing.decisionTimeoutDays * 86_400,
    });
  });

  it("get a valid, distinct and stable name when the id has characters Step Functions does not allow", () => {
    const name = executionName("Bäckby/2025 öst", 0);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name).toBe(executionName("Bäckby/2025 öst", 0));
    expect(name).not.toBe(executionName("Bäckby/2025 ost", 0));
    expect(executionName("x".repeat(64), 12).length).toBeLessThanOrEqual(80);
    expect(executionName("y".repeat(200), 12)).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it("have ARNs under the state machine's", () => {
    expect(executionArn("arn:aws:states:eu-north-1:123456789012:stateMachine:prod-agreement", "a-g1")).toBe(
      "arn:aws:states:eu-north-1:123456789012:execution:prod-agreement:a-g1",
    );
  });
});
