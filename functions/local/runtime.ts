import { createServer, type Server } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { getRequestListener } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createApp } from "../site";
import { CALLBACK_PATH, createStaffAuth } from "../api/auth/staff-auth";
import { devClockRoutes } from "../api/dev-clock";
import { devTokenRoutes } from "../api/dev-token";
import { jsonLines } from "../api/logging";
import { composeApplication } from "../composition";
import { createStores } from "../store/stores";
import { ensureTable, TableMismatchError } from "../store/table";
import { rebuildTextIndexIfOutdated } from "../store/text-index";
import { rebuildDashboardEntriesIfOutdated } from "../store/dashboard-entries";
import { recountIfOutdated } from "../store/status-counts";
import { registerFailedWorkflowsIfOutdated } from "../store/workflow-state";
import { DEFAULT_RECONCILE_MINUTES, reconcileMinutesFrom, reconcilerSteps } from "../workflow/reconcile";
import { loadClock } from "./clock";
import { Components, type HealthSummary } from "./components";
import { seedDemoAgreements } from "./demo-data";
import { createDynamoDbClient, DynamoDbLocalComponent } from "./dynamodb";
import { StartupError } from "./errors";
import { lockDirectory } from "./lock";
import { batchedLines } from "./log-output";
import { MailCatcherComponent } from "./mail";
import { LocalOidcProvider } from "./oidc";
import { assertPortAvailable, isAddressInUse, PortInUseError } from "./ports";
import { loadOrCreate, rememberedPort } from "./remembered";
import { LocalReconciler } from "./reconciler";
import { LocalS3Component } from "./s3";
import { createLocalWorkflow, localDevClock, localRepairStep } from "./workflow";

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
  /** The mail catcher's port; 0 picks a free one the first time and the same one after (kept in the data directory). */
  mailPort: number;
  /** Where the local clock starts when the data directory has none yet; real time when left out. */
  clockStart?: Date;
  /** How often the reconciler runs (functions/local/reconciler.ts); 15 minutes when left out. */
  reconcileMinutes?: number;
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
  /** The local OpenID Connect provider staff sign in with. */
  oidc: { issuer: string };
  /** The mail catcher: its web view, and `GET /store` for the emails as JSON. */
  mail: { url: string };
}

export function runtimeInfoFile(dataDir: string): string {
  return path.join(dataDir, "runtime.json");
}

/**
 * Reads DATA_DIR, PORT, HOST, TABLE_NAME, DEMO_DATA, MAIL_PORT, LOCAL_CLOCK and RECONCILE_MINUTES, with defaults
 * for a developer machine.
 */
export function runtimeSettingsFromEnv(
  env: NodeJS.ProcessEnv,
): Pick<RuntimeOptions, "dataDir" | "port" | "host" | "tableName" | "demoData" | "mailPort" | "clockStart" | "reconcileMinutes"> {
  const port = env.PORT === undefined || env.PORT === "" ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new StartupError(`PORT must be a whole number from 1 to 65535, got "${env.PORT}"`);
  }
  const mailPort = env.MAIL_PORT === undefined || env.MAIL_PORT === "" ? 0 : Number(env.MAIL_PORT);
  if (!Number.isInteger(mailPort) || mailPort < 0 || mailPort > 65_535) {
    throw new StartupError(`MAIL_PORT must be a whole number from 0 (any free port) to 65535, got "${env.MAIL_PORT}"`);
  }
  const clockStart = env.LOCAL_CLOCK ? new Date(env.LOCAL_CLOCK) : undefined;
  if (clockStart !== undefined && Number.isNaN(clockStart.getTime())) {
    throw new StartupError(`LOCAL_CLOCK must be a date and time like 2026-10-02T08:00:00+02:00, got "${env.LOCAL_CLOCK}"`);
  }
  const reconcileMinutes = reconcileMinutesFrom(env.RECONCILE_MINUTES);
  if (reconcileMinutes === null) {
    throw new StartupError(`RECONCILE_MINUTES must be a whole number of minutes from 1 to 1440, got "${env.RECONCILE_MINUTES}"`);
  }
  return {
    dataDir: path.resolve(env.DATA_DIR || ".data"),
    port,
    // Loopback unless asked otherwise: the local runtime has development-only features nobody else should reach.
    host: env.HOST || "127.0.0.1",
    tableName: env.TABLE_NAME || "iop",
    demoData: !["false", "0", "no", "off"].includes((env.DEMO_DATA ?? "").trim().toLowerCase()),
    mailPort,
    ...(clockStart === undefined ? {} : { clockStart }),
    reconcileMinutes,
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
  const url = `http://${displayHost(host)}:${port}`;
  // Kept in the data directory, so tokens and the mail view's address outlive a restart.
  const oidc = new LocalOidcProvider({ redirectUri: `${url}${CALLBACK_PATH}`, dataDir: path.join(dataDir, "oidc"), warn });
  components.add(oidc);
  const mailPort = options.mailPort !== 0 ? options.mailPort : await rememberedPort(path.join(dataDir, "mail", "port"), "127.0.0.1", warn);
  const mailCatcher = new MailCatcherComponent({ port: mailPort, host: "127.0.0.1", sentFile: path.join(dataDir, "mail", "sent.jsonl") });
  components.add(mailCatcher);
  const localS3 = new LocalS3Component({ directory: path.join(dataDir, "s3"), bucket: "attachments", allowedOrigin: url });
  components.add(localS3);
  // Components that need the table, started once it exists.
  const tableComponents = new Components({ progress, warn });

  let dynamoDb: DynamoDBClient | null = null;
  let server: Server | null = null;
  const stopEverything = async () => {
    if (server !== null) await closeServer(server);
    await tableComponents.stop();
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
    const documentClient = DynamoDBDocumentClient.from(dynamoDb);
    const stores = createStores({
      client: documentClient,
      tableName,
      cursorSecret: await loadOrCreateSecret(path.join(dataDir, "cursor-secret")),
    });
    const store = stores.agreements;
    const reindexed = await rebuildTextIndexIfOutdated(documentClient, tableName, store.listNewestFirst);
    if (reindexed > 0) progress(`Rebuilt the search index of ${reindexed} agreements kept from an older version`);
    const filledIn = await rebuildDashboardEntriesIfOutdated(documentClient, tableName, (request) => store.listByStatus("active", request));
    if (filledIn > 0) progress(`Filled in the dashboard's index of ${filledIn} agreements in force kept from an older version`);
    const counted = await recountIfOutdated(documentClient, tableName, (status) => store.countByStatus(status), (request) => store.listByStatus("active", request));
    if (counted > 0) progress(`Counted the ${counted} agreements kept from an older version by status`);
    const registered = await registerFailedWorkflowsIfOutdated(documentClient, tableName);
    if (registered > 0) progress(`Listed the ${registered} failed workflows kept from an older version for the dashboard`);
    const clockFile = path.join(dataDir, "clock.json");
    const clock = await loadClock(clockFile, options.clockStart);
    if (options.demoData) {
      const loaded = await seedDemoAgreements(store, clock.now());
      if (loaded > 0) progress(`Loaded ${loaded} demo agreements (start with DEMO_DATA=false to skip them)`);
    }

    const mail = { sender: "iop-noreply@example.se", teamMailbox: "iop-team@example.se", language: "sv" } as const;
    const workflow = createLocalWorkflow({
      client: documentClient,
      tableName,
      agreements: store,
      clock,
      ses: mailCatcher.sesConnection(),
      appUrl: url,
      mail,
      warn,
    });
    tableComponents.add(workflow);
    const log = jsonLines(batchedLines(process.stdout));
    const application = composeApplication(
      {
        attachments: { client: localS3.createClient(), bucket: localS3.bucket },
        email: { ...mailCatcher.sesConnection(), from: mail.sender, language: mail.language, teamMailbox: mail.teamMailbox },
        clock,
        appOrigin: url,
        log,
        newId: randomUUID,
      },
      stores,
      workflow,
    );
    // The reconciler's steps, as the scheduled Lambda runs them (functions/handlers/reconcile.ts), with the local
    // engine's repair: once now, for what a previous run left untold or stopped, then every few minutes.
    const steps = reconcilerSteps(application, localRepairStep(workflow, warn));
    tableComponents.add(new LocalReconciler({ steps, intervalMinutes: options.reconcileMinutes ?? DEFAULT_RECONCILE_MINUTES, warn }));
    await tableComponents.start();

    const staffAuth = createStaffAuth({
      settings: oidc.settings,
      sessions: stores.sessions,
      signInSecret: await loadOrCreateSecret(path.join(dataDir, "sign-in-secret")),
      appOrigin: url,
    });
    const app = createApp({
      application,
      checkHealth: async () => mergeHealth(await components.health(), await tableComponents.health()),
      appOrigin: url,
      uploadOrigin: localS3.endpoint,
      authenticate: staffAuth.authenticate,
      signInRoutes: staffAuth.routes,
      devTokenRoutes: devTokenRoutes(oidc),
      clientAddress: (c) => getConnInfo(c).remote.address ?? "unknown",
      devClockRoutes: devClockRoutes(localDevClock(clock, clockFile, workflow)),
      log,
      docsAssetsDir: path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json")),
    });
    const handle = getRequestListener(app.fetch);
    // The listener answers every request itself, errors included; node's server only needs it started.
    server = await listen(createServer((request, response) => void handle(request, response)), port, host);
    await writeRuntimeInfo(dataDir, {
      pid: process.pid,
      url,
      dynamodb: {
        endpoint: dynamoDbLocal.running.endpoint,
        pid: dynamoDbLocal.running.pid,
        guardPid: dynamoDbLocal.running.guardPid,
      },
      oidc: { issuer: oidc.issuer },
      mail: { url: mailCatcher.url },
    });
    progress(`Sent email: ${mailCatcher.url}; local clock: ${clock.now().toISOString()}`);
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

function mergeHealth(...summaries: HealthSummary[]): HealthSummary {
  return {
    ok: summaries.every((summary) => summary.ok),
    components: Object.fromEntries(summaries.flatMap((summary) => Object.entries(summary.components))),
  };
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

/** A secret kept in the data directory, so that what was signed with it (list cursors, sign-ins) survives a restart. */
function loadOrCreateSecret(file: string): Promise<string> {
  return loadOrCreate(file, () => randomBytes(32).toString("hex"));
}

async function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): Promise<void> {
  await writeFile(runtimeInfoFile(dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

function displayHost(host: string): string {
  if (["127.0.0.1", "0.0.0.0", "::", "::1"].includes(host)) return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}
