// Runs the embedded runtime (`npm start`) as a real child process, the way a developer does.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDynamoDbClient } from "../../functions/local/dynamodb";
import { runtimeInfoFile, type RuntimeInfo } from "../../functions/local/runtime";
import { createAgreementStore } from "../../functions/store/agreements";
import { createReminderStore } from "../../functions/store/reminders";
import { TEST_CURSOR_SECRET } from "./dynamo";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Failure guards only: nothing asserts on how fast things happen. A start loads the app's modules and starts Java
 * for DynamoDB Local, both bound by CPU: 6.5 s on a quiet machine, a minute at a load average of 20 on two cores.
 */
export const STARTUP_DEADLINE_MS = 5 * 60_000;
export const SHUTDOWN_DEADLINE_MS = 30_000;
/** Re-creating the executions after a start reads every open agreement: minutes for thousands on a loaded machine. */
export const CATCH_UP_DEADLINE_MS = 10 * 60_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class RuntimeProcess {
  readonly exited: Promise<Exit>;
  #stdout = "";
  #stderr = "";
  #hasExited = false;

  constructor(
    private readonly child: ChildProcess,
    readonly dataDir: string,
    readonly port: number,
  ) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (this.#stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.#stderr += chunk));
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        this.#hasExited = true;
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error("The runtime process did not start");
    return this.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  get hasExited(): boolean {
    return this.#hasExited;
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.#hasExited) this.child.kill(signal);
  }

  /** Resolves once /api/health answers at all (200 or 503); fails if the process exits first. */
  async untilServing(): Promise<this> {
    await pollUntil(`the runtime on port ${this.port} to serve`, STARTUP_DEADLINE_MS, async () => {
      if (this.#hasExited) throw new Error(`The runtime exited while starting:\n${this.#stdout}${this.#stderr}`);
      return (await this.health().catch(() => null)) !== null;
    });
    return this;
  }

  async health(): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}/api/health`);
    return { status: response.status, body: await response.json() };
  }

  /**
   * Resolves once the workflow engine has re-created the executions the start found missing: the health report's
   * workflow detail no longer says it is catching up.
   */
  async untilCaughtUp(): Promise<this> {
    await pollUntil(`the runtime on port ${this.port} to catch up after its start`, CATCH_UP_DEADLINE_MS, async () => {
      if (this.#hasExited) throw new Error(`The runtime exited while catching up:\n${this.#stdout}${this.#stderr}`);
      const health = await this.health().catch(() => null);
      const detail = (health?.body as { components?: { workflow?: { detail?: string } } } | undefined)?.components?.workflow?.detail;
      return detail !== undefined && !detail.includes("catching up");
    });
    return this;
  }

  /** Moves the local clock (`POST /api/dev/clock`); resolves once every execution has caught up with the new time. */
  async moveClock(now: string): Promise<void> {
    const response = await fetch(`${this.url}/api/dev/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ now }),
    });
    if (response.status !== 200) throw new Error(`Moving the clock to ${now} answered ${response.status}: ${await response.text()}`);
  }

  async info(): Promise<RuntimeInfo> {
    return JSON.parse(await readFile(runtimeInfoFile(this.dataDir), "utf8")) as RuntimeInfo;
  }

  async untilExited(): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`The runtime on port ${this.port} did not exit within ${SHUTDOWN_DEADLINE_MS} ms`)),
        SHUTDOWN_DEADLINE_MS,
      );
    });
    try {
      return await Promise.race([this.exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The table `npm start` makes (TABLE_NAME unset). */
export const RUNTIME_TABLE_NAME = "iop";

/** The runtime's own table, reached the way its tools do: through the endpoint in runtime.json. */
export async function openRuntimeTable(runtime: RuntimeProcess) {
  const client = createDynamoDbClient((await runtime.info()).dynamodb.endpoint);
  const documentClient = DynamoDBDocumentClient.from(client);
  const tableName = RUNTIME_TABLE_NAME;
  return {
    documentClient,
    tableName,
    agreements: createAgreementStore({ client: documentClient, tableName, cursorSecret: TEST_CURSOR_SECRET }),
    reminders: createReminderStore({ client: documentClient, tableName }),
    close: () => client.destroy(),
  };
}

const started: RuntimeProcess[] = [];

/** Starts `functions/local/main.ts` directly under Node (no tsx wrapper process), so signals reach the runtime itself. */
export function spawnRuntime(options: { dataDir: string; port: number; env?: NodeJS.ProcessEnv }): RuntimeProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "functions/local/main.ts"], {
    cwd: repositoryRoot,
    env: { ...process.env, DATA_DIR: options.dataDir, PORT: String(options.port), ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const runtime = new RuntimeProcess(child, options.dataDir, options.port);
  started.push(runtime);
  return runtime;
}

/** For afterAll: nothing a failed test started may outlive the test run. */
export async function killAllRuntimes(): Promise<void> {
  for (const runtime of started.splice(0)) {
    runtime.kill("SIGKILL");
    await runtime.exited;
  }
}

/** True while the process exists and is not a zombie waiting for a parent that will never reap it. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0];
    return state !== "Z";
  } catch {
    return true;
  }
}

export async function untilProcessGone(pid: number, what: string): Promise<void> {
  await pollUntil(`${what} (pid ${pid}) to end`, SHUTDOWN_DEADLINE_MS, () => !isProcessAlive(pid));
}

async function pollUntil(what: string, deadlineMs: number, condition: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
