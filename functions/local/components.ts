/**
 * The one place that starts and stops the local stand-ins for cloud services (DynamoDB Local now; later the
 * workflow engine, mail catcher, S3 and OpenID Connect provider). Components start in the order they were
 * added and stop in reverse, so nothing is stopped while something started after it may still use it.
 */

export interface ComponentHealth {
  ok: boolean;
  detail?: string;
}

export interface Component {
  /** Key in health reports, e.g. "dynamodb". */
  readonly name: string;
  /** Shown in progress lines, e.g. "DynamoDB Local". */
  readonly title: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): Promise<ComponentHealth>;
}

export interface HealthSummary {
  ok: boolean;
  components: Record<string, ComponentHealth>;
}

export interface ComponentsOptions {
  /** Progress for the person waiting at the terminal ("Starting DynamoDB Local…"). */
  progress?: (line: string) => void;
  /** Problems that do not stop the caller, such as a component failing to stop after a failed start. */
  warn?: (line: string) => void;
  /** A health check that hangs counts as down rather than hanging the health endpoint. */
  healthTimeoutMs?: number;
}

const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;

export class Components {
  readonly #all: Component[] = [];
  readonly #running: Component[] = [];
  readonly #progress: (line: string) => void;
  readonly #warn: (line: string) => void;
  readonly #healthTimeoutMs: number;
  #stopping: Promise<void> | null = null;

  constructor(options: ComponentsOptions = {}) {
    this.#progress = options.progress ?? (() => {});
    this.#warn = options.warn ?? (() => {});
    this.#healthTimeoutMs = options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  }

  add(component: Component): this {
    if (this.#all.some((existing) => existing.name === component.name)) {
      throw new Error(`A component named "${component.name}" is already registered`);
    }
    this.#all.push(component);
    return this;
  }

  /** Starts every component in order. If one fails, those already running are stopped before the error is rethrown. */
  async start(): Promise<void> {
    for (const component of this.#all) {
      this.#progress(`Starting ${component.title}…`);
      try {
        await component.start();
      } catch (error) {
        await this.stop().catch((stopError: unknown) => this.#warn(describe(stopError)));
        throw error;
      }
      this.#running.push(component);
    }
  }

  /** Stops running components in reverse order; keeps going past failures and reports them together at the end. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopRunning().finally(() => {
      this.#stopping = null;
    });
    return this.#stopping;
  }

  async health(): Promise<HealthSummary> {
    const entries = await Promise.all(
      this.#all.map(async (component) => [component.name, await this.#checkHealth(component)] as const),
    );
    return { ok: entries.every(([, health]) => health.ok), components: Object.fromEntries(entries) };
  }

  async #stopRunning(): Promise<void> {
    const failures: Error[] = [];
    for (let component = this.#running.pop(); component !== undefined; component = this.#running.pop()) {
      this.#progress(`Stopping ${component.title}…`);
      try {
        await component.stop();
      } catch (error) {
        failures.push(new Error(`${component.title} did not stop cleanly: ${describe(error)}`, { cause: error }));
      }
    }
    if (failures.length === 1) throw failures[0] as Error;
    if (failures.length > 1) throw new AggregateError(failures, failures.map((failure) => failure.message).join("; "));
  }

  async #checkHealth(component: Component): Promise<ComponentHealth> {
    if (!this.#running.includes(component)) return { ok: false, detail: "not running" };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ComponentHealth>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, detail: `no answer within ${this.#healthTimeoutMs} ms` }),
        this.#healthTimeoutMs,
      );
    });
    try {
      return await Promise.race([component.health(), timeout]);
    } catch (error) {
      return { ok: false, detail: describe(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
