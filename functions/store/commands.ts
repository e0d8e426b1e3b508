/**
 * Runs a lifecycle command against stored agreements: read, load what the rules need, decide, write in one
 * transaction. The API and the workflow tasks both come through here, so a command means the same from either.
 */
import type { Actor, Agreement, DraftContent } from "../domain/agreement";
import { createDraft, transition, type Command, type LifecycleError, type TransitionResult } from "../domain/lifecycle";
import type { AgreementStore } from "./agreements";

export class AgreementNotFoundError extends Error {
  override readonly name = "AgreementNotFoundError";
  constructor(readonly agreementId: string) {
    super(`No agreement ${agreementId}`);
  }
}

/** The lifecycle refused the command; `refusal` says why and which actions are allowed now. */
export class LifecycleRefusedError extends Error {
  override readonly name = "LifecycleRefusedError";
  constructor(readonly refusal: LifecycleError) {
    super(refusal.message);
  }
}

/** The caller acted on a version it read earlier, and the agreement has changed since (a stale If-Match). */
export class StaleVersionError extends Error {
  override readonly name = "StaleVersionError";
  constructor(
    readonly agreementId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`Agreement ${agreementId} is at version ${currentVersion}, not ${expectedVersion}: reload it and try again`);
  }
}

type Accepted = Extract<TransitionResult, { ok: true }>;

function accepted(result: TransitionResult): Accepted {
  if (!result.ok) throw new LifecycleRefusedError(result.error);
  return result;
}

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
  const result = accepted(createDraft(input.id, input.content, input.actor, input.now));
  await store.applyChanges(result.changes);
  return result.agreement;
}

/**
 * Applies `command` to the stored agreement. With `expectedVersion` the command only runs on that version.
 * Throws AgreementNotFoundError, StaleVersionError, LifecycleRefusedError, or the store's VersionConflictError
 * when another write got in between the read and this one.
 */
export async function runCommand(
  store: AgreementStore,
  input: { agreementId: string; command: Command; actor: Actor; now: Date; expectedVersion?: number },
): Promise<Accepted> {
  const agreement = await readAgreement(store, input.agreementId);
  if (input.expectedVersion !== undefined && input.expectedVersion !== agreement.version) {
    throw new StaleVersionError(agreement.id, input.expectedVersion, agreement.version);
  }
  const related = await store.findRelated(agreement);
  const result = accepted(transition(agreement, input.command, input.actor, input.now, related));
  await store.applyChanges(result.changes);
  return result;
}
