import type { Actor } from "../domain/agreement";
import { createDraft, transition, type Change, type TransitionResult } from "../domain/lifecycle";
import type { AgreementStore } from "../store/agreements";
import { DEMO_AGREEMENTS, type DemoAgreement } from "./demo-agreements";

const demoAuthor: Actor = { kind: "user", id: "editor@example.se", email: "editor@example.se" };

function accepted(result: TransitionResult, demo: DemoAgreement): Extract<TransitionResult, { ok: true }> {
  if (!result.ok) throw new Error(`Demo agreement ${demo.id} does not replay: ${result.error.message}`);
  return result;
}

/**
 * The writes that bring a demo agreement to where its history says it is at `now`, one transaction each.
 * Steps dated after `now` are left for the workflow to take.
 */
export function replayDemoAgreement(demo: DemoAgreement, now: Date): Change[][] {
  const created = accepted(createDraft(demo.id, demo.content, demoAuthor, new Date(demo.createdAt)), demo);
  const writes = [created.changes];
  let agreement = created.agreement;
  for (const step of demo.steps) {
    const at = new Date(step.at);
    if (at > now) break;
    const result = accepted(transition(agreement, step.command, step.actor, at), demo);
    writes.push(result.changes);
    agreement = result.agreement;
  }
  return writes;
}

/** Loads the demo agreements into an empty table; a table with any agreement is left alone. Returns how many. */
export async function seedDemoAgreements(store: AgreementStore, now: Date): Promise<number> {
  const existing = await store.listNewestFirst({ limit: 1 });
  if (existing.items.length > 0) return 0;
  for (const demo of DEMO_AGREEMENTS) {
    for (const changes of replayDemoAgreement(demo, now)) await store.applyChanges(changes);
  }
  return DEMO_AGREEMENTS.length;
}
