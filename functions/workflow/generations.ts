/**
 * Which generation of an agreement's execution should run. Both implementations of AgreementWorkflow (Step
 * Functions and the local engine) decide it here, against the workflow state item, with conditional writes.
 */
import type { WorkflowStateStore } from "../store/workflow-state";

/** Only concurrent callers make a conditional write fail, and each failure means one of them got through. */
const MAX_ATTEMPTS = 5;

async function beginAfterCurrent(
  workflowState: WorkflowStateStore,
  agreementId: string,
  now: Date,
  keepCurrent: (state: { finished: boolean }) => boolean,
): Promise<{ generation: number; previous: number | null }> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const state = await workflowState.get(agreementId);
    if (state !== null && keepCurrent(state)) return { generation: state.generation, previous: null };
    const generation = state === null ? 0 : state.generation + 1;
    if (await workflowState.beginGeneration(agreementId, generation, now)) return { generation, previous: state?.generation ?? null };
  }
  throw new Error(`Could not begin a workflow generation for ${agreementId}: it kept changing under concurrent writes`);
}

/** The current generation unless it finished (or there is none); then a new one is begun. */
export async function runnableGeneration(workflowState: WorkflowStateStore, agreementId: string, now: Date): Promise<number> {
  return (await beginAfterCurrent(workflowState, agreementId, now, (state) => !state.finished)).generation;
}

/** Begins the generation after the current one, to replace a running execution; `previous` is the one replaced. */
export function nextGeneration(
  workflowState: WorkflowStateStore,
  agreementId: string,
  now: Date,
): Promise<{ generation: number; previous: number | null }> {
  return beginAfterCurrent(workflowState, agreementId, now, () => false);
}
