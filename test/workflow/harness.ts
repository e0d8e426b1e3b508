// The workflow as the local runtime runs it, in-process: DynamoDB Local (a fresh table), the mail catcher, the
// local engine running agreement.asl.json, and a movable clock that is the only source of time.
import type { DraftContent } from "../../functions/domain/agreement";
import type { Command } from "../../functions/domain/lifecycle";
import { MovableClock } from "../../functions/local/clock";
import { caughtEmails, MailCatcherComponent, sesClientConfig, type CaughtEmail } from "../../functions/local/mail";
import { createLocalWorkflow, type LocalWorkflowOptions } from "../../functions/local/workflow";
import type { LocalWorkflowEngine } from "../../functions/local/workflow-engine";
import { createAgreement, runCommand } from "../../functions/app/commands";
import { createReminderStore } from "../../functions/store/reminders";
import { createWorkflowStateStore } from "../../functions/store/workflow-state";
import type { WorkflowAlarm } from "../../functions/workflow/tasks";
import { DEFAULT_WORKFLOW_TIMING, type WorkflowTiming } from "../../functions/workflow/timing";
import { createTestTable } from "../support/dynamo";
import { editor, registrar } from "../support/agreements";

export const TEAM_MAILBOX = "iop-team@kommun.example";
export const APP_URL = "http://127.0.0.1:3000";

export interface HarnessOptions {
  /** Where the clock starts. */
  start: string;
  timing?: WorkflowTiming;
  /** Where reminders are sent (something in front of the catcher); the catcher when left out. */
  sesEndpoint?: (catcherUrl: string) => string;
  /** Passed to every engine the harness starts (functions/local/workflow.ts). */
  engine?: Pick<LocalWorkflowOptions, "maxTasksAtOnce" | "observeTasks" | "retryIntervalMs">;
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(options: HarnessOptions) {
  const table = await createTestTable();
  const client = table.documentClient;
  const store = table.agreements;
  const reminders = createReminderStore({ client, tableName: table.tableName });
  const workflowState = createWorkflowStateStore({ client, tableName: table.tableName });
  const mail = new MailCatcherComponent({ port: 0, host: "127.0.0.1" });
  await mail.start();
  // Stands still between moves, so what the workflow does is stamped with exactly the instant it was woken at.
  const clock = new MovableClock(new Date(options.start), () => 0);
  const timing = options.timing ?? DEFAULT_WORKFLOW_TIMING;
  const alarms: WorkflowAlarm[] = [];
  const ses = options.sesEndpoint === undefined ? mail.sesConnection() : { clientConfig: sesClientConfig(options.sesEndpoint(mail.url)) };
  const warnings: string[] = [];
  const newEngine = () =>
    createLocalWorkflow({
      client,
      tableName: table.tableName,
      agreements: store,
      clock,
      ses,
      appUrl: APP_URL,
      mail: { sender: "iop-noreply@kommun.example", teamMailbox: TEAM_MAILBOX, language: "sv" },
      warn: (line) => void warnings.push(line),
      alarms: { raise: async (alarm) => void alarms.push(alarm) },
      timing,
      retryIntervalMs: 5,
      ...options.engine,
    });
  const engines = [newEngine()];
  await engines[0]!.start();
  // Emails of earlier harnesses in this file share the catcher's store (it is one per process): count from here.
  const emailsBefore = (await caughtEmails(mail.url)).length;

  const harness = {
    table,
    store,
    reminders,
    workflowState,
    /** The engine the harness drives: the latest one started. */
    get engine(): LocalWorkflowEngine {
      return engines.at(-1)!;
    },
    clock,
    alarms,
    /** Lines the engine warned with: failed executions. */
    warnings,
    mailUrl: mail.url,

    /**
     * Starts another engine on the same table, as a restarted runtime does; the earlier one keeps running unless
     * stopped first (two engines at once are what a replay or an overlapping generation looks like). Resolves once
     * the new engine has caught up, unless `settle` is false.
     */
    async startAnotherEngine(options: { stopCurrent: boolean; settle?: boolean }) {
      if (options.stopCurrent) await harness.engine.stop();
      const engine = newEngine();
      engines.push(engine);
      await engine.start();
      if (options.settle !== false) await engine.settled();
    },

    /** Jumps the clock, as `POST /api/dev/clock` does: every execution catches up with the new time. */
    async jumpTo(iso: string) {
      clock.moveTo(new Date(iso));
      await Promise.all(engines.map((engine) => engine.reevaluate()));
    },

    /** Steps the clock from one wake-up to the next, as timers would, until `iso`; then moves it to `iso`. */
    async advanceTo(iso: string) {
      const target = new Date(iso);
      const nextWakeAt = () => {
        const times = engines.map((engine) => engine.nextWakeAt()?.getTime() ?? Infinity);
        return Math.min(...times);
      };
      for (let next = nextWakeAt(); next <= target.getTime(); next = nextWakeAt()) {
        if (next > clock.now().getTime()) clock.moveTo(new Date(next));
        await Promise.all(engines.map((engine) => engine.wakeDue()));
      }
      clock.moveTo(target);
      await Promise.all(engines.map((engine) => engine.wakeDue()));
    },

    async create(id: string, content: DraftContent) {
      return createAgreement(store, { id, content, actor: editor, now: clock.now() });
    },

    /** Runs a command as staff at the clock's time. */
    async command(agreementId: string, command: Command) {
      const actor = command.type === "decide" ? registrar : editor;
      return runCommand(store, { agreementId, command, actor, now: clock.now() });
    },

    /** The emails sent since the harness started, oldest first; only those about `agreementId` when given. */
    async emails(agreementId?: string): Promise<CaughtEmail[]> {
      const emails = (await caughtEmails(mail.url)).slice(emailsBefore);
      return agreementId === undefined ? emails : emails.filter((email) => email.body.text?.includes(`/agreements/${agreementId}\n`));
    },

    async stop() {
      for (const engine of engines) await engine.stop();
      await mail.stop();
      await table.dispose();
    },
  };
  return harness;
}
