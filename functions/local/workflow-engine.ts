/**
 * The agreement workflow on one machine: the deployed state machine definition run by aws-local-stepfunctions,
 * its Task states mapped to the same task handlers the Lambda functions run. What the library lacks, this adds:
 *
 * - Task tokens. A `.waitForTaskToken` task runs its handler, then stays pending until `complete(token)`.
 * - Executions that outlive the process. On start (and whenever the clock moves) the reconciler's repair step
 *   (functions/workflow/reconcile.ts, the one AWS runs on a schedule) gives every agreement that needs an execution
 *   one again; the definition is re-entrant, so a fresh execution simply catches up. On start the repair runs in the
 *   background: with thousands of agreements it takes a while (reads per agreement), and the app should answer
 *   meanwhile; the health report says how far it has come.
 * - A movable clock. Waits are measured on the injected clock, not on timers: a waiting execution is woken by
 *   ending it and starting it again, which takes the same states a timer firing would (Wait -> CatchUp), so the
 *   event log counts transitions as Step Functions would. Each real timer stays below Node's 24.8-day limit.
 * - A bound on the executions running states at once (functions/local/task-slots.ts). Step Functions runs each
 *   execution on its own; here they share one process, and a restart or a clock move wakes thousands of them
 *   together. An execution takes a slot before its run starts (or goes on after a callback) and gives it back when
 *   it waits again (a failed task's pause before its retry included), so one waiting for a slot is a small record:
 *   no state machine run, and no task timeout ticking (aws-local-stepfunctions times a Task out after 60 s unless
 *   it says otherwise). Executions a person's request caused go before the background's, so a new agreement does
 *   not wait for a catch-up.
 *
 * docs/workflow.md lists how this differs from Step Functions.
 */
import { availableParallelism } from "node:os";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import type { Clock } from "../domain/clock";
import type { AgreementStore } from "../store/agreements";
import type { WorkflowStateStore } from "../store/workflow-state";
import { functionArnPlaceholder, substituteFunctionArns, TASK_FUNCTIONS, type TaskFunction } from "../workflow/definition";
import { executionInput, executionName } from "../workflow/executions";
import { runnableGeneration } from "../workflow/generations";
import type { AgreementWorkflow } from "../workflow/port";
import { repairExecutions, type ExecutionInspector, type RepairLogEntry } from "../workflow/reconcile";
import type { DecisionCallbacks, ExecutionLauncher, WorkflowTasks } from "../workflow/tasks";
import type { WorkflowTiming } from "../workflow/timing";
import type { Component, ComponentHealth } from "./components";
import { TaskSlots, type TaskLine } from "./task-slots";

/** Node runs a timer longer than 2^31 - 1 ms (24.8 days) after 1 ms; every timer here stays well below. */
const LOCAL_TIMER_CAP_MS = 20 * 86_400_000;
const EVENTS_KEPT_PER_AGREEMENT = 2_000;
/**
 * Executions running states at once, per core, and so tasks at once (an execution runs one task at a time). A
 * task is a short chain of reads and writes on DynamoDB Local (a Java process on the same machine) and at most a
 * few sends to the mail catcher: it mostly waits, so one per core would leave the cores idle, while a few per core
 * keep DynamoDB Local busy. Memory grows with the executions running, not with those waiting for a slot, and a
 * person's execution waits for at most this many to wait again.
 */
export const TASKS_PER_CORE = 4;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LocalWorkflowEngineOptions {
  /** The task handlers, given the engine's own launcher and callbacks (ContinueAsNew and AwaitDecision use them). */
  tasks(ports: { launcher: ExecutionLauncher; decisions: DecisionCallbacks }): WorkflowTasks;
  agreements: AgreementStore;
  workflowState: WorkflowStateStore;
  clock: Clock;
  timing: WorkflowTiming;
  /** Pause before retrying a failed task; the definition's backoff (seconds to minutes) when left out. */
  retryIntervalMs?: number;
  /** How many executions run states (so tasks) at once; {@link TASKS_PER_CORE} per core when left out. */
  maxTasksAtOnce?: number;
  /** Executions that failed, for the person at the terminal. */
  warn?: (line: string) => void;
}

/** One entry of an execution's event log, as aws-local-stepfunctions reports it. */
export interface EngineEvent {
  execution: string;
  /** e.g. "StateEntered", "StateRetried", "ExecutionSucceeded". */
  type: string;
  state?: string;
}

interface Execution {
  agreementId: string;
  generation: number;
  name: string;
  run: Run | null;
  /** When the current run's wait ends (the last step's wakeAt), on the engine's clock. */
  wakeAt: Date | null;
  /** Woken while busy, after its last catch-up began: do not wait at the next Wait or callback, catch up again. */
  reevaluate: boolean;
  /** Whose request the execution works on until it waits again: a person's tasks go first. */
  line: TaskLine;
}

interface Run {
  execution: Execution;
  handle: { abort(): void; result: Promise<unknown> } | null;
  /** Running states, or waiting for a slot to run them; false while waiting in a Wait state or for a callback. */
  busy: boolean;
  /**
   * Holds one of the engine's slots: from when it got one until it waits (for time, a callback, or a failed task's
   * retry), or ends with no task in flight.
   */
  holdsSlot: boolean;
  /** Its request for a slot, while it waits for one. */
  slotRequest: Promise<boolean> | null;
  /** A task handler of the run is running (it may outlive the run: a Task state's timeout does not stop it). */
  inTask: boolean;
  /** The token of the callback this run waits for, while it does. */
  awaiting: string | null;
  /** The token `$$.Task.Token` gave out last. */
  lastToken: string | null;
}

function localFunctionArn(task: TaskFunction): string {
  return `arn:aws:lambda:eu-north-1:000000000000:function:iop-local-${task}`;
}

type StateDefinition = {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
  Retry?: unknown[];
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
};

/**
 * aws-local-stepfunctions fails a Task state that sets no timeout after 60 s; Step Functions sets none (the Lambda
 * function's own timeout bounds the work). Here a task's time includes its wait for a slot, which a clock move over
 * a few hundred agreements makes longer than a minute: the execution failed while its task ran on later, outside
 * it, after the clock move had answered. Such states get the timer cap instead.
 */
function withoutLibraryTaskTimeouts<T extends { States: object }>(definition: T): T {
  for (const state of Object.values(definition.States as Record<string, StateDefinition>)) {
    if (state.Type === "Task" && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = LOCAL_TIMER_CAP_MS / 1000;
  }
  return definition;
}

export class LocalWorkflowEngine implements Component, AgreementWorkflow, ExecutionInspector {
  readonly name = "workflow";
  readonly title = "Workflow engine (aws-local-stepfunctions)";

  readonly #options: LocalWorkflowEngineOptions;
  readonly #tasks: WorkflowTasks;
  readonly #definition = withoutLibraryTaskTimeouts(
    substituteFunctionArns(Object.fromEntries(TASK_FUNCTIONS.map((task) => [task, localFunctionArn(task)])) as Record<TaskFunction, string>),
  );
  readonly #machine = new StateMachine(this.#definition as unknown as StateMachineDefinition);
  readonly #executions = new Map<string, Execution>();
  readonly #runs = new Set<Run>();
  readonly #callbacks = new Map<string, { run: Run; resolve: (output: Json) => void }>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #events = new Map<string, EngineEvent[]>();
  readonly #settledWaiters: (() => void)[] = [];
  readonly #slots: TaskSlots<Run>;
  /** Runs in `#runs` that are busy: `settled` is asked after every step, and 10,000 runs are too many to look at. */
  #busyRuns = 0;
  #armQueued = false;
  #operations = 0;
  #tokens = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  /** Whether the repair begun by `start` is still going, and why it failed if it did. */
  #repairingAfterStart = false;
  #catchUp: Promise<void> = Promise.resolve();
  #catchUpFailure: string | null = null;
  /**
   * The catch-up after the start: the agreements whose execution the background started meanwhile and that have
   * not waited (or finished) since, and how many of them have.
   */
  readonly #catchingUp = new Set<string>();
  #caughtUp = 0;

  constructor(options: LocalWorkflowEngineOptions) {
    this.#options = options;
    this.#tasks = options.tasks({
      launcher: { start: async (agreementId, generation) => this.#startExecution(agreementId, generation) },
      decisions: { complete: async (taskToken) => this.#complete(taskToken) },
    });
    this.#slots = new TaskSlots(options.maxTasksAtOnce ?? TASKS_PER_CORE * availableParallelism());
  }

  // -- Component --------------------------------------------------------------------------------------------

  /**
   * Resolves at once; the executions of the agreements in the table are re-created in the background (`settled`
   * waits for that, the health report counts it).
   */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#catchUpFailure = null;
    this.#catchingUp.clear();
    this.#caughtUp = 0;
    this.#repairingAfterStart = true;
    this.#catchUp = this.repairExecutions()
      .then(
        () => undefined,
        (error: unknown) => {
          this.#catchUpFailure = error instanceof Error ? error.message : String(error);
          this.#options.warn?.(`Catching up the workflow executions failed: ${this.#catchUpFailure}`);
        },
      )
      .finally(() => {
        this.#repairingAfterStart = false;
      });
  }

  /**
   * Ends every run at once: those waiting for a slot never start, and those running stop after their task in
   * flight. Nothing is lost: an execution is re-created, and catches up, on the next start.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const run of this.#runs) this.#end(run);
    await this.#catchUp;
    await Promise.allSettled([...this.#inFlight]);
    this.#executions.clear();
    this.#callbacks.clear();
  }

  async health(): Promise<ComponentHealth> {
    const runs = [...this.#runs].filter((run) => run.execution.run === run);
    const waiting = runs.filter((run) => !run.busy && run.awaiting === null).length;
    const deciding = runs.filter((run) => run.awaiting !== null).length;
    const counts = `${runs.length} executions: ${waiting} waiting, ${deciding} awaiting a decision`;
    if (this.#catchUpFailure !== null) return { ok: false, detail: `${counts}; catching up after the start failed: ${this.#catchUpFailure}` };
    const progress = this.catchUpProgress();
    if (progress === null) return { ok: !this.#stopped, detail: counts };
    const { caughtUp, started, lookingFurther } = progress;
    const further = lookingFurther ? ", still looking for agreements that need one" : "";
    const { running, waiting: queued } = this.taskLoad;
    return {
      ok: !this.#stopped,
      detail: `${counts}; catching up after the start: ${caughtUp.toLocaleString("en")} of ${started.toLocaleString("en")} executions caught up${further}; ${running} executions running, ${queued} waiting for a slot`,
    };
  }

  /** The executions running states now (each at most one task), and those waiting for a slot. */
  get taskLoad(): { running: number; waiting: number } {
    return this.#slots.load;
  }

  /**
   * How far the catch-up after the start has come, or null once it is over: the executions it started, those of
   * them that have caught up (wait or finished), and whether the repair is still looking for more.
   */
  catchUpProgress(): { caughtUp: number; started: number; lookingFurther: boolean } | null {
    if (!this.#repairingAfterStart && this.#catchingUp.size === 0) return null;
    return { caughtUp: this.#caughtUp, started: this.#caughtUp + this.#catchingUp.size, lookingFurther: this.#repairingAfterStart };
  }

  // -- AgreementWorkflow ------------------------------------------------------------------------------------

  // What the API tells the workflow comes from a person's request; the repair tells the same in the background.

  ensureRunning(agreementId: string): Promise<void> {
    return this.#ensureRunning(agreementId, "person");
  }

  decisionRecorded(agreementId: string): Promise<void> {
    return this.#decisionRecorded(agreementId, "person");
  }

  agreementChanged(agreementId: string): Promise<void> {
    return this.#agreementChanged(agreementId, "person");
  }

  #ensureRunning(agreementId: string, line: TaskLine): Promise<void> {
    return this.#operation(async () => {
      const existing = this.#executions.get(agreementId);
      if (existing !== undefined) return this.#lineUp(existing, line);
      this.#startExecution(agreementId, await runnableGeneration(this.#options.workflowState, agreementId, this.#options.clock.now()), line);
    });
  }

  #decisionRecorded(agreementId: string, line: TaskLine): Promise<void> {
    return this.#operation(async () => {
      const token = (await this.#options.workflowState.get(agreementId))?.decisionToken;
      const execution = this.#executions.get(agreementId);
      if (execution !== undefined) this.#lineUp(execution, line);
      if (token !== undefined) this.#complete(token);
      await this.#ensureRunning(agreementId, line);
    });
  }

  #agreementChanged(agreementId: string, line: TaskLine): Promise<void> {
    const execution = this.#executions.get(agreementId);
    if (execution === undefined) return this.#ensureRunning(agreementId, line);
    this.#wake(execution, line);
    return Promise.resolve();
  }

  // -- ExecutionInspector and the reconciler ----------------------------------------------------------------

  async runningNames(): Promise<ReadonlySet<string>> {
    return new Set([...this.#executions.values()].filter((execution) => execution.run !== null).map((execution) => execution.name));
  }

  /** Runs are in this process only: an agreement's execution runs here, or it is missing. */
  async conditionOf(agreementId: string, generation: number): Promise<"running" | "missing"> {
    const execution = this.#executions.get(agreementId);
    return execution !== undefined && execution.run !== null && execution.generation >= generation ? "running" : "missing";
  }

  /**
   * The reconciler's repair step, run by this engine: on start, when the clock moves, and on the local runtime's
   * reconcile schedule; its executions' tasks in the background's line or in a person's (a clock move). Resolves
   * with what it did, agreement by agreement in `repairs` (what the AWS reconciler writes to its log). It stops
   * between two agreements when the engine stops or `signal` aborts.
   */
  repairExecutions(line: TaskLine = "background", signal?: AbortSignal): Promise<{ repaired: number; failed: number; repairs: RepairLogEntry[] }> {
    return this.#operation(async () => {
      const { agreements, workflowState, clock, timing } = this.#options;
      const repairs: RepairLogEntry[] = [];
      const step = repairExecutions({
        agreements,
        workflowState,
        clock,
        timing,
        handoverMs: 0,
        workflow: {
          ensureRunning: (agreementId) => this.#ensureRunning(agreementId, line),
          decisionRecorded: (agreementId) => this.#decisionRecorded(agreementId, line),
          agreementChanged: (agreementId) => this.#agreementChanged(agreementId, line),
        },
        executions: this,
        log: (entry) => void repairs.push(entry),
        stopped: () => this.#stopped || (signal?.aborted ?? false),
      });
      return { ...(await step.run()), repairs };
    });
  }

  // -- What the tasks' launcher and callbacks do ------------------------------------------------------------

  /**
   * Starts the generation's execution unless it (or a newer one) runs. A next generation (ContinueAsNew) stays in
   * the line of the one it continues.
   */
  #startExecution(agreementId: string, generation: number, line?: TaskLine): void {
    if (this.#stopped) return;
    const existing = this.#executions.get(agreementId);
    if (existing !== undefined && existing.generation >= generation) return;
    // An older generation that is only waiting is ended; one that is busy (in ContinueAsNew) ends by itself.
    if (existing?.run && !existing.run.busy) this.#end(existing.run);
    const execution: Execution = {
      agreementId,
      generation,
      name: executionName(agreementId, generation),
      run: null,
      wakeAt: null,
      reevaluate: false,
      line: line ?? existing?.line ?? "background",
    };
    this.#executions.set(agreementId, execution);
    if (this.#repairingAfterStart && execution.line === "background") this.#catchingUp.add(agreementId);
    this.#startRun(execution);
  }

  /** A person asked about the execution: its tasks, waiting or to come until it waits again, go in their line. */
  #lineUp(execution: Execution, line: TaskLine): void {
    if (line !== "person") return;
    execution.line = "person";
    if (execution.run !== null) this.#slots.promote(execution.run);
  }

  /**
   * Completes a callback, like SendTaskSuccess; one nobody waits on any more is ignored. The run goes on once it
   * has a slot again, so the wait for one counts against the callback's timeout (days), not the next task's.
   */
  #complete(taskToken: string): void {
    const callback = this.#callbacks.get(taskToken);
    if (callback === undefined) return;
    this.#callbacks.delete(taskToken);
    const { run } = callback;
    this.#setBusy(run, true);
    run.awaiting = null;
    void this.#takeSlot(run).then(() => callback.resolve({}));
  }

  // -- For the clock, tests and the benchmark ---------------------------------------------------------------

  /**
   * After the clock moved: gives every agreement that needs an execution one, wakes every waiting execution so it
   * catches up with the new time, and resolves once all of them wait again (or finished).
   */
  async reevaluate(): Promise<void> {
    await this.#operation(async () => {
      // Executions created now catch up on their own; the others are woken to catch up with the new time.
      const existing = [...this.#executions.values()];
      await this.repairExecutions("person");
      for (const execution of existing) this.#wake(execution, "person");
    });
    await this.settled();
  }

  /**
   * Wakes the executions whose wake-up time the clock has reached, as their timers would, and resolves once
   * they wait again: how a test or the benchmark steps through time without restarting the others.
   */
  async wakeDue(): Promise<void> {
    this.#wakeDue();
    await this.settled();
  }

  /** Resolves once no execution is running a state: each waits (for time or a decision) or has finished. */
  settled(): Promise<void> {
    if (this.#isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  /** The earliest instant a waiting execution wakes at, on the engine's clock; null when none waits. */
  nextWakeAt(): Date | null {
    const times = [...this.#executions.values()]
      .filter((execution) => execution.run !== null && !execution.run.busy && execution.wakeAt !== null)
      .map((execution) => execution.wakeAt!.getTime());
    return times.length === 0 ? null : new Date(Math.min(...times));
  }

  /** Whether an execution of the agreement is running or waiting. */
  hasExecution(agreementId: string): boolean {
    return this.#executions.has(agreementId);
  }

  /**
   * The event logs of the agreement's executions, oldest first (the most recent entries only). Runs that overlap
   * (one ending as the next starts) may interleave.
   */
  eventLog(agreementId: string): readonly EngineEvent[] {
    return this.#events.get(agreementId) ?? [];
  }

  // -- Runs -------------------------------------------------------------------------------------------------

  /** A new run of the execution, started once it has a slot (at once when it is withdrawn first, by `#end`). */
  #startRun(execution: Execution): void {
    if (this.#stopped) return;
    const run: Run = { execution, handle: null, busy: true, holdsSlot: false, slotRequest: null, inTask: false, awaiting: null, lastToken: null };
    execution.run = run;
    this.#runs.add(run);
    this.#busyRuns++;
    void this.#takeSlot(run).then((granted) => (granted && this.#isCurrent(run) ? this.#launch(run) : this.#runEnded(run)));
  }

  #launch(run: Run): void {
    const { execution } = run;
    const { timing, retryIntervalMs } = this.#options;
    const input = executionInput(execution.agreementId, execution.generation, timing);
    const nextToken = () => (run.lastToken = `${execution.name}:${++this.#tokens}`);
    const handle = this.#machine.run(
      // Step Functions times the decision out on its own clock; here a timer does, so it is capped like every timer.
      { ...input, decisionTimeoutSeconds: Math.min(input.decisionTimeoutSeconds, LOCAL_TIMER_CAP_MS / 1000) },
      {
        noThrowOnAbort: true,
        // A getter: every task that reads $$.Task.Token gets a token of its own, as in Step Functions.
        context: { Execution: { Name: execution.name }, Task: { get Token() { return nextToken(); } } },
        overrides: {
          taskResourceLocalHandlers: this.#taskHandlers(run),
          waitTimeOverrides: this.#waitDurations(run),
          retryIntervalOverrides: retryIntervalMs === undefined ? {} : this.#retryIntervals(retryIntervalMs),
        },
      },
    );
    run.handle = handle;
    const logged = this.#log(execution, handle.eventLogs);
    void handle.result
      .catch((error: unknown) => this.#options.warn?.(`Workflow execution ${execution.name} failed: ${error instanceof Error ? error.message : String(error)}`))
      .then(() => logged)
      .finally(() => this.#runEnded(run));
  }

  /** The run finished, failed, or was ended (before it started, when it was waiting for a slot). */
  #runEnded(run: Run): void {
    const { execution } = run;
    // A task still in flight keeps the slot until it ends, so the bound holds.
    if (!run.inTask) this.#releaseSlot(run);
    this.#setBusy(run, false);
    this.#runs.delete(run);
    if (execution.run === run) {
      execution.run = null;
      if (this.#executions.get(execution.agreementId) === execution) this.#executions.delete(execution.agreementId);
    }
    // Finished (or failed), not continued as new: nothing of the agreement is left to catch up.
    if (!this.#executions.has(execution.agreementId)) this.#caughtUpWith(execution);
    this.#arm();
    this.#checkSettled();
  }

  /**
   * Resolves true once the run holds a slot (at once if it does), false when it was ended first. A slot granted
   * to a run ended meanwhile is given back.
   */
  #takeSlot(run: Run): Promise<boolean> {
    if (run.holdsSlot) return Promise.resolve(true);
    run.slotRequest ??= this.#slots.acquire(run, run.execution.line).then((granted) => {
      run.slotRequest = null;
      if (!granted) return false;
      run.holdsSlot = true;
      if (this.#isCurrent(run)) return true;
      this.#releaseSlot(run);
      return false;
    });
    return run.slotRequest;
  }

  /** Neither ended nor replaced by a newer run of its execution, and the engine is not stopped. */
  #isCurrent(run: Run): boolean {
    return !this.#stopped && run.execution.run === run;
  }

  #releaseSlot(run: Run): void {
    if (!run.holdsSlot) return;
    run.holdsSlot = false;
    this.#slots.release();
  }

  /** Ends a run: a Wait ends with the abort, a pending callback is released so its task can finish. */
  #end(run: Run): void {
    this.#slots.withdraw(run);
    if (run.awaiting !== null) {
      const callback = this.#callbacks.get(run.awaiting);
      this.#callbacks.delete(run.awaiting);
      callback?.resolve({});
    }
    run.handle?.abort();
  }

  /** Makes a waiting execution catch up now; a busy one catches up instead of waiting next time. */
  #wake(execution: Execution, line: TaskLine): void {
    this.#lineUp(execution, line);
    const run = execution.run;
    if (run === null) return;
    if (run.busy) {
      execution.reevaluate = true;
    } else if (run.awaiting !== null) {
      // Like a timeout of AwaitDecision: the run goes on to CatchUp.
      this.#complete(run.awaiting);
    } else {
      this.#end(run);
      this.#startRun(execution);
    }
  }

  #taskHandlers(run: Run): Record<string, (input: Json) => Promise<Json>> {
    const execution = run.execution;
    const handlers: Record<TaskFunction, (payload: unknown) => Promise<Json>> = {
      CatchUp: async (payload) => {
        // This catch-up reads the agreement and the clock afresh: whatever woke the execution is taken in.
        execution.reevaluate = false;
        const step = await this.#tasks.catchUp(payload);
        execution.wakeAt = new Date(step.wakeAt);
        return { ...step };
      },
      AwaitDecision: async (payload) => (await this.#tasks.awaitDecision(payload), null),
      ContinueAsNew: async (payload) => (await this.#tasks.continueAsNew(payload), null),
      RecordFailure: async (payload) => (await this.#tasks.recordFailure(payload), null),
    };
    const states = this.#definition.States as Record<string, StateDefinition>;
    return Object.fromEntries(
      Object.entries(states)
        .filter(([, state]) => state.Type === "Task")
        .map(([stateName, state]) => {
          // A service integration ("arn:aws:states:::lambda:invoke...") names the function in its Parameters and
          // hands it the Payload; a plain Lambda ARN gets the whole input.
          const integration = state.Resource?.startsWith("arn:aws:states:::lambda:invoke") ?? false;
          const arn = integration ? state.Parameters?.FunctionName : state.Resource;
          const task = TASK_FUNCTIONS.find((candidate) => localFunctionArn(candidate) === arn);
          if (task === undefined) throw new Error(`Task state ${stateName} calls ${arn}, which is none of ${TASK_FUNCTIONS.map(functionArnPlaceholder).join(", ")}`);
          const call = (input: Json) => handlers[task](integration ? (input as { Payload: unknown }).Payload : input);
          const handler = state.Resource?.endsWith(".waitForTaskToken")
            ? (input: Json) => this.#awaitCallback(run, () => call(input))
            : (input: Json) => this.#runTask(run, () => call(input));
          return [stateName, handler];
        }),
    );
  }

  async #runTask(run: Run, task: () => Promise<Json>): Promise<Json> {
    // A run that was ended may still retry a state before it notices; it must not act any more, nor go on.
    if (!this.#isCurrent(run)) {
      run.handle?.abort();
      return null;
    }
    this.#setBusy(run, true);
    // The run holds its slot unless it went on by itself after a wait (a Wait or a callback's timeout).
    if (!(await this.#takeSlot(run))) return null;
    const promise = task();
    this.#inFlight.add(promise);
    run.inTask = true;
    try {
      return await promise;
    } catch (error) {
      // The definition retries it after a pause (up to minutes on its own backoff): a run that only waits holds no slot.
      this.#releaseSlot(run);
      throw error;
    } finally {
      run.inTask = false;
      this.#inFlight.delete(promise);
      if (!this.#runs.has(run)) this.#releaseSlot(run);
    }
  }

  async #awaitCallback(run: Run, task: () => Promise<Json>): Promise<Json> {
    const token = run.lastToken;
    if (token === null) throw new Error("A callback task ran without reading $$.Task.Token");
    let resolve: (output: Json) => void = () => {};
    const completed = new Promise<Json>((settle) => (resolve = settle));
    this.#callbacks.set(token, { run, resolve });
    await this.#runTask(run, task);
    // Still pending (the task did not complete it itself): the run waits.
    if (this.#callbacks.has(token)) {
      run.awaiting = token;
      this.#waits(run);
      if (run.execution.reevaluate) this.#wake(run.execution, "background");
      this.#arm();
      this.#checkSettled();
    }
    return completed;
  }

  /** Wait states' durations: nothing when the wake-up is due; otherwise the run waits until the engine wakes it. */
  #waitDurations(run: Run): Record<string, number> {
    const durations = {};
    const states = this.#definition.States as Record<string, StateDefinition>;
    for (const [stateName, state] of Object.entries(states)) {
      if (state.Type !== "Wait") continue;
      Object.defineProperty(durations, stateName, { enumerable: true, get: () => this.#waitDuration(run) });
    }
    return durations;
  }

  #waitDuration(run: Run): number {
    const { execution } = run;
    const due = execution.wakeAt === null || execution.wakeAt <= this.#options.clock.now();
    if (this.#stopped || execution.run !== run || due || execution.reevaluate) return 0;
    this.#waits(run);
    this.#arm();
    this.#checkSettled();
    // The engine ends the run when the time comes; this timer only bounds a wait that nobody ends.
    return LOCAL_TIMER_CAP_MS;
  }

  #retryIntervals(ms: number): Record<string, number> {
    const states = this.#definition.States as Record<string, StateDefinition>;
    return Object.fromEntries(Object.entries(states).filter(([, state]) => state.Retry !== undefined).map(([name]) => [name, ms]));
  }

  async #log(execution: Execution, events: AsyncGenerator<{ type: string; state?: { name: string } }>): Promise<void> {
    let log = this.#events.get(execution.agreementId);
    if (log === undefined) this.#events.set(execution.agreementId, (log = []));
    for await (const event of events) {
      log.push({ execution: execution.name, type: event.type, ...(event.state === undefined ? {} : { state: event.state.name }) });
      if (log.length > EVENTS_KEPT_PER_AGREEMENT) log.shift();
    }
  }

  // -- Timer and bookkeeping --------------------------------------------------------------------------------

  /**
   * The run waits (in a Wait state or for a callback): its execution has caught up, and is no one's request now
   * unless someone woke it meanwhile.
   */
  #waits(run: Run): void {
    this.#setBusy(run, false);
    this.#releaseSlot(run);
    const { execution } = run;
    if (execution.run !== run) return;
    if (!execution.reevaluate) execution.line = "background";
    this.#caughtUpWith(execution);
  }

  #caughtUpWith(execution: Execution): void {
    if (this.#catchingUp.delete(execution.agreementId)) this.#caughtUp++;
  }

  #setBusy(run: Run, busy: boolean): void {
    if (run.busy === busy) return;
    run.busy = busy;
    if (this.#runs.has(run)) this.#busyRuns += busy ? 1 : -1;
  }

  /**
   * One timer, for the earliest wake-up, measured on the engine's clock; set once per turn of the event loop, as
   * finding the earliest looks at every execution and a catch-up asks after each of thousands of steps.
   */
  #arm(): void {
    if (this.#armQueued) return;
    this.#armQueued = true;
    setImmediate(() => {
      this.#armQueued = false;
      this.#armNow();
    });
  }

  #armNow(): void {
    clearTimeout(this.#timer);
    const next = this.nextWakeAt();
    if (next === null || this.#stopped) return;
    const delay = Math.min(Math.max(next.getTime() - this.#options.clock.now().getTime(), 0), LOCAL_TIMER_CAP_MS);
    this.#timer = setTimeout(() => this.#wakeDue(), delay);
    this.#timer.unref();
  }

  #wakeDue(): void {
    const now = this.#options.clock.now();
    for (const execution of this.#executions.values()) {
      if (execution.run !== null && !execution.run.busy && execution.wakeAt !== null && execution.wakeAt <= now) this.#wake(execution, "background");
    }
    this.#arm();
  }

  /** Counts work outside any run (reading the store before starting one), so `settled` waits for it too. */
  async #operation<T>(work: () => Promise<T>): Promise<T> {
    this.#operations++;
    try {
      return await work();
    } finally {
      this.#operations--;
      this.#checkSettled();
    }
  }

  #isSettled(): boolean {
    return this.#operations === 0 && this.#busyRuns === 0;
  }

  #checkSettled(): void {
    if (!this.#isSettled()) return;
    for (const resolve of this.#settledWaiters.splice(0)) resolve();
  }
}
