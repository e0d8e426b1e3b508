// The one definition that is deployed and run locally: valid ASL, the shape the issue and docs/workflow.md describe.
import { readFile } from "node:fs/promises";
import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import { AGREEMENT_WORKFLOW_DEFINITION, substituteFunctionArns, TASK_FUNCTIONS, type TaskFunction } from "../../functions/workflow/definition";
import { UNRETRYABLE_TASK_ERRORS } from "../../functions/workflow/tasks";

type State = Record<string, any>;
const states = AGREEMENT_WORKFLOW_DEFINITION.States as Record<string, State>;
const deployedArns = Object.fromEntries(
  TASK_FUNCTIONS.map((task) => [task, `arn:aws:lambda:eu-north-1:123456789012:function:test-iop-lifecycle-${task}`]),
) as Record<TaskFunction, string>;

describe("agreement.asl.json", () => {
  it("is valid Amazon States Language once its function ARNs are filled in, as CloudFormation does", () => {
    const result = aslValidator(substituteFunctionArns(deployedArns));
    expect(result.errorsText(), "validation errors").toBe("");
    expect(result.isValid).toBe(true);
    expect(JSON.stringify(substituteFunctionArns(deployedArns))).not.toContain("${");
  });

  it("names each task function by a placeholder, and nothing else", async () => {
    const text = await readFile(new URL("../../functions/workflow/agreement.asl.json", import.meta.url), "utf8");
    const placeholders = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
    expect(placeholders).toEqual(new Set(TASK_FUNCTIONS.map((task) => `${task}FunctionArn`)));
  });

  it("starts by catching up, then routes on the status", () => {
    expect(AGREEMENT_WORKFLOW_DEFINITION.StartAt).toBe("CatchUp");
    expect(states.CatchUp!.Next).toBe("RouteOnStatus");
    const route = states.RouteOnStatus!;
    expect(route.Type).toBe("Choice");
    expect(route.Choices).toContainEqual({ Variable: "$.step.status", StringEquals: "proposed", Next: "AwaitDecision" });
    expect(route.Choices).toContainEqual({ Variable: "$.step.status", StringEquals: "approved", Next: "WaitUntilStart" });
  });

  it("waits for the decision on a task token, with a configurable timeout that leads back to catching up", () => {
    const decision = states.AwaitDecision!;
    expect(decision.Resource).toBe("arn:aws:states:::lambda:invoke.waitForTaskToken");
    expect(decision.Parameters.Payload["taskToken.$"]).toBe("$$.Task.Token");
    expect(decision.TimeoutSecondsPath).toBe("$$.Execution.Input.decisionTimeoutSeconds");
    expect(decision.Catch[0]).toEqual({ ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "CatchUp" });
  });

  it("waits in Wait states until the timestamp CatchUp planned", () => {
    const waits = Object.entries(states).filter(([, state]) => state.Type === "Wait");
    expect(waits.map(([name]) => name).sort()).toEqual(["WaitForNextWake", "WaitUntilStart"]);
    for (const [, wait] of waits) expect(wait).toMatchObject({ TimestampPath: "$.step.wakeAt", Next: "CatchUp" });
  });

  it("retries every task with backoff, except the errors no retry mends, and sends what still fails to RecordFailure, which ends in a Fail state", () => {
    const tasks = Object.entries(states).filter(([, state]) => state.Type === "Task");
    expect(tasks).toHaveLength(TASK_FUNCTIONS.length);
    for (const [name, task] of tasks) {
      expect(task.Retry, name).toEqual([
        { ErrorEquals: [...UNRETRYABLE_TASK_ERRORS], MaxAttempts: 0 },
        expect.objectContaining({ ErrorEquals: ["States.TaskFailed"], BackoffRate: expect.any(Number) }),
      ]);
      expect(task.Retry[1].BackoffRate, name).toBeGreaterThan(1);
      if (name === "RecordFailure") continue;
      expect(task.Catch.at(-1), name).toEqual({ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "RecordFailure" });
    }
    expect(states.RecordFailure!.Next).toBe("Failed");
    expect(states.Failed!.Type).toBe("Fail");
  });

  it("continues as new by starting the next generation and ending", () => {
    expect(states.ContinueAsNew).toMatchObject({ Type: "Task", End: true, Resource: "${ContinueAsNewFunctionArn}" });
  });

  it("is drawn in docs/workflow.md: every state appears in the diagram, and the diagram names no other", async () => {
    const doc = await readFile(new URL("../../docs/workflow.md", import.meta.url), "utf8");
    const diagram = /```mermaid\n(stateDiagram-v2[\s\S]*?)```/.exec(doc)?.[1];
    expect(diagram, "a Mermaid state diagram").toBeDefined();
    const drawn = new Set(
      diagram!
        .split("\n")
        .flatMap((line) => /^\s*(\S+)\s*-->\s*([^:\s]+)/.exec(line)?.slice(1, 3) ?? [])
        .filter((name) => name !== "[*]"),
    );
    expect(drawn).toEqual(new Set(Object.keys(states)));
    for (const name of Object.keys(states)) expect(doc).toContain(`| \`${name}\` |`);
  });
});
