/**
 * Runs a lifecycle command against stored agreements: read, load what the rules need, decide, write in one
 * transaction (with the workflow notices the change calls for). The use cases and the workflow tasks both come
 * through here, so a command means the same from either.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Actor, Agreement, DraftContent } from "../domain/agreement";
import { createDraft, transition, type Command, type TransitionResult } from "../domain/lifecycle";
import type { AgreementStore } from "../store/agreements";
import { OverlapGuardConflictError } from "../store/errors";
import { retryDelay } from "../store/retry";
import type { WorkflowNotice } from "../store/workflow-outbox";
import { AgreementNotFoundError, LifecycleRefusedError, StaleVersionError, SubmittedTogetherError } from "./errors";

/**
 * Runs of a command that lost its overlap guard to a concurrent submission (each run after one lost: another
 * submission won). Overlapping submissions need one more run; only many non-overlapping ones for the same
 * association and title at the same moment use more.
 */
const MAX_OVERLAP_GUARD_RUNS = 10;

export type Accepted = Extract<TransitionResult, { ok: true }>;

/** The stored agreement, or AgreementNotFoundError. */
export async function readAgreement(store: Pick<AgreementStore, "get">, agreementId: string): Promise<Agreement> {
  const agreement = await store.get(agreementId);
  if (agreement === null) throw new AgreementNotFoundError(agreementId);
  return agreement;
}

export async function createAgreement(
  store: AgreementStore,
  input: { id: string; content: DraftContent; actor: Actor; now: Date },
): Promise<Agreement> {
  const result = createDraft(input.id, input.content, input.actor, input.now);
  if (!result.ok) throw new LifecycleRefusedError(result.error);
  await store.applyChanges(result.changes);
  return result.agreement;
}

export interface CommandInput {
  agreementId: string;
  command: Command;
  actor: Actor;
  now: Date;
  /** The command only runs on this version of the agreement. */
  expectedVersion?: number;
  /** The command member the caller's input became (e.g. "changes"): refusals name fields relative to it. */
  inputField?: string;
  /** What the workflow must hear of the accepted change: written in the change's transaction. */
  notices?: (result: Accepted) => readonly WorkflowNotice[];
}

/**
 * Applies `command` to the stored agreement. Throws AgreementNotFoundError, StaleVersionError,
 * LifecycleRefusedError, or the store's VersionConflictError when another write got in between the read and this one.
 * A submission that another submission for the same association and title overtook is run again on a fresh read,
 * so the overlap rule decides between them.
 */
export async function runCommand(store: AgreementStore, input: CommandInput): Promise<Accepted & { notices: readonly WorkflowNotice[] }> {
  for (let run = 1; ; run++) {
    try {
      return await runCommandOnce(store, input);
    } catch (error) {
      if (!(error instanceof OverlapGuardConflictError)) throw error;
      if (run >= MAX_OVERLAP_GUARD_RUNS) throw new SubmittedTogetherError({ cause: error });
      await sleep(retryDelay(run));
    }
  }
}

async function runCommandOnce(store: AgreementStore, input: CommandInput): Promise<Accepted & { notices: readonly WorkflowNotice[] }> {
  const agreement = await readAgreement(store, input.agreementId);
  if (input.expectedVersion !== undefined && input.expectedVersion !== agreement.version) {
    throw new StaleVersionError(agreement.id, input.expectedVersion, agreement.version);
  }
  const related = await store.findRelated(agreement, input.command.type);
  const result = transition(agreement, input.command, input.actor, input.now, related);
  if (!result.ok) throw new LifecycleRefusedError(result.error, input.inputField);
  const notices = input.notices?.(result) ?? [];
  await store.applyChanges(result.changes, notices, related.overlapGuard);
  return { ...result, notices };
}
