import { createServer, type Server } from "node:http";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { getRequestListener } from "@hono/node-server";
import { createApp } from "../api/app";
import { createAgreementStore } from "../store/agreements";
import { ensureTable, TableMismatchError } from "../store/table";
import { Components } from "./components";
import { seedDemoAgreements } from "./demo-data";
import { createDynamoDbClient, DynamoDbLocalComponent } from "./dynamodb";
import { StartupError } from "./errors";
import { lockDirectory, type DirectoryLock } from "./lock";
import { assertPortAvailable, isAddressInUse, PortInUseError } from "./ports";

export interface RuntimeOptions {
  /** Everything the runtime keeps across restarts lives here. */
  dataDir: string;
  port: number;
  host: string;
  tableName: string;
  /** Progress for the person at the terminal. */
  progress: (line: string) => void;
  /** Problems that do not stop the runtime (e.g. a component that would not stop cleanly). */
  warn: (line: string) => void;
  /** Load the demo agreements when the table is empty. */
  demoData: boolean;
}

export interface Runtime {
  readonly url: string;
  /** Stops serving, then every component. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Written to `<dataDir>/runtime.json` while the runtime serves, so tools and tests can find its processes. */
export interface RuntimeInfo {
  pid: number;
  url: string;
  dynamodb: { endpoint: string; pid: number; guardPid: number };
}

export function runtimeInfoFile(dataDir: string): string {
  return path.join(dataDir, "runtime.json");
}

/** Reads DATA_DIR, PORT, HOST, TABLE_NAME and DEMO_DATA, with defaults for a developer machine. */
export function runtimeSettingsFromEnv(
  env: NodeJS.ProcessEnv,
): Pick<RuntimeOptions, "dataDir" | "port" | "host" | "tableName" | "demoData"> {
  const port = env.PORT === undefined || env.PORT === "" ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new StartupError(`PORT must be a whole number from 1 to 65535, got "${env.PORT}"`);
  }
  return {
    dataDir: path.resolve(env.DATA_DIR || ".data"),
    port,
    // Loopback unless asked otherwise: the local runtime has development-only features nobody else should reach.
    host: env.HOST || "127.0.0.1",
    tableName: env.TABLE_NAME || "iop",
    demoData: !["false", "0", "no", "off"].includes((env.DEMO_DATA ?? "").trim().toLowerCase()),
  };
}

/**
 * Starts the embedded runtime: takes the data directory, starts the components, prepares the table, serves the
 * app. On any failure, whatever was already started is stopped again before the error is rethrown.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { dataDir, port, host, tableName, progress, warn } = options;
  await mkdir(dataDir, { recursive: true });
  const lock = await lockDirectory(dataDir);

  const components = new Components({ progress, warn });
  const dynamoDbLocal = new DynamoDbLocalComponent({ dataDir: path.join(dataDir, "dynamodb") });
  components.add(dynamoDbLocal);

  let dynamoDb: DynamoDBClient | null = null;
  let server: Server | null = null;
  const stopEverything = async () => {
    if (server !== null) await closeServer(server);
    dynamoDb?.destroy();
    await rm(runtimeInfoFile(dataDir), { force: true });
    try {
      await components.stop();
    } finally {
      await lock.release();
    }
  };

  try {
    await assertPortAvailable(port, host);
    await components.start();

    dynamoDb = createDynamoDbClient(dynamoDbLocal.running.endpoint);
    await ensureTable(dynamoDb, tableName).catch((error: unknown) => {
      // A data directory from an incompatible version: the message says what to do, a stack trace would not help.
      throw error instanceof TableMismatchError ? new StartupError(error.message, { cause: error }) : error;
    });
    const store = createAgreementStore({
      client: DynamoDBDocumentClient.from(dynamoDb),
      tableName,
      cursorSecret: await loadOrCreateSecret(path.join(dataDir, "cursor-secret")),
    });
    if (options.demoData) {
      const loaded = await seedDemoAgreements(store, new Date());
      if (loaded > 0) progress(`Loaded ${loaded} demo agreements (start with DEMO_DATA=false to skip them)`);
    }

    const app = createApp({ checkHealth: () => components.health() });
    server = await listen(createServer(getRequestListener(app.fetch)), port, host);
    const url = `http://${displayHost(host)}:${port}`;
    await writeRuntimeInfo(dataDir, {
      pid: process.pid,
      url,
      dynamodb: {
        endpoint: dynamoDbLocal.running.endpoint,
        pid: dynamoDbLocal.running.pid,
        guardPid: dynamoDbLocal.running.guardPid,
      },
    });
    progress(`IOP Lifecycle listening on ${url}`);

    let stopping: Promise<void> | null = null;
    return {
      url,
      stop: () => (stopping ??= stopEverything()),
    };
  } catch (error) {
    await stopEverything().catch((stopError: unknown) => warn(`While cleaning up: ${String(stopError)}`));
    throw error;
  }
}

async function listen(server: Server, port: number, host: string): Promise<Server> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => reject(isAddressInUse(error) ? new PortInUseError(port) : error));
    server.listen(port, host, resolve);
  });
  return server;
}

/** Stops accepting connections, lets requests in flight finish, and cuts off clients that keep holding on. */
async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cutOff = setTimeout(() => server.closeAllConnections(), 5_000);
  await closed;
  clearTimeout(cutOff);
}

/** A secret kept in the data directory, so that what was signed with it (list cursors) survives a restart. */
async function loadOrCreateSecret(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const secret = randomBytes(32).toString("hex");
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

async function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): Promise<void> {
  await writeFile(runtimeInfoFile(dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

function displayHost(host: string): string {
  if (["127.0.0.1", "0.0.0.0", "::", "::1"].includes(host)) return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}
