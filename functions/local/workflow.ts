/**
 * The local runtime's workflow: the task handlers wired to the local table, the mail catcher and the movable
 * clock, run by the local engine; the dev clock that moves time for it; and the reconciler's repair step run by it.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { DevClock } from "../api/dev-clock";
import type { Language } from "../email/reminder-message";
import { createSesMailer, type SesConnection } from "../email/sender";
import type { AgreementStore } from "../store/agreements";
import { createReminderStore } from "../store/reminders";
import { createWorkflowStateStore } from "../store/workflow-state";
import { REPAIR_EXECUTIONS, type ReconcileStep } from "../workflow/reconcile";
import { createWorkflowTasks, type AlarmSink, type WorkflowTasks } from "../workflow/tasks";
import { DEFAULT_WORKFLOW_TIMING, type WorkflowTiming } from "../workflow/timing";
import { saveClock, type MovableClock } from "./clock";
import { collectGarbage } from "./memory";
import { LocalWorkflowEngine } from "./workflow-engine";

export interface LocalWorkflowOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  agreements: AgreementStore;
  clock: MovableClock;
  /** Where to send: the mail catcher (functions/local/mail.ts). */
  ses: SesConnection;
  /** Links in reminders point here. */
  appUrl: string;
  mail: { sender: string; teamMailbox: string; language: Language };
  warn: (line: string) => void;
  /** Where failures are raised; a warning line when left out. */
  alarms?: AlarmSink;
  timing?: WorkflowTiming;
  /**
   * Pause before a failed task is retried. Locally a second rather than the definition's backoff (up to
   * minutes), so moving the clock answers promptly even while sending fails.
   */
  retryIntervalMs?: number;
  /** How many tasks the engine runs at once (functions/local/workflow-engine.ts has the default and why). */
  maxTasksAtOnce?: number;
  /** Wraps the task handlers, e.g. to count the tasks in flight; the handlers as they are when left out. */
  observeTasks?: (tasks: WorkflowTasks) => WorkflowTasks;
}

export function createLocalWorkflow(options: LocalWorkflowOptions): LocalWorkflowEngine {
  const { client, tableName, agreements, clock, ses, appUrl, mail, warn, timing = DEFAULT_WORKFLOW_TIMING } = options;
  const workflowState = createWorkflowStateStore({ client, tableName });
  const alarms: AlarmSink = options.alarms ?? {
    async raise(alarm) {
      warn(`ALARM: the workflow of agreement ${alarm.agreementId} failed: ${alarm.error}: ${alarm.cause}`);
    },
  };
  const observe = options.observeTasks ?? ((tasks) => tasks);
  return new LocalWorkflowEngine({
    tasks: (ports) =>
      observe(createWorkflowTasks({
        agreements,
        reminders: createReminderStore({ client, tableName }),
        workflowState,
        mailer: createSesMailer({ ...ses, from: mail.sender }),
        mail: { teamMailbox: mail.teamMailbox, appUrl, language: mail.language },
        clock,
        timing,
        alarms,
        ...ports,
      })),
    agreements,
    workflowState,
    clock,
    timing,
    retryIntervalMs: options.retryIntervalMs ?? 1_000,
    maxTasksAtOnce: options.maxTasksAtOnce,
    warn,
  });
}

/**
 * `POST /api/dev/clock`: moves the clock, keeps it in the data directory, lets every execution catch up, and then
 * gives back the memory the catch-up used (functions/local/memory.ts).
 */
export function localDevClock(clock: MovableClock, clockFile: string, engine: LocalWorkflowEngine): DevClock {
  return {
    now: () => clock.now(),
    async moveTo(instant) {
      if (!clock.moveTo(instant)) return false;
      await saveClock(clockFile, clock);
      await engine.reevaluate();
      collectGarbage();
      return true;
    },
  };
}

/**
 * The reconciler's repair step, run by the engine, with each agreement it repaired said on the terminal. Skipped
 * while the engine's catch-up after its start is still looking: that is the same repair, under way.
 */
export function localRepairStep(engine: LocalWorkflowEngine, warn: (line: string) => void): ReconcileStep {
  return {
    name: REPAIR_EXECUTIONS,
    async run(signal) {
      if (engine.catchUpProgress()?.lookingFurther) return { repaired: 0, failed: 0 };
      const { repairs, ...result } = await engine.repairExecutions("background", signal);
      for (const { agreementId, problem, repaired, error } of repairs) {
        const what = problem === undefined ? "could not be looked at" : `was ${problem}`;
        warn(`Reconciler: the execution of agreement ${agreementId} ${what}: ${repaired ? "started again" : `not repaired (${error})`}`);
      }
      return result;
    },
  };
}
