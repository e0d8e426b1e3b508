/**
 * What the rest of the app tells the agreement workflow. In AWS this drives Step Functions executions; locally,
 * the embedded engine running the same state machine definition.
 */
export interface AgreementWorkflow {
  /** The agreement needs its execution (it was just submitted): start one unless one is running. */
  ensureRunning(agreementId: string): Promise<void>;
  /** A decision was recorded: complete the execution's waiting callback so it moves on. */
  decisionRecorded(agreementId: string): Promise<void>;
  /** Its schedule may have changed (renewal approved, termination, new reminder settings): re-evaluate now. */
  agreementChanged(agreementId: string): Promise<void>;
}
