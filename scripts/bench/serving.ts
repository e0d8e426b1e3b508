/**
 * The local runtime under load: `npm start` as a child process, on a table loaded with 100 and then 10,000
 * agreements, driven over HTTP from this process. Every ratio in a section comes from the same run: the API
 * against the emulator's own answer to the same read, 100 against 10,000 agreements, a fresh start against one
 * over 10,000 agreements. Node's CPU is read from /proc for the runtime's process only (DynamoDB Local is a Java
 * process of its own, counted apart).
 */
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { Agent, request as httpRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { GetItemCommand, QueryCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { randomBytes } from "node:crypto";
import { isComplete, type Agreement } from "../../functions/domain/agreement";
import { addDays, stockholmDate } from "../../functions/domain/dates";
import { transition } from "../../functions/domain/lifecycle";
import { dueReminders, reminderKey } from "../../functions/domain/reminders";
import { dueTransition } from "../../functions/domain/schedule";
import { createDynamoDbClient } from "../../functions/local/dynamodb";
import { findFreePort } from "../../functions/local/ports";
import { caughtEmails } from "../../functions/local/mail";
import { createAgreementStore } from "../../functions/store/agreements";
import { TABLE_DEFINITION } from "../../functions/store/table";
import { SHUTDOWN_DEADLINE_MS, spawnRuntime, type RuntimeProcess } from "../../test/support/runtime-process";
import { benchAgreement, rawAgreementKey, writeAgreements, type BenchStatus } from "./agreements";
import { connectInspector, liveHeapMb, profileWhile } from "./inspector";
import { machine } from "./machine";
import { TASKS_PER_CORE } from "../../functions/local/workflow-engine";
import { STATUSES_WITH_EXECUTIONS } from "../../functions/workflow/reconcile";
import { WORKFLOW_ACTOR } from "../../functions/workflow/tasks";

const TABLE_NAME = "iop";
/** The runtime's clock during the serving benchmarks: agreements end over 2026, some within 90 days of it. */
const SERVING_CLOCK = "2025-11-01T09:00:00+01:00";
const TODAY = "2025-11-01";
/** The scaling run's two table sizes; BENCH_SCALING_AGREEMENTS makes the larger one smaller for a trial run. */
const SIZES = [100, Number(process.env.BENCH_SCALING_AGREEMENTS ?? 10_000)] as const;
/** Every tenth agreement's title holds the word searched for. */
const SEARCH_TERM = "mattel";
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 2_000);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 10);
export const CONNECTIONS = 10;
const TICKS_PER_SECOND = 100;

// -- Targets (issue 13) ----------------------------------------------------------------------------------------
const OVERHEAD_TARGET = 1.5;
const SCALING_TARGET = 1.5;
const THROUGHPUT_SHARE_TARGET = 0.8;
const CPU_PER_REQUEST_TARGET_MS = 0.5;
const HEALTHY_TARGET_MS = 10_000;
const MEMORY_TARGET_MB = 300;

/** The serving mix, by the last digit of an agreement's index: 40 % active, 20 % proposed, 10 % approved, 30 % drafts. */
const SERVING_STATUSES: readonly BenchStatus[] = ["active", "active", "active", "active", "proposed", "proposed", "approved", "draft", "draft", "draft"];

/** The serving mix; ends spread over 2026; every tenth title searchable. */
function servingAgreement(index: number): Agreement {
  const words = ["Matlagning", "Mammor", "Malmö", "Mötesplats", "Läxhjälp", "Idrott", "Kultur", "Marknad", "Språkcafé"];
  const title = `${index % 10 === 3 ? "Mattelyft" : words[index % words.length]} ${words[(index * 7) % words.length]} ${index}`;
  const month = String(1 + (index % 12)).padStart(2, "0");
  return benchAgreement(benchId(index), { title, end: `2026-${month}-28`, status: SERVING_STATUSES[index % SERVING_STATUSES.length]! });
}

function benchId(index: number): string {
  return `bench-${String(index).padStart(5, "0")}`;
}

// -- Measuring --------------------------------------------------------------------------------------------------

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** A process's user + system CPU so far, in milliseconds. */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).replace(/^.*\) /s, "").split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One GET over a kept-alive connection; the body is read whole. node:http rather than fetch: less client CPU. */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent, headers }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * `CONNECTIONS` loops sending `work` back to back for the duration: the rate a client gets at that concurrency,
 * and this process's CPU per call (the client's share, apart from the emulator's).
 */
export async function closedLoopRate(work: () => Promise<unknown>, seconds: number): Promise<{ rate: number; cpuMsPerCall: number }> {
  const until = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  let done = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        await work();
        done++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { rate: done / seconds, cpuMsPerCall: (cpu.user + cpu.system) / 1000 / done };
}

interface Throughput {
  rate: number;
  requests: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  nodeCpuMsPerRequest: number;
  emulatorCpuMsPerRequest: number;
}

async function throughput(runtime: RuntimeProcess, emulatorPid: number, pathAndQuery: string, headers: Record<string, string>): Promise<Throughput> {
  const [nodeBefore, emulatorBefore] = [await cpuMs(runtime.pid), await cpuMs(emulatorPid)];
  const result = await autocannon({ url: `${runtime.url}${pathAndQuery}`, connections: CONNECTIONS, duration: THROUGHPUT_SECONDS, headers });
  const [nodeAfter, emulatorAfter] = [await cpuMs(runtime.pid), await cpuMs(emulatorPid)];
  const requests = result.requests.total;
  return {
    rate: requests / THROUGHPUT_SECONDS,
    requests,
    non2xx: result.non2xx,
    errors: result.errors,
    p50: result.latency.p50,
    p99: result.latency.p99,
    nodeCpuMsPerRequest: (nodeAfter - nodeBefore) / requests,
    emulatorCpuMsPerRequest: (emulatorAfter - emulatorBefore) / requests,
  };
}

// -- The runtime ------------------------------------------------------------------------------------------------

interface Serving {
  runtime: RuntimeProcess;
  dynamoDb: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  emulatorPid: number;
  auth: Record<string, string>;
}

async function untilHealthy(runtime: RuntimeProcess): Promise<string> {
  for (;;) {
    if (runtime.hasExited) throw new Error(`The runtime exited:\n${runtime.stdout}${runtime.stderr}`);
    const health = await runtime.health().catch(() => null);
    const workflow = (health?.body as { components?: Record<string, { detail?: string }> } | undefined)?.components?.workflow?.detail ?? "";
    if (health?.status === 200) return workflow;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `npm start` on the data directory and resolves once it reports healthy, with how long that took. */
async function startServing(dataDir: string, port: number, clock: string, env: NodeJS.ProcessEnv = {}): Promise<Serving & { healthyMs: number }> {
  const started = performance.now();
  const runtime = spawnRuntime({ dataDir, port, env: { DEMO_DATA: "false", TABLE_NAME, LOCAL_CLOCK: clock, ...env } });
  await runtime.untilServing();
  await untilHealthy(runtime);
  const healthyMs = performance.now() - started;
  const info = await runtime.info();
  const dynamoDb = createDynamoDbClient(info.dynamodb.endpoint);
  const token = await fetch(`${runtime.url}/api/dev/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: "viewer@example.se" }) });
  const { token: bearer } = (await token.json()) as { token: string };
  return {
    runtime,
    dynamoDb,
    documentClient: DynamoDBDocumentClient.from(dynamoDb),
    emulatorPid: info.dynamodb.pid,
    auth: { Authorization: `Bearer ${bearer}` },
    healthyMs,
  };
}

/**
 * Stops the runtime as a person does, with SIGTERM, and resolves with how long it took to exit. A stop slower than
 * the tests' deadline is a figure too, not the end of the run: the process is then killed.
 */
async function stopServing(serving: Serving): Promise<number> {
  serving.dynamoDb.destroy();
  const stopping = performance.now();
  serving.runtime.kill("SIGTERM");
  await serving.runtime.untilExited().catch(async () => {
    serving.runtime.kill("SIGKILL");
    await serving.runtime.exited;
  });
  return performance.now() - stopping;
}

/** Loads agreements `from` to `to` (exclusive), in chunks so the batch never holds 10,000 agreements' items at once. */
async function load(serving: Serving, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 1_000) {
    const agreements = [];
    for (let index = start; index < Math.min(to, start + 1_000); index++) agreements.push(servingAgreement(index));
    await writeAgreements(serving.documentClient, TABLE_NAME, agreements);
  }
}

// -- 1. API overhead -----------------------------------------------------------------------------------------------

interface Overhead {
  raw: number[];
  store: number[];
  http: number[];
}

/** Detail over HTTP, the store's get and a raw GetItem of the same item, interleaved so they share the noise. */
async function apiOverhead(serving: Serving, id: string): Promise<Overhead> {
  const store = createAgreementStore({ client: serving.documentClient, tableName: TABLE_NAME, cursorSecret: randomBytes(32) });
  const key = rawAgreementKey(id);
  const rawGet = () => serving.dynamoDb.send(new GetItemCommand({ TableName: TABLE_NAME, Key: key }));
  const url = `${serving.runtime.url}/api/agreements/${id}`;
  const httpGet = async () => {
    const response = await get(url, serving.auth);
    if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${response.body}`);
  };
  const samples: Overhead = { raw: [], store: [], http: [] };
  for (let i = 0; i < LATENCY_SAMPLES + 200; i++) {
    const raw = await timed(rawGet);
    const viaStore = await timed(() => store.get(id));
    const viaHttp = await timed(httpGet);
    if (i < 200) continue;
    samples.raw.push(raw);
    samples.store.push(viaStore);
    samples.http.push(viaHttp);
  }
  for (const series of [samples.raw, samples.store, samples.http]) series.sort((a, b) => a - b);
  return samples;
}

// -- 2. Scaling ---------------------------------------------------------------------------------------------------

interface Query {
  name: string;
  path: string;
}

/**
 * Each list's first page is full at both sizes, so that its ratio is the table's size alone: at 100 agreements 9
 * end within the 90 days and 10 match the search, fewer than the default page of 25, so those two ask for 8.
 */
const SCALING_PAGE = 8;
const QUERIES: readonly Query[] = [
  { name: "List by status (active), first page", path: "/api/agreements?status=active" },
  { name: "Ending within 90 days, first page", path: `/api/agreements?endsBefore=${addDays(TODAY, 90)}&limit=${SCALING_PAGE}` },
  { name: `Free-text search "${SEARCH_TERM}", first page`, path: `/api/agreements?q=${SEARCH_TERM}&limit=${SCALING_PAGE}` },
  { name: "Dashboard page", path: "/" },
];
const CSV_EXPORT = "/api/agreements.csv?status=proposed";
const SCALING_RUNS = 21;

interface Scaled {
  medians: Record<string, number>;
  csv: { ms: number; rows: number };
}

async function scaling(serving: Serving): Promise<Scaled> {
  const medians: Record<string, number> = {};
  for (const query of QUERIES) {
    const url = `${serving.runtime.url}${query.path}`;
    const once = async () => {
      const response = await get(url, { ...serving.auth, Accept: "text/html, application/json" });
      if (response.status !== 200) throw new Error(`GET ${query.path}: ${response.status} ${response.body.slice(0, 300)}`);
    };
    for (let i = 0; i < 3; i++) await once();
    const times = [];
    for (let i = 0; i < SCALING_RUNS; i++) times.push(await timed(once));
    medians[query.name] = median(times);
  }
  let rows = 0;
  const times = [];
  for (let i = 0; i < 5; i++) {
    times.push(
      await timed(async () => {
        const response = await get(`${serving.runtime.url}${CSV_EXPORT}`, serving.auth);
        if (response.status !== 200) throw new Error(`GET ${CSV_EXPORT}: ${response.status}`);
        rows = response.body.trim().split("\r\n").length - 1;
      }),
    );
  }
  return { medians, csv: { ms: median(times), rows } };
}

// -- 3. Throughput ------------------------------------------------------------------------------------------------

interface Throughputs {
  detail: Throughput;
  list: Throughput;
  page: Throughput & { path: string };
  rawGetItem: number;
  rawQuery: number;
}

async function throughputs(serving: Serving, id: string): Promise<Throughputs> {
  const key = rawAgreementKey(id);
  const byStatus = TABLE_DEFINITION.globalIndexes.byStatus;
  const { rate: rawGetItem } = await closedLoopRate(() => serving.dynamoDb.send(new GetItemCommand({ TableName: TABLE_NAME, Key: key })), THROUGHPUT_SECONDS);
  const detail = await throughput(serving.runtime, serving.emulatorPid, `/api/agreements/${id}`, serving.auth);
  // The list's first page is one Query of the status index (a page and one more, to know whether there is a next).
  const { rate: rawQuery } = await closedLoopRate(
    () =>
      serving.dynamoDb.send(
        new QueryCommand({
          TableName: TABLE_NAME,
          IndexName: "byStatus",
          KeyConditionExpression: "#status = :status",
          ExpressionAttributeNames: { "#status": byStatus.partitionKey },
          ExpressionAttributeValues: { ":status": { S: "active" } },
          Limit: 26,
        }),
      ),
    THROUGHPUT_SECONDS,
  );
  const list = await throughput(serving.runtime, serving.emulatorPid, "/api/agreements?status=active", serving.auth);
  // The agreement page when it exists, else the start page.
  const agreementPage = await get(`${serving.runtime.url}/agreements/${id}`, serving.auth);
  const pagePath = agreementPage.status === 200 ? `/agreements/${id}` : "/";
  const page = { ...(await throughput(serving.runtime, serving.emulatorPid, pagePath, serving.auth)), path: pagePath };
  return { detail, list, page, rawGetItem, rawQuery };
}

// -- CPU profile ---------------------------------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Where a frame's code lives: an npm package, a folder of the project, node itself, or V8's own work. */
function placeOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (packageMatch) return packageMatch[1]!;
  if (url.startsWith("node:")) return "node (built-in modules)";
  const project = /\/(functions\/[^/]+|web)\//.exec(url);
  return project ? project[1]! : url;
}

export interface ProfileSummary {
  samples: number;
  /** Share of samples whose own code is in the place. */
  self: { place: string; share: number }[];
  /** Share of samples with the place anywhere on the stack. */
  inclusive: { place: string; share: number }[];
  /** The functions with the most own time, each with where it lives; native frames named as V8 names them. */
  functions: { name: string; share: number }[];
}

export function summariseProfile(profile: CpuProfile, top = 10): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const placesOnStack = new Map<number, Set<string>>();
  const stackOf = (id: number): Set<string> => {
    let places = placesOnStack.get(id);
    if (places !== undefined) return places;
    const up = parent.get(id);
    places = new Set(up === undefined ? [] : stackOf(up));
    places.add(placeOf(byId.get(id)!.callFrame));
    placesOnStack.set(id, places);
    return places;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  const busy = profile.samples.filter((id) => byId.get(id)!.callFrame.functionName !== "(idle)");
  for (const id of busy) {
    const place = placeOf(byId.get(id)!.callFrame);
    self.set(place, (self.get(place) ?? 0) + 1);
    const { functionName, url } = byId.get(id)!.callFrame;
    const name = `${functionName || "(anonymous)"}${url === "" ? "" : ` (${url.startsWith("node:") ? url : place})`}`;
    functions.set(name, (functions.get(name) ?? 0) + 1);
    for (const onStack of stackOf(id)) inclusive.set(onStack, (inclusive.get(onStack) ?? 0) + 1);
  }
  const ranked = (counts: Map<string, number>) =>
    [...counts]
      .filter(([place]) => place !== "(root)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([place, count]) => ({ place, share: count / busy.length }));
  return { samples: busy.length, self: ranked(self), inclusive: ranked(inclusive), functions: ranked(functions).map(({ place, share }) => ({ name: place, share })) };
}

/**
 * The detail route under autocannon, profiled through the inspector for exactly that run once the engine has caught
 * up, so neither the runtime's start (loading modules, DynamoDB Local, the workflow definition) nor its catch-up is in it.
 */
async function profileDetail(dataDir: string, port: number, id: string): Promise<ProfileSummary> {
  const inspectorPort = await findFreePort();
  const serving = await startServing(dataDir, port, SERVING_CLOCK, { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectorPort}` });
  while ((await untilHealthy(serving.runtime)).includes("catching up")) await new Promise((resolve) => setTimeout(resolve, 250));
  const inspector = await connectInspector(inspectorPort);
  try {
    const profile = await profileWhile<CpuProfile>(inspector, () => throughput(serving.runtime, serving.emulatorPid, `/api/agreements/${id}`, serving.auth));
    return summariseProfile(profile);
  } finally {
    inspector.close();
    await stopServing(serving);
  }
}

// -- The run ------------------------------------------------------------------------------------------------------

export interface StartFigures {
  agreements: number;
  healthyMs: number;
  caughtUpMs: number;
  /** Node's RSS once caught up, and the most it held on the way (VmHWM). */
  rssMb: number;
  peakRssMb: number;
  /** The health report's workflow detail once caught up, and about halfway through the catch-up. */
  executions: string;
  /** The agreements of the mix that need an execution (proposed, approved, active): what `executions` should count. */
  needingExecutions: number;
  halfway: string;
  /** The executions the catch-up started, from the last report of its progress ("n of m executions caught up"). */
  started: number;
  /** Health requests sent every HEALTH_POLL_MS during the catch-up: answered, the slowest, and those not answered. */
  healthAnswered: number;
  healthSlowestMs: number;
  healthUnanswered: number;
  /** From SIGTERM, once caught up, to the process's exit. */
  stopMs: number;
}

const HEALTH_POLL_MS = 250;
/** Agreements in the table of workflow-clock's restart; BENCH_RESTART_AGREEMENTS makes it smaller on a slow machine. */
export const RESTART_AGREEMENTS = Number(process.env.BENCH_RESTART_AGREEMENTS ?? 10_000);
const RESTART_SIZE_NOTE =
  RESTART_AGREEMENTS === 10_000 ? "" : `(BENCH_RESTART_AGREEMENTS=${RESTART_AGREEMENTS}: the issue's size is 10,000.)`;
const HEALTH_PATIENCE_MS = 5_000;

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * `npm start` on a data directory with `agreements` agreements in its table: how long until health answers, how
 * long until the engine has caught up in the background, node's memory, and whether health kept answering meanwhile
 * (a request every ${HEALTH_POLL_MS} ms, each given ${HEALTH_PATIENCE_MS} ms).
 */
export async function measureRestart(dataDir: string, port: number, agreements: number): Promise<StartFigures> {
  const serving = await startServing(dataDir, port, SERVING_CLOCK);
  let stopped = false;
  try {
    const { healthyMs } = serving;
    const startedAt = performance.now() - healthyMs;
    const detailOf = (body: unknown) => (body as { components?: { workflow?: { detail?: string } } }).components?.workflow?.detail ?? "";
    const details: { at: number; detail: string }[] = [];
    let answered = 0;
    let unanswered = 0;
    let slowest = 0;
    for (;;) {
      if (serving.runtime.hasExited) throw new Error(`The runtime exited while catching up:\n${serving.runtime.stdout}${serving.runtime.stderr}`);
      const sent = performance.now();
      const response = await fetch(`${serving.runtime.url}/api/health`, { signal: AbortSignal.timeout(HEALTH_PATIENCE_MS) }).catch(() => null);
      const body = response === null ? null : await response.json().catch(() => null);
      const tookMs = performance.now() - sent;
      if (body === null) {
        unanswered++;
      } else {
        answered++;
        slowest = Math.max(slowest, tookMs);
        details.push({ at: performance.now() - startedAt, detail: detailOf(body) });
        if (response?.status === 200 && !detailOf(body).includes("catching up")) break;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, HEALTH_POLL_MS - tookMs)));
    }
    const caughtUpMs = performance.now() - startedAt;
    const halfway = details.find((entry) => entry.at >= caughtUpMs / 2)?.detail ?? "";
    const progress = details.findLast((entry) => entry.detail.includes("catching up"))?.detail ?? "";
    const started = Number(/of ([\d,]+) executions caught up/.exec(progress)?.[1]?.replaceAll(",", "") ?? 0);
    const figures: StartFigures = {
      agreements,
      healthyMs,
      caughtUpMs,
      rssMb: await rssMb(serving.runtime.pid),
      peakRssMb: await peakRssMb(serving.runtime.pid),
      executions: details.at(-1)?.detail ?? "",
      needingExecutions: Array.from({ length: agreements }, (_, index) => SERVING_STATUSES[index % SERVING_STATUSES.length]!).filter((status) =>
        STATUSES_WITH_EXECUTIONS.includes(status),
      ).length,
      halfway,
      started,
      healthAnswered: answered,
      healthSlowestMs: slowest,
      healthUnanswered: unanswered,
      stopMs: NaN,
    };
    stopped = true;
    figures.stopMs = await stopServing(serving);
    console.log(
      `restart over ${agreements} agreements: healthy in ${healthyMs.toFixed(0)} ms, caught up in ${caughtUpMs.toFixed(0)} ms, ` +
        `node ${figures.rssMb.toFixed(0)} MB (peak ${figures.peakRssMb.toFixed(0)} MB), health answered ${answered} times (slowest ${slowest.toFixed(0)} ms), ${unanswered} not; ` +
        `stopped in ${figures.stopMs.toFixed(0)} ms`,
    );
    return figures;
  } finally {
    if (!stopped) await stopServing(serving);
  }
}

export interface ServingFigures {
  freshStartMs: number;
  overhead: Overhead;
  /** At the smaller and at the larger size of {@link SIZES}. */
  scaled: { small: Scaled; large: Scaled };
  throughput: Throughputs;
  start: StartFigures;
  profile: ProfileSummary;
}

export async function measureServing(): Promise<ServingFigures> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "iop-bench-serving-"));
  const port = await findFreePort();
  const id = benchId(0);
  try {
    const serving = await startServing(dataDir, port, SERVING_CLOCK);
    const freshStartMs = serving.healthyMs;
    console.log(`serving: fresh start healthy in ${freshStartMs.toFixed(0)} ms`);
    await load(serving, 0, SIZES[0]);
    const overhead = await apiOverhead(serving, id);
    console.log(`serving: detail p50 ${percentile(overhead.http, 50).toFixed(2)} ms vs raw GetItem ${percentile(overhead.raw, 50).toFixed(2)} ms`);
    const small = await scaling(serving);
    const measuredThroughput = await throughputs(serving, id);
    console.log(`serving: detail ${measuredThroughput.detail.rate.toFixed(0)} req/s vs raw GetItem ${measuredThroughput.rawGetItem.toFixed(0)} req/s`);
    await stopServing(serving);

    // Profiled over the same 100 agreements, before the larger table gives the engine executions to catch up on.
    const profile = await profileDetail(dataDir, port, id);

    const larger = await startServing(dataDir, port, SERVING_CLOCK);
    await load(larger, SIZES[0], SIZES[1]);
    const large = await scaling(larger);
    console.log(`serving: scaling measured at ${SIZES.join(" and ")} agreements`);
    await stopServing(larger);

    // A restart over 10,000 agreements: the engine re-creates the executions of those that need one.
    const start = await measureRestart(dataDir, port, SIZES[1]);

    return { freshStartMs, overhead, scaled: { small, large }, throughput: measuredThroughput, start, profile };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

// -- Workflow under a clock move ------------------------------------------------------------------------------------

const MOVE_FROM = "2025-06-01T09:00:00+02:00";
const MOVE_TO = "2026-06-01T09:00:00+02:00";
export const MOVE_SIZES = [100, 1_000] as const;

export interface ClockMove {
  agreements: number;
  createMs: number;
  moveMs: number;
  emails: number;
  /** The emails the reminder rules call for over the two moves (expectedReminderEmails). */
  expectedEmails: number;
  rssMb: number;
  /** The heap after a full collection, read after the RSS. */
  heapMb: number;
  executions: string;
}

/**
 * `POST /api/dev/clock`, which answers once every execution has caught up: node:http, as fetch gives up waiting for
 * the answer's headers after 5 minutes, less than a year over 1,000 agreements can take on a loaded machine.
 */
function postClock(serving: Serving, now: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${serving.runtime.url}/api/dev/clock`,
      { method: "POST", headers: { ...serving.auth, "Content-Type": "application/json" } },
      (response) => {
        let body = "";
        response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        response.on("end", () => ((response.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`POST /api/dev/clock: ${response.statusCode} ${body}`))));
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify({ now }));
  });
}

/**
 * How many reminder emails an execution catching up at each of `instants` in turn sends under the rules of
 * functions/domain/reminders.ts, the agreement's status brought to each instant first (an agreement that ended
 * gets no expiry reminders): what a clock move over it should leave in the mail catcher.
 */
function expectedReminderEmails(agreement: Agreement, instants: readonly Date[]): number {
  let current = agreement;
  const handled = new Set<string>();
  let emails = 0;
  for (const now of instants) {
    if (!isComplete(current)) throw new Error(`${current.id} is not complete`);
    for (let due = dueTransition(current, now); due !== null; due = isComplete(current) ? dueTransition(current, now) : null) {
      const result = transition(current, { type: due }, WORKFLOW_ACTOR, now);
      if (!result.ok) throw new Error(`${due} refused: ${result.error.message}`);
      current = result.agreement;
    }
    if (!isComplete(current)) throw new Error(`${current.id} is not complete`);
    const { send, skip } = dueReminders(current, stockholmDate(now), handled, () => false);
    for (const reminder of [...send, ...skip]) handled.add(reminderKey(reminder));
    emails += send.length;
  }
  return emails;
}

/** `agreements` active agreements ending over 2026; the clock moved a minute (executions created), then a year. */
export async function measureClockMove(agreements: number): Promise<ClockMove> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "iop-bench-clock-"));
  try {
    const inspectorPort = await findFreePort();
    const serving = await startServing(dataDir, await findFreePort(), MOVE_FROM, { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectorPort}` });
    try {
      const active = [];
      for (let index = 0; index < agreements; index++) {
        const month = String(1 + (index % 12)).padStart(2, "0");
        active.push(benchAgreement(benchId(index), { title: `Partnerskap ${index}`, end: `2026-${month}-28`, status: "active" }));
      }
      await writeAgreements(serving.documentClient, TABLE_NAME, active);
      // The clock has run on while the table was loaded, so "a minute on" is a minute from where it is now.
      const clockNow = (await (await fetch(`${serving.runtime.url}/api/dev/clock`, { headers: serving.auth })).json()) as { now: string };
      const minuteOn = new Date(Date.parse(clockNow.now) + 60_000);
      const createMs = await timed(() => postClock(serving, minuteOn.toISOString()));
      const moveMs = await timed(() => postClock(serving, MOVE_TO));
      const info = await serving.runtime.info();
      const emails = (await caughtEmails(info.mail.url)).length;
      const expectedEmails = active.reduce((sum, agreement) => sum + expectedReminderEmails(agreement, [minuteOn, new Date(MOVE_TO)]), 0);
      const executions = await untilHealthy(serving.runtime);
      const rss = await rssMb(serving.runtime.pid);
      const inspector = await connectInspector(inspectorPort);
      const heapMb = await liveHeapMb(inspector).finally(() => inspector.close());
      const figures = { agreements, createMs, moveMs, emails, expectedEmails, rssMb: rss, heapMb, executions };
      console.log(`workflow-clock: ${agreements} active agreements: a year in ${moveMs.toFixed(0)} ms, ${emails} emails (${expectedEmails} expected), node ${rss.toFixed(0)} MB (${heapMb.toFixed(0)} MB heap in use)`);
      return figures;
    } finally {
      await stopServing(serving);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A fresh data directory loaded with `agreements` agreements (the serving mix), then the restart measured on it. */
export async function measureRestartOver(agreements: number): Promise<StartFigures> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "iop-bench-restart-"));
  try {
    const port = await findFreePort();
    const serving = await startServing(dataDir, port, SERVING_CLOCK);
    try {
      await load(serving, 0, agreements);
    } finally {
      await stopServing(serving);
    }
    return await measureRestart(dataDir, port, agreements);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

// -- Sections -------------------------------------------------------------------------------------------------------

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));
const ratio = (value: number) => `${value.toFixed(2)}×`;
const verdict = (within: boolean) => (within ? "within target" : "**misses the target**");

export function servingSections(figures: ServingFigures): Record<string, string> {
  const { overhead, scaled, throughput: t, start, profile } = figures;
  const measured = machine(process.version);
  const p50 = (series: number[]) => percentile(series, 50);
  const p99 = (series: number[]) => percentile(series, 99);
  const overheadP50 = p50(overhead.http) / p50(overhead.raw);
  const overheadP99 = p99(overhead.http) / p99(overhead.raw);
  const detailShare = t.detail.rate / t.rawGetItem;
  const { small, large } = scaled;
  return {
    "api-overhead": [
      `## API overhead: an agreement over HTTP against a raw GetItem`,
      ``,
      `\`GET /api/agreements/{id}\` on \`npm start\` (signed in with a Bearer token, one kept-alive connection), the`,
      `store's \`get\` of the same agreement and a raw \`GetItem\` of its item on the same DynamoDB Local, each sent from`,
      `the benchmark's process, one after the other, ${LATENCY_SAMPLES.toLocaleString("en")} times after 200 untimed rounds. Target: HTTP at most ${OVERHEAD_TARGET}× the raw read.`,
      ``,
      `| | p50 | p99 | p50 ratio to raw | p99 ratio to raw |`,
      `| --- | --- | --- | --- | --- |`,
      `| Raw GetItem | ${ms(p50(overhead.raw))} ms | ${ms(p99(overhead.raw))} ms | 1.00× | 1.00× |`,
      `| The store's get | ${ms(p50(overhead.store))} ms | ${ms(p99(overhead.store))} ms | ${ratio(p50(overhead.store) / p50(overhead.raw))} | ${ratio(p99(overhead.store) / p99(overhead.raw))} |`,
      `| HTTP, signed in | ${ms(p50(overhead.http))} ms | ${ms(p99(overhead.http))} ms | ${ratio(overheadP50)} | ${ratio(overheadP99)} |`,
      ``,
      `At p50 the HTTP request takes ${ratio(overheadP50)} the raw read's time: ${verdict(overheadP50 <= OVERHEAD_TARGET)}; at p99 ${ratio(overheadP99)}.`,
      ``,
      measured,
    ].join("\n"),
    "scaling": [
      `## Scaling: ${SIZES[0]} against ${SIZES[1].toLocaleString("en")} agreements`,
      ``,
      `The same runtime and table, first with ${SIZES[0]} agreements, then with ${(SIZES[1] - SIZES[0]).toLocaleString("en")} more (40 % active, 20 % proposed,`,
      `10 % approved, 30 % drafts; ends spread over 2026; every tenth title holds "Mattelyft"), the clock at ${TODAY}.`,
      `Each figure is the median of ${SCALING_RUNS} requests over HTTP, signed in, after 3 untimed ones. Every first page is full`,
      `at both sizes (the active list's default 25; ${SCALING_PAGE} for the end dates and the search, of which 100 agreements hold only`,
      `9 and 10), so a ratio is the table's size alone. Target: the first page at most ${SCALING_TARGET}× as slow at ${SIZES[1].toLocaleString("en")} as at ${SIZES[0]}.`,
      ``,
      `| Request | ${SIZES[0]} agreements | ${SIZES[1].toLocaleString("en")} agreements | Ratio | |`,
      `| --- | --- | --- | --- | --- |`,
      ...QUERIES.map((query) => {
        const r = large.medians[query.name]! / small.medians[query.name]!;
        return `| ${query.name} (\`${query.path}\`) | ${ms(small.medians[query.name]!)} ms | ${ms(large.medians[query.name]!)} ms | ${ratio(r)} | ${verdict(r <= SCALING_TARGET)} |`;
      }),
      ``,
      `The CSV export of the proposed agreements (\`${CSV_EXPORT}\`, median of 5): ${small.csv.rows} rows in ${ms(small.csv.ms)} ms`,
      `(${ms(small.csv.ms / small.csv.rows)} ms a row) at ${SIZES[0]} agreements; ${large.csv.rows.toLocaleString("en")} rows in ${ms(large.csv.ms)} ms (${ms(large.csv.ms / large.csv.rows)} ms a row) at`,
      `${SIZES[1].toLocaleString("en")}. An export holds at most 5,000 rows (functions/app/exports.ts).`,
      ``,
      measured,
    ].join("\n"),
    "throughput": [
      `## Throughput`,
      ``,
      `autocannon, ${CONNECTIONS} connections for ${THROUGHPUT_SECONDS} s each, against \`npm start\` with ${SIZES[0]} agreements, signed in with a Bearer`,
      `token. Each route is next to its ceiling: the emulator's own rate for the same read at the same concurrency, sent`,
      `with the SDK from the benchmark's process (raw \`GetItem\` for the detail, raw \`Query\` of the same first page for`,
      `the list). CPU is read from /proc for node (the runtime) and for DynamoDB Local (Java) over each run, divided by`,
      `the requests answered. Targets: detail at least ${THROUGHPUT_SHARE_TARGET * 100} % of raw GetItem, at most ${CPU_PER_REQUEST_TARGET_MS} ms node CPU a request.`,
      ``,
      `| Route | Requests/s | Ceiling | Share | p50 / p99 latency | Node CPU a request | DynamoDB Local CPU a request | Non-2xx |`,
      `| --- | --- | --- | --- | --- | --- | --- | --- |`,
      throughputRow(`Detail \`/api/agreements/{id}\``, t.detail, t.rawGetItem),
      throughputRow(`List \`/api/agreements?status=active\``, t.list, t.rawQuery),
      throughputRow(`Page \`${t.page.path.replace(benchId(0), "{id}")}\``, t.page, null),
      ``,
      `Detail at ${(detailShare * 100).toFixed(0)} % of raw GetItem: ${verdict(detailShare >= THROUGHPUT_SHARE_TARGET)}; node CPU ${ms(t.detail.nodeCpuMsPerRequest)} ms a request:`,
      `${verdict(t.detail.nodeCpuMsPerRequest <= CPU_PER_REQUEST_TARGET_MS)}. A report submission is not measured: the report link's rate limit`,
      `(functions/store/rate-limits.ts) answers a burst from one address with 429, by design.`,
      ``,
      `### Where node's time goes on the detail route`,
      ``,
      `A CPU profile of the runtime, taken through the inspector for exactly one more autocannon run on the detail route (so`,
      `the start is not in it), ${profile.samples.toLocaleString("en")} busy samples (idle left out), by where the code lives: its own time, and time with`,
      `it anywhere on the stack.`,
      ``,
      `| Own time | | With callees | |`,
      `| --- | --- | --- | --- |`,
      ...profile.self.map((entry, index) => {
        const inclusive = profile.inclusive[index];
        return `| ${entry.place} | ${(entry.share * 100).toFixed(1)} % | ${inclusive?.place ?? ""} | ${inclusive === undefined ? "" : `${(inclusive.share * 100).toFixed(1)} %`} |`;
      }),
      ``,
      `The functions with the most own time (\`writev\` is the kernel's socket write: the answer to autocannon and the`,
      `request to DynamoDB Local):`,
      ``,
      `| Function | Own time |`,
      `| --- | --- |`,
      ...profile.functions.map((entry) => `| \`${entry.name}\` | ${(entry.share * 100).toFixed(1)} % |`),
      ``,
      measured,
    ].join("\n"),
    "start-memory": [
      `## Start`,
      ``,
      `\`npm start\` to a healthy \`/api/health\` (200, every component up), from spawning the process, fresh and then`,
      `restarted over the ${SIZES[1].toLocaleString("en")} agreements of the scaling run.`,
      ``,
      `| Data directory | Healthy | |`,
      `| --- | --- | --- |`,
      `| Fresh (empty) | ${(figures.freshStartMs / 1000).toFixed(1)} s | ${verdict(figures.freshStartMs <= HEALTHY_TARGET_MS)} |`,
      ``,
      ...restartTable(start),
      ``,
      measured,
    ].join("\n"),
  };
}

function throughputRow(name: string, figures: Throughput, ceiling: number | null): string {
  return (
    `| ${name} | ${figures.rate.toFixed(0)} | ${ceiling === null ? "" : ceiling.toFixed(0)} | ${ceiling === null ? "" : `${((figures.rate / ceiling) * 100).toFixed(0)} %`} | ` +
    `${figures.p50} / ${figures.p99} ms | ${ms(figures.nodeCpuMsPerRequest)} ms | ${ms(figures.emulatorCpuMsPerRequest)} ms | ${figures.non2xx + figures.errors} |`
  );
}

/** The executions a health report's workflow detail counts ("700 executions: …"). */
function executionCount(detail: string): number {
  return Number(/^([\d,]+) executions/.exec(detail)?.[1]?.replaceAll(",", "") ?? NaN);
}

/**
 * A restart's figures as a table, with what they mean; the target's verdict beside the start. Used by the serving
 * benchmark and by workflow-clock, which runs the restart on its own.
 */
function restartTable(start: StartFigures): string[] {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rate = start.started / (start.caughtUpMs / 1000);
  return [
    `The runtime listens first and re-creates the workflow executions in the background, at most`,
    `${TASKS_PER_CORE} tasks per core at once (functions/local/workflow-engine.ts); meanwhile the health report's workflow`,
    `detail says how far it has come. Health was asked every ${HEALTH_POLL_MS} ms during the catch-up, each request given`,
    `${HEALTH_PATIENCE_MS / 1000} s. Targets: healthy within ${HEALTHY_TARGET_MS / 1000} s; health answering throughout.`,
    ``,
    `| Agreements | Healthy | | Caught up | Executions caught up a second | Node RSS: peak, then | Health during the catch-up | Stopped (SIGTERM to exit) |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    `| ${start.agreements.toLocaleString("en")} | ${seconds(start.healthyMs)} | ${verdict(start.healthyMs <= HEALTHY_TARGET_MS)} | ${seconds(start.caughtUpMs)} | ` +
      `${rate.toFixed(0)} | ${start.peakRssMb.toFixed(0)} MB, ${start.rssMb.toFixed(0)} MB | ${start.healthAnswered} answered (slowest ${start.healthSlowestMs.toFixed(0)} ms), ${start.healthUnanswered} not | ${start.stopMs >= SHUTDOWN_DEADLINE_MS ? `**over ${seconds(SHUTDOWN_DEADLINE_MS)}**, then killed` : seconds(start.stopMs)} |`,
    ``,
    `About halfway: "${start.halfway}". Once caught up: "${start.executions}". Every proposed, approved or active`,
    `agreement has an execution then (none of the mix ends before the clock's day): ${start.needingExecutions.toLocaleString("en")} of the ${start.agreements.toLocaleString("en")}` +
      `${executionCount(start.executions) === start.needingExecutions ? "." : `; **${start.needingExecutions - executionCount(start.executions)} have none**.`}`,
  ];
}

export function clockMoveSection(moves: readonly ClockMove[], restart: StartFigures): string {
  return [
    `## Workflow: a year on the local clock`,
    ``,
    `\`npm start\` with only active agreements (ending over 2026, the demo agreement's two reporting requirements), the`,
    `clock at ${MOVE_FROM.slice(0, 10)}: \`POST /api/dev/clock\` a minute on (every agreement gets its execution), then a year on, to`,
    `${MOVE_TO.slice(0, 10)}: every execution catches up, sends its due reminders into the mail catcher and waits again; the`,
    `request answers once all of them wait, and the runtime then collects its garbage (functions/local/memory.ts). Node's`,
    `memory (RSS) is read right after, then, through the inspector, the heap in use after a full collection. Target: at`,
    `most ${MEMORY_TARGET_MB} MB RSS at ${MOVE_SIZES[1].toLocaleString("en")} agreements.`,
    ``,
    `Emails expected: what the reminder rules (functions/domain/reminders.ts) call for, agreement by agreement, at the`,
    `two moves: the overdue-report reminders of 2025 at the first; at the second those of 2026 and, for an agreement`,
    `still active, the newest expiry reminder due, the older ones skipped as the clock jumped over them.`,
    ``,
    `| Active agreements | Executions created | A year on | Agreements a second | Emails sent | Expected | Node memory (RSS) | | Heap in use |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...moves.map(
      (move) =>
        `| ${move.agreements.toLocaleString("en")} | ${(move.createMs / 1000).toFixed(1)} s | ${(move.moveMs / 1000).toFixed(1)} s | ` +
        `${(move.agreements / (move.moveMs / 1000)).toFixed(0)} | ${move.emails.toLocaleString("en")} | ${move.expectedEmails.toLocaleString("en")}${move.emails === move.expectedEmails ? "" : " **not as sent**"} | ` +
        `${move.rssMb.toFixed(0)} MB | ${verdict(move.rssMb <= MEMORY_TARGET_MB)} | ${move.heapMb.toFixed(0)} MB |`,
    ),
    ``,
    `### A restart over ${restart.agreements.toLocaleString("en")} agreements`,
    ``,
    `\`npm start\` stopped, then started again on a table of ${restart.agreements.toLocaleString("en")} agreements (the serving benchmark's mix: 40 %`,
    `active, 20 % proposed, 10 % approved, 30 % drafts), none of which had an execution yet. ${RESTART_SIZE_NOTE}`,
    ``,
    ...restartTable(restart),
    ``,
    machine(process.version),
  ].join("\n");
}
