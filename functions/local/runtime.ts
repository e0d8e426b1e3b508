import { createServer, type Server } from "node:http";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { getRequestListener } from "@hono/node-server";
import { createApp } from "../api/app";
import { ensureTable, TableMismatchError } from "../store/table";
import { Components } from "./components";
import { createDynamoDbClient, DynamoDbLocalComponent } from "./dynamodb";
import { StartupError } from "./errors";
import { lockDirectory, type DirectoryLock } from "./lock";
import { assertPortAvailable, isAddressInUse, PortInUseError } from "./ports";

export interface SeedContext {
  dynamoDb: DynamoDBClient;
  tableName: string;
}

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
  /** Demo data goes here. Runs on every start, once the table exists and before requests are served, so it must
   *  leave existing data alone. */
  seed?: (context: SeedContext) => Promise<void>;
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

/** Reads DATA_DIR, PORT, HOST and TABLE_NAME, with defaults for a developer machine. */
export function runtimeSettingsFromEnv(
  env: NodeJS.ProcessEnv,
): Pick<RuntimeOptions, "dataDir" | "port" | "host" | "tableName"> {
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
    await options.seed?.({ dynamoDb, tableName });

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

async function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): Promise<void> {
  await writeFile(runtimeInfoFile(dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

function displayHost(host: string): string {
  if (["127.0.0.1", "0.0.0.0", "::", "::1"].includes(host)) return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}
