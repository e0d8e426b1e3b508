/**
 * The agreement use cases: list and search, create, read, change, the lifecycle actions and the audit trail (the
 * reminders are reminders.ts). Each change goes through the lifecycle (commands.ts) and names what the workflow must hear of it,
 * which is written with the change and told here (workflow-notices.ts), never by a caller.
 */
import type { Agreement, Decision, DraftContent, Termination } from "../domain/agreement";
import type { AuditEvent, Command } from "../domain/lifecycle";
import type { Page, PageRequest } from "../store/paging";
import type { AgreementFilters } from "../store/search";
import type { WorkflowNotice } from "../store/workflow-outbox";
import { createAgreement, readAgreement, runCommand, type Accepted, type CommandInput } from "./commands";
import type { ApplicationPorts } from "./ports";
import { permitted, type Principal } from "./principal";
import { notice, type WorkflowNotices } from "./workflow-notices";

/** The list's filters, as the store takes them (functions/store/search.ts). */
export type { AgreementFilters };

/** An action on a version the caller read; without `expectedVersion` it runs on whatever is stored. */
export interface AgreementAction {
  agreementId: string;
  expectedVersion?: number;
}

export type AgreementChanges = Extract<Command, { type: "update" }>["changes"];

export function agreementUseCases(ports: ApplicationPorts, notices: WorkflowNotices) {
  const { store, clock, newId } = ports;

  /** Runs a lifecycle command for the principal, then tells the workflow what it calls for. */
  async function act(
    principal: Principal,
    action: AgreementAction,
    command: Command,
    options: Pick<CommandInput, "inputField" | "notices"> = {},
  ): Promise<Accepted> {
    const result = await runCommand(store, {
      agreementId: action.agreementId,
      command,
      actor: permitted(principal, command.type === "decide" ? "decide" : "edit"),
      now: clock.now(),
      expectedVersion: action.expectedVersion,
      ...options,
    });
    await notices.tell(result.notices);
    return result;
  }

  /** The one notice of the changed agreement itself. */
  const toldOf = (kind: WorkflowNotice["kind"], what: string) => (result: Accepted) => [
    notice(result.agreement.id, result.agreement.version, kind, what, clock.now()),
  ];

  return {
    /** Agreements matching every filter, a page at a time (functions/store/search.ts picks the index). */
    async search(principal: Principal, filters: AgreementFilters, page: PageRequest = {}): Promise<Page<Agreement>> {
      permitted(principal, "read");
      return store.search(filters, page);
    },

    /** A new draft with any subset of the content; completeness is checked on submit. */
    async create(principal: Principal, content: DraftContent): Promise<Agreement> {
      return createAgreement(store, { id: newId(), content, actor: permitted(principal, "edit"), now: clock.now() });
    },

    async read(principal: Principal, agreementId: string): Promise<Agreement> {
      permitted(principal, "read");
      return readAgreement(store, agreementId);
    },

    async update(principal: Principal, action: AgreementAction & { changes: AgreementChanges }): Promise<Agreement> {
      const result = await act(principal, action, { type: "update", changes: action.changes }, {
        inputField: "changes",
        notices: toldOf("agreementChanged", "changed"),
      });
      return result.agreement;
    },

    async submit(principal: Principal, action: AgreementAction): Promise<Agreement> {
      return (await act(principal, action, { type: "submit" }, { notices: toldOf("ensureRunning", "submitted") })).agreement;
    },

    /** Records the council's decision; approving a renewal also ends the agreement it renews, in the same write. */
    async decide(principal: Principal, action: AgreementAction & { decision: Decision }): Promise<Agreement> {
      const result = await act(principal, action, { type: "decide", decision: action.decision }, {
        inputField: "decision",
        notices: (accepted) => [
          notice(accepted.agreement.id, accepted.agreement.version, "decisionRecorded", "decided", clock.now()),
          ...accepted.changes.slice(1).map(({ after }) => notice(after.id, after.version, "agreementChanged", "renewed", clock.now())),
        ],
      });
      return result.agreement;
    },

    /** Starts a renewal: the successor draft, pre-filled, starting the day after the agreement ends. */
    async renew(principal: Principal, action: AgreementAction): Promise<Agreement> {
      return (await act(principal, action, { type: "renew", successorId: newId() })).agreement;
    },

    async terminate(principal: Principal, action: AgreementAction & { termination: Termination }): Promise<Agreement> {
      const result = await act(principal, action, { type: "terminate", termination: action.termination }, {
        inputField: "termination",
        notices: toldOf("agreementChanged", "terminated"),
      });
      return result.agreement;
    },

    async withdraw(principal: Principal, action: AgreementAction & { reason?: string }): Promise<Agreement> {
      const command: Command = { type: "withdraw", reason: action.reason };
      return (await act(principal, action, command, { notices: toldOf("agreementChanged", "withdrawn") })).agreement;
    },

    /** The audit trail, oldest first. */
    async events(principal: Principal, agreementId: string, page: PageRequest = {}): Promise<Page<AuditEvent>> {
      permitted(principal, "read");
      await readAgreement(store, agreementId);
      return store.events(agreementId, page);
    },
  };
}

export type AgreementUseCases = ReturnType<typeof agreementUseCases>;
