/**
 * How executions are named and started. One execution per agreement and generation; the same name and input
 * every time, so starting a generation twice is the same request.
 */
import { createHash } from "node:crypto";
import { decisionTimeoutSeconds, type WorkflowTiming } from "./timing";

/** What every execution starts with. */
export interface ExecutionInput {
  agreementId: string;
  generation: number;
  /** AwaitDecision's timeout (its TimeoutSecondsPath). */
  decisionTimeoutSeconds: number;
}

export function executionInput(agreementId: string, generation: number, timing: WorkflowTiming): ExecutionInput {
  return { agreementId, generation, decisionTimeoutSeconds: decisionTimeoutSeconds(timing) };
}

const NAME_SAFE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `<agreementId>-g<generation>`. Step Functions allows 80 characters from [A-Za-z0-9_-]; an id with other
 * characters, or a longer one, is shortened to a readable prefix plus a hash of the whole id.
 */
export function executionName(agreementId: string, generation: number): string {
  if (NAME_SAFE.test(agreementId)) return `${agreementId}-g${generation}`;
  const readable = agreementId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 48);
  const hash = createHash("sha256").update(agreementId).digest("hex").slice(0, 12);
  return `${readable}-${hash}-g${generation}`;
}

/** The ARN of an execution of the state machine (`...:stateMachine:<name>` -> `...:execution:<name>:<execution>`). */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}
