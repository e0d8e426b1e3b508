/**
 * `npm run bench`: measures the quality bars that are benchmarks rather than tests and records them in
 * docs/benchmarks.md, each benchmark in its own section (replaced in place, other sections kept).
 *
 *   npm run bench                  all benchmarks
 *   npm run bench -- bundles       only the named ones (here: the Lambda bundles of the site)
 *   BENCH_RUNS=31 npm run bench    more cold-import runs (default 21, odd so the median is a run)
 *   npm run bench -- workflow-transitions   state transitions per agreement-year (needs Java 17)
 *   npm run bench -- search-cost   what a text search reads at 100 and 10,000 agreements (needs Java 17)
 *   npm run bench -- agreement-page   the agreement page's server render time among 1,000 agreements (needs Java 17)
 *   npm run bench -- report-form   the weight of each page of the association's report form (needs Java 17)
 *   npm run bench -- page-render   server render of the dashboard and the agreement list, 1,000 agreements (Java 17)
 *   npm run bench -- serving       `npm start` under load: API overhead, scaling to 10,000 agreements, throughput
 *                                  with a CPU profile, start time (about 5 minutes)
 *   npm run bench -- workflow-clock  a year on the local clock over 100 and 1,000 active agreements, and memory;
 *                                  a restart over 10,000 agreements (BENCH_RESTART_AGREEMENTS for fewer)
 *   npm run bench -- sdk-logger    the SDK's logger middleware: raw reads with and without a logger `info()`
 */
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { API_ENTRY, deployedEsbuildOptions, sstEsbuild, WEB_ENTRY } from "../infra/bundling";
import { API_ENVIRONMENT } from "../infra/environment";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import type { StaffPrincipal } from "../functions/api/auth/principal";
import { composeApplication } from "../functions/composition";
import type { Actor, ReportingRequirement } from "../functions/domain/agreement";
import { addDays, stockholmDate, yearOf } from "../functions/domain/dates";
import { luhnCheckDigit } from "../functions/domain/organisation-number";
import { createStores } from "../functions/store/stores";
import { rebuildDashboardEntriesIfOutdated } from "../functions/store/dashboard-entries";
import { recountIfOutdated } from "../functions/store/status-counts";
import { webRoutes } from "../web/routes";
import { MovableClock } from "../functions/local/clock";
import { mammaUnited, umea, type DemoAgreement } from "../functions/local/demo-agreements";
import { createDynamoDbClient, startDynamoDbLocal } from "../functions/local/dynamodb";
import { findFreePort } from "../functions/local/ports";
import { createApp } from "../functions/site";
import { caughtEmails, MailCatcherComponent } from "../functions/local/mail";
import { createLocalWorkflow } from "../functions/local/workflow";
import { runtimeInfoFile, startRuntime, type RuntimeInfo } from "../functions/local/runtime";
import { ASSETS } from "../web/assets";
import { createAgreementStore } from "../functions/store/agreements";
import { createAgreement, runCommand } from "../functions/app/commands";
import { createDraft, transition, type Command } from "../functions/domain/lifecycle";
import { agreementItem, associationLinkItem } from "../functions/store/items";
import { MAX_PAGE_SIZE } from "../functions/store/paging";
import { textIndexEntries, textItem } from "../functions/store/search";
import { batchWriteItems, benchAgreement, writeAgreements } from "./bench/agreements";
import { machine } from "./bench/machine";
import { countReads } from "./bench/read-count";
import { sdkLogger } from "./bench/sdk-logger";
import { clockMoveSection, measureClockMove, measureRestartOver, measureServing, MOVE_SIZES, RESTART_AGREEMENTS, servingSections } from "./bench/serving";
import { ensureTable } from "../functions/store/table";
import { WORKFLOW_ACTOR } from "../functions/workflow/tasks";
import { DEFAULT_WORKFLOW_TIMING } from "../functions/workflow/timing";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPORT = path.join(ROOT, "docs/benchmarks.md");
const run = promisify(execFile);

interface Benchmark {
  /** What `npm run bench -- <id>` runs; also the section id in docs/benchmarks.md when there is one section. */
  id: string;
  /**
   * Runs the benchmark, prints progress, returns the section's markdown (without its markers), or several sections
   * by id when their figures come from one run.
   */
  run(): Promise<string | Record<string, string>>;
}

const BENCHMARKS: Benchmark[] = [
  { id: "bundles", run: siteBundles },
  { id: "workflow-transitions", run: workflowTransitions },
  { id: "search-cost", run: searchCost },
  { id: "agreement-page", run: agreementPage },
  { id: "report-form", run: reportFormWeight },
  { id: "page-render", run: pageRender },
  { id: "serving", run: async () => servingSections(await measureServing()) },
  { id: "workflow-clock", run: workflowClock },
  { id: "sdk-logger", run: sdkLogger },
];

async function workflowClock(): Promise<string> {
  const moves = [];
  for (const agreements of MOVE_SIZES) moves.push(await measureClockMove(agreements));
  return clockMoveSection(moves, await measureRestartOver(RESTART_AGREEMENTS));
}

// ---------------------------------------------------------------------------------------------------------------
// The site's Lambda bundles: size and cold import

const BUNDLE_BUDGET_KB = 300;
const COLD_IMPORT_BUDGET_MS = 100;

interface BundleFigures {
  bytes: number;
  gzipBytes: number;
  median: number;
  min: number;
  max: number;
  version: string;
  contributors: { input: string; kb: number }[];
  /** Bytes of the output by where they come from. */
  origins: Record<BundleOrigin, number>;
}

/** The site's two functions (infra/Api.ts), each bundle measured on its own. */
const SITE_BUNDLES = [
  { name: "JSON API", entry: API_ENTRY },
  { name: "Pages", entry: WEB_ENTRY },
] as const;

/**
 * Bundles a handler as `sst deploy` does (checked byte for byte in test/infra/synth.test.ts), with `external`
 * packages left out of the bundle, and imports it in a fresh process per run, as a Lambda cold start: only the
 * import of the handler module is timed, after one untimed warm-up run. The secrets the handler reads when it is
 * imported come from a stand-in on this machine, so their round trips are in the time, as in Lambda.
 */
async function measureBundle(entry: string, runs: number, external: string[]): Promise<BundleFigures> {
  // Inside the project, so that packages left out of the bundle resolve from its node_modules, as they would from
  // the Lambda runtime's own copy.
  await mkdir(path.join(ROOT, "node_modules/.cache"), { recursive: true });
  const dir = await mkdtemp(path.join(ROOT, "node_modules/.cache/iop-bench-"));
  try {
    const outfile = path.join(dir, entry.replace(/\.ts$/, ".mjs"));
    const esbuild = await sstEsbuild();
    const options = deployedEsbuildOptions(ROOT, entry, outfile);
    const result = await esbuild.build({ ...options, external: [...(options.external ?? []), ...external], absWorkingDir: ROOT });
    const bytes = (await stat(outfile)).size;
    const gzipBytes = gzipSync(await readFile(outfile)).length;

    const env = {
      PATH: process.env.PATH ?? "",
      AWS_REGION: "eu-north-1",
      [API_ENVIRONMENT.tableName]: "bench-table",
      [API_ENVIRONMENT.attachmentsBucket]: "bench-attachments",
      [API_ENVIRONMENT.emailSender]: "noreply@kommun.example",
      [API_ENVIRONMENT.teamMailbox]: "iop@kommun.example",
      [API_ENVIRONMENT.appUrl]: "https://iop.kommun.example",
      [API_ENVIRONMENT.cursorSecretId]: "bench-cursor-secret",
      [API_ENVIRONMENT.signInSecretId]: "bench-sign-in-secret",
      // The handler reads its secrets when it is imported (functions/handlers/secrets.ts): from a stand-in here.
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "bench",
      [API_ENVIRONMENT.oidcIssuer]: "https://login.kommun.example/realms/staff",
      [API_ENVIRONMENT.oidcClientId]: "iop-lifecycle",
      [API_ENVIRONMENT.workflowStateMachineArn]: "arn:aws:states:eu-north-1:123456789012:stateMachine:bench",
    };
    const script = [
      `import http from "node:http";`,
      `const secrets = http.createServer((request, response) => request.resume().on("end", () => response.end(JSON.stringify({ SecretString: "bench-cursor-secret-of-at-least-thirty-two-bytes" }))));`,
      `await new Promise((resolve) => secrets.listen(0, "127.0.0.1", resolve));`,
      `process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = "http://127.0.0.1:" + secrets.address().port;`,
      `const started = performance.now();`,
      `const module = await import(${JSON.stringify(pathToFileURL(outfile).href)});`,
      `const elapsed = performance.now() - started;`,
      `if (typeof module.handler !== "function") throw new Error("the bundle exports no handler function");`,
      `secrets.close();`,
      `process.stdout.write(JSON.stringify({ elapsed, version: process.version }));`,
    ].join("\n");
    const importOnce = async () => {
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { env, cwd: dir });
      return JSON.parse(stdout) as { elapsed: number; version: string };
    };
    const { version } = await importOnce();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await importOnce()).elapsed);
    times.sort((a, b) => a - b);
    const middle = Math.floor(times.length / 2);
    const median = times.length % 2 === 1 ? times[middle]! : (times[middle - 1]! + times[middle]!) / 2;
    const output = bundleOutput(result.metafile!);
    return { bytes, gzipBytes, median, min: times[0]!, max: times.at(-1)!, version, contributors: largestInputs(output, 10), origins: bytesByOrigin(output) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The AWS SDK as the Lambda runtime ships it, for the comparison row. */
const RUNTIME_PROVIDED_SDK = ["@aws-sdk/*", "@smithy/*"];

async function siteBundles(): Promise<string> {
  const runs = Number(process.env.BENCH_RUNS ?? 21);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`BENCH_RUNS must be a positive integer, got ${process.env.BENCH_RUNS}`);
  }
  const measured: { name: string; entry: string; figures: BundleFigures }[] = [];
  for (const { name, entry } of SITE_BUNDLES) measured.push({ name, entry, figures: await measureBundle(entry, runs, []) });
  const apiWithoutSdk = await measureBundle(API_ENTRY, runs, RUNTIME_PROVIDED_SDK);
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  for (const [label, figures] of [...measured.map(({ name, figures }) => [name, figures] as const), ["JSON API, SDK from the runtime", apiWithoutSdk] as const]) {
    console.log(
      `${label} bundle: ${kb(figures.bytes)} KB minified (${kb(figures.gzipBytes)} KB gzipped), budget ${BUNDLE_BUDGET_KB} KB; ` +
        `cold import median ${figures.median.toFixed(1)} ms of ${runs} runs, budget ${COLD_IMPORT_BUDGET_MS} ms`,
    );
  }
  const api = measured[0]!.figures;

  const verdict = (ok: boolean) => (ok ? "within budget" : "**over budget**");
  const row = (label: string, figures: BundleFigures) =>
    `| ${label} | ${kb(figures.bytes)} KB | ${kb(figures.gzipBytes)} KB | ${verdict(figures.bytes / 1024 <= BUNDLE_BUDGET_KB)} | ` +
    `${figures.median.toFixed(1)} ms (${figures.min.toFixed(1)} to ${figures.max.toFixed(1)}) | ` +
    `${verdict(figures.median <= COLD_IMPORT_BUDGET_MS)} |`;
  const breakdown = ({ name, entry, figures }: (typeof measured)[number]) => [
    `${name} (${entry}), by where the bytes come from: the AWS SDK ${kb(figures.origins.sdk)} KB, functions/ ${kb(figures.origins.functions)} KB,`,
    `web/ ${kb(figures.origins.web)} KB, other packages ${kb(figures.origins.other)} KB. Largest inputs:`,
    ``,
    ...figures.contributors.map(({ input, kb: size }) => `- ${input}: ${size.toFixed(1)} KB`),
    ``,
  ];
  return [
    `## Lambda bundles and cold import`,
    ``,
    `The site's two functions (infra/Api.ts): the JSON API on \`/api/*\` and the pages on everything else. Each handler`,
    `bundled as \`sst deploy\` bundles it (sst's own esbuild, minified ESM, target node22, the AWS SDK included with the`,
    `Lambda-only credential provider, see [deploy.md](deploy.md#how-the-functions-are-built)), then imported in a fresh`,
    `\`node\` process per run; the secrets it reads at start come from a stand-in on the machine. Only the \`import()\``,
    `of the handler module is timed, after one untimed warm-up run; cold import is the median of ${runs} runs.`,
    `Budgets: ${BUNDLE_BUDGET_KB} KB minified, ${COLD_IMPORT_BUDGET_MS} ms. 1 KB = 1024 bytes.`,
    ``,
    `| Function | Minified | Gzipped | | Cold import, median (min to max) | |`,
    `| --- | --- | --- | --- | --- | --- |`,
    ...measured.map(({ name, entry, figures }) => row(`${name} (${entry})`, figures)),
    row("For comparison: the JSON API with the SDK left to the Lambda runtime", apiWithoutSdk),
    ``,
    `All rows come from the same run. web/ contributes ${kb(api.origins.web)} KB to the JSON API's bundle (test/infra/synth.test.ts`,
    `checks from esbuild's metafile that it holds no input from web/). Leaving the SDK to the runtime makes a bundle`,
    `smaller but loads the SDK's unminified modules at import; and the runtime's SDK version is not the one the tests`,
    `run against. The deployed bundles keep the SDK.`,
    ``,
    ...measured.flatMap(breakdown),
    machine(api.version),
  ].join("\n");
}

/** The one JavaScript output of a bundle build (the source map is the other). */
function bundleOutput(metafile: import("esbuild").Metafile): import("esbuild").Metafile["outputs"][string] {
  const output = Object.entries(metafile.outputs).find(([name]) => name.endsWith(".mjs"))?.[1];
  if (output === undefined) throw new Error("esbuild reported no .mjs output");
  return output;
}

/** The inputs that contribute most bytes to the output, grouped by package for node_modules. */
function largestInputs(output: import("esbuild").Metafile["outputs"][string], count: number) {
  const byGroup = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const group = packageOf(input) ?? input;
    byGroup.set(group, (byGroup.get(group) ?? 0) + bytesInOutput);
  }
  return [...byGroup.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([input, bytes]) => ({ input, kb: bytes / 1024 }));
}

type BundleOrigin = "sdk" | "functions" | "web" | "other";

function bytesByOrigin(output: import("esbuild").Metafile["outputs"][string]): Record<BundleOrigin, number> {
  const origins: Record<BundleOrigin, number> = { sdk: 0, functions: 0, web: 0, other: 0 };
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = packageOf(input);
    const origin = pkg !== undefined ? (/^@(aws-sdk|smithy|aws)\//.test(pkg) ? "sdk" : "other") : input.startsWith("web/") ? "web" : "functions";
    origins[origin] += bytesInOutput;
  }
  return origins;
}

function packageOf(input: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.split(path.sep).join("/"));
  return match ? `${match[1]} (package)` : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Workflow state transitions per agreement-year

const TRANSITIONS_BUDGET_PER_YEAR = 25;
const MS_PER_YEAR = 365.25 * 86_400_000;

interface LifeScenario {
  name: string;
  demo: DemoAgreement;
  /** Replaces the reporting requirements once the agreement is approved (submitting needs at least one). */
  reportingRequirementsOnceApproved?: ReportingRequirement[];
}

const LIFE_SCENARIOS: LifeScenario[] = [
  { name: "Mamma United, as in the demo data (two reporting requirements)", demo: mammaUnited },
  { name: "Mamma United without reporting requirements once approved", demo: mammaUnited, reportingRequirementsOnceApproved: [] },
];

/**
 * An agreement's whole life on the local engine, with the deployed timing: its staff steps (submit, decide) at
 * their dates, and in between the clock stepped from one wake-up to the next, as Step Functions' timers would.
 * Ends when the agreement's execution ends. Transitions are the engine's StateEntered events.
 */
async function simulateLife(endpoint: string, scenario: LifeScenario) {
  const dynamoDb = createDynamoDbClient(endpoint);
  const tableName = `bench-${randomUUID()}`;
  await ensureTable(dynamoDb, tableName);
  const client = DynamoDBDocumentClient.from(dynamoDb);
  const store = createAgreementStore({ client, tableName, cursorSecret: randomBytes(32) });
  const mail = new MailCatcherComponent({ port: 0, host: "127.0.0.1" });
  await mail.start();
  const emailsBefore = (await caughtEmails(mail.url)).length;
  const ses = mail.sesConnection();
  const clock = new MovableClock(new Date(scenario.demo.createdAt), () => 0);
  const engine = createLocalWorkflow({
    client,
    tableName,
    agreements: store,
    clock,
    ses,
    appUrl: "http://localhost:3000",
    mail: { sender: "iop-noreply@example.se", teamMailbox: "iop-team@example.se", language: "sv" },
    warn: (line) => console.warn(line),
    timing: DEFAULT_WORKFLOW_TIMING,
  });
  await engine.start();
  const stepTo = async (instant: Date) => {
    for (let next = engine.nextWakeAt(); next !== null && next <= instant; next = engine.nextWakeAt()) {
      if (next > clock.now()) clock.moveTo(next);
      await engine.wakeDue();
    }
    if (instant > clock.now()) clock.moveTo(instant);
  };
  try {
    const id = scenario.demo.id;
    await createAgreement(store, { id, content: scenario.demo.content, actor: scenario.demo.steps[0]!.actor, now: clock.now() });
    let startedAt: Date | null = null;
    // The workflow takes its own steps (activate); staff's are replayed, each followed by what the API would call.
    for (const step of scenario.demo.steps.filter((candidate) => candidate.actor.id !== WORKFLOW_ACTOR.id)) {
      await stepTo(new Date(step.at));
      await runCommand(store, { agreementId: id, command: step.command, actor: step.actor, now: clock.now() });
      if (step.command.type === "submit") {
        startedAt ??= clock.now();
        await engine.ensureRunning(id);
      } else {
        await engine.decisionRecorded(id);
        const reportingRequirements = scenario.reportingRequirementsOnceApproved;
        if (reportingRequirements !== undefined) {
          await runCommand(store, { agreementId: id, command: { type: "update", changes: { reportingRequirements } }, actor: step.actor, now: clock.now() });
        }
      }
      await engine.settled();
    }
    while (engine.hasExecution(id)) {
      const next = engine.nextWakeAt();
      if (next === null) throw new Error(`The execution of ${id} neither waits nor ends`);
      await stepTo(next);
      await engine.wakeDue();
    }
    const log = engine.eventLog(id);
    const transitions = log.filter((event) => event.type === "StateEntered").length;
    const years = (clock.now().getTime() - startedAt!.getTime()) / MS_PER_YEAR;
    return {
      name: scenario.name,
      from: stockholmDate(startedAt!),
      to: stockholmDate(clock.now()),
      years,
      transitions,
      generations: new Set(log.map((event) => event.execution)).size,
      emails: (await caughtEmails(mail.url)).length - emailsBefore,
    };
  } finally {
    await engine.stop();
    await mail.stop();
    dynamoDb.destroy();
  }
}

async function workflowTransitions(): Promise<string> {
  const dynamoDb = await startDynamoDbLocal({ dataDir: null });
  const lives = [];
  try {
    for (const scenario of LIFE_SCENARIOS) lives.push(await simulateLife(dynamoDb.endpoint, scenario));
  } finally {
    await dynamoDb.stop();
  }
  const verdict = (perYear: number) => (perYear <= TRANSITIONS_BUDGET_PER_YEAR ? "within budget" : "**over budget**");
  for (const life of lives) {
    console.log(`workflow: ${life.name}: ${life.transitions} transitions in ${life.years.toFixed(2)} years, ${(life.transitions / life.years).toFixed(1)} a year`);
  }
  const { maxWaitDays, decisionTimeoutDays, generationDays } = DEFAULT_WORKFLOW_TIMING;
  return [
    `## Workflow state transitions`,
    ``,
    `An agreement's whole life run through functions/workflow/agreement.asl.json on the local engine with the`,
    `deployed timing (maximum wait ${maxWaitDays} days, decision timeout ${decisionTimeoutDays} days, continue-as-new after`,
    `${generationDays} days): staff's steps at the demo agreement's dates (submitted 2023-12-05, approved 2024-01-18), and in`,
    `between the clock stepped to each execution's next wake-up, as Step Functions' timers would. State transitions are`,
    `the StateEntered events of the engine's event log, over every generation; a year is counted from the submission`,
    `to the end of the last execution (the last reminder, or the expiry). See [workflow.md](workflow.md).`,
    ``,
    `| Agreement | Life | Transitions | Generations | Emails | Per year | Budget | |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...lives.map((life) => {
      const perYear = life.transitions / life.years;
      return (
        `| ${life.name} | ${life.from} to ${life.to} (${life.years.toFixed(2)} years) | ${life.transitions} | ` +
        `${life.generations} | ${life.emails} | ${perYear.toFixed(1)} | ${TRANSITIONS_BUDGET_PER_YEAR} | ${verdict(perYear)} |`
      );
    }),
    ``,
    machine(process.version),
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// What a text search reads

const SEARCH_TABLE_SIZES = [100, 10_000];
/** Agreements whose title holds the word searched for, at every table size. */
const SEARCH_MATCHES = 10;
const SEARCH_TERM = "mattel";
/** Title words: many share the two-character bucket "ma" with the term, as Swedish titles do. */
const TITLE_WORDS = ["Matlagning", "Mammor", "Malmö", "Mötesplats", "Läxhjälp", "Idrott", "Kultur", "Marknad", "Språkcafé", "Maskinpark"];


/** `total` agreements in draft; `SEARCH_MATCHES` of them, spread over the ids, carry "Mattelyft". */
async function loadSearchTable(client: DynamoDBDocumentClient, tableName: string, total: number): Promise<void> {
  const agreements = [];
  for (let index = 0; index < total; index++) {
    const match = index % Math.floor(total / SEARCH_MATCHES) === 0;
    const title = `${match ? "Mattelyft" : TITLE_WORDS[index % TITLE_WORDS.length]} ${TITLE_WORDS[(index * 7) % TITLE_WORDS.length]} ${index}`;
    agreements.push(benchAgreement(`agr-${String(index).padStart(5, "0")}`, { title, status: "draft" }));
  }
  await writeAgreements(client, tableName, agreements);
}

async function searchCost(): Promise<string> {
  const dynamoDbLocal = await startDynamoDbLocal({ dataDir: null });
  const rows = [];
  try {
    for (const total of SEARCH_TABLE_SIZES) {
      const dynamoDb = createDynamoDbClient(dynamoDbLocal.endpoint);
      const tableName = `bench-${randomUUID()}`;
      await ensureTable(dynamoDb, tableName);
      const client = DynamoDBDocumentClient.from(dynamoDb);
      await loadSearchTable(client, tableName, total);
      const reads = countReads(dynamoDb);
      const store = createAgreementStore({ client, tableName, cursorSecret: randomBytes(32) });

      const first = await store.search({ text: SEARCH_TERM }, { limit: 25 });
      const firstPage = reads.take();
      // What the CSV export of the search reads (functions/app/exports.ts): every page of 100.
      const started = performance.now();
      let found = 0;
      let cursor: string | null = null;
      do {
        const page = await store.search({ text: SEARCH_TERM }, { limit: MAX_PAGE_SIZE, cursor });
        found += page.items.length;
        cursor = page.cursor;
      } while (cursor !== null);
      const exportMs = performance.now() - started;
      const all = reads.take();
      dynamoDb.destroy();
      console.log(
        `search-cost: ${total} agreements: first page ${first.items.length} of ${SEARCH_MATCHES} (cursor ${first.cursor === null ? "none" : "yes"}), ` +
          `${firstPage.items} items / ${firstPage.units} units; all matches ${found}: ${all.queries} queries + ${all.batchGets} batch gets, ` +
          `${all.items} items, ${all.units} units, ${exportMs.toFixed(0)} ms`,
      );
      rows.push({ total, first, firstPage, found, all, exportMs });
    }
  } finally {
    await dynamoDbLocal.stop();
  }
  const units = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  return [
    `## What a text search reads`,
    ``,
    `A search for "${SEARCH_TERM}" (\`GET /api/agreements?q=${SEARCH_TERM}\`) in tables of ${SEARCH_TABLE_SIZES.map((n) => n.toLocaleString("en")).join(" and ")}`,
    `agreements, ${SEARCH_MATCHES} of which have "Mattelyft" in the title; the other titles are drawn from words of which most`,
    `share its two-character bucket "ma". Counted on DynamoDB Local with \`ReturnConsumedCapacity\` on every read the`,
    `store sends: the first page (limit 25), then every match in pages of 100 as the CSV export reads them. The`,
    `agreements are loaded as the store writes them (agreement, association link, text index entries). The cost model`,
    `is in [data-model.md](data-model.md#the-text-index).`,
    ``,
    `| Agreements | First page | Cursor | First page: items read, units | All matches: Queries + BatchGets | Items read | Read units | Time |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...rows.map(
      (row) =>
        `| ${row.total.toLocaleString("en")} | ${row.first.items.length} of ${SEARCH_MATCHES} | ${row.first.cursor === null ? "none" : "yes"} | ` +
        `${row.firstPage.items}, ${units(row.firstPage.units)} | ${row.all.queries} + ${row.all.batchGets} | ${row.all.items} | ${units(row.all.units)} | ${row.exportMs.toFixed(0)} ms |`,
    ),
    ``,
    `For comparison, the first format of the index (one entry per two-character bucket, read whole and filtered)`,
    `read the whole bucket of the term: for a word found in 10 of 10,000 agreements, 3,243 entries of \`TEXT#ma\`;`,
    `the first page held 1 of the 10 matches and a cursor, and the CSV export read 140 units in 33 Queries +`,
    `10 BatchGets, against 12 units at 100 agreements.`,
    ``,
    machine(process.version),
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Server render of the dashboard and the agreement list

const RENDER_TABLE_SIZE = 1_000;
const RENDER_RUNS = 21;
/** The day the pages are rendered on. */
const RENDER_NOW = new Date("2026-03-01T10:00:00Z");
const RENDER_PAGES = [
  { name: "Dashboard (`/`)", path: "/" },
  { name: "Agreement list, first page (`/agreements`)", path: "/agreements" },
  { name: "Agreement list, active, ending within 90 days", path: "/agreements?status=active&endsBefore=2026-05-31" },
];

/** Where agreement `index` of the render table is in its life: most in force or ended, some on their way. */
function renderTableStage(index: number): "draft" | "proposed" | "approved" | "active" | "expired" {
  const slot = index % 20;
  return slot < 2 ? "draft" : slot < 4 ? "proposed" : slot < 5 ? "approved" : slot < 13 ? "active" : "expired";
}

/**
 * `total` agreements as the store writes them, each brought to its stage by the lifecycle itself: in force ones
 * end over the next three years, half with a notice period, each with a report due in the year.
 */
async function loadRenderTable(client: DynamoDBDocumentClient, tableName: string, total: number): Promise<void> {
  const base = mammaUnited.content;
  const [submitStep, decideStep, activateStep] = mammaUnited.steps;
  const items: Record<string, unknown>[] = [];
  for (let index = 0; index < total; index++) {
    const id = `agr-${String(index).padStart(5, "0")}`;
    const stage = renderTableStage(index);
    const end = stage === "expired" ? addDays("2025-12-31", -(index % 700)) : addDays(stage === "approved" ? "2026-06-01" : "2026-03-01", (index * 37) % 1_100);
    const start = stage === "approved" ? "2026-06-01" : "2024-01-01";
    const reportDue = addDays("2026-03-01", ((index * 13) % 90) - 45);
    const nine = `80${String(index).padStart(7, "0")}`;
    const content = {
      ...base,
      title: `${TITLE_WORDS[index % TITLE_WORDS.length]} ${TITLE_WORDS[(index * 7) % TITLE_WORDS.length]} ${index}`,
      associations: [{ ...base.associations![0]!, organisationNumber: `${nine.slice(0, 6)}-${nine.slice(6)}${luhnCheckDigit(nine)}` }],
      period: { start, end },
      budget: Array.from({ length: yearOf(end) - yearOf(start) + 1 }, (_, year) => ({ year: yearOf(start) + year, amountSek: 100_000 })),
      noticePeriodMonths: index % 2 === 0 ? 6 : null,
      reportingRequirements: [{ id: "verksamhet", kind: "activity" as const, description: "", dueDates: [reportDue < start || reportDue > end ? end : reportDue] }],
    };
    const steps: { at: Date; actor: Actor; command: Command }[] = [];
    // Staff's and the workflow's steps at the demo agreement's dates.
    for (const step of [submitStep!, decideStep!, activateStep!].slice(0, { draft: 0, proposed: 1, approved: 2, active: 3, expired: 3 }[stage])) {
      steps.push({ at: new Date(step.at), actor: step.actor, command: step.command });
    }
    if (stage === "expired") steps.push({ at: RENDER_NOW, actor: activateStep!.actor, command: { type: "expire" } });
    const created = createDraft(id, content, submitStep!.actor, new Date("2023-11-20T10:00:00Z"));
    if (!created.ok) throw new Error(created.error.message);
    let agreement = created.agreement;
    for (const step of steps) {
      const result = transition(agreement, step.command, step.actor, step.at, { sameAssociation: [] });
      if (!result.ok) throw new Error(`${id}: ${step.command.type} refused: ${result.error.message}`);
      agreement = result.agreement;
    }
    items.push(agreementItem(agreement), ...(agreement.associations ?? []).map((association) => associationLinkItem(association.organisationNumber, id)));
    items.push(...[...textIndexEntries(agreement)].map(([word, shared]) => textItem(word, id, shared, agreement.version)));
  }
  await batchWriteItems(client, tableName, items);
}

async function pageRender(): Promise<string> {
  const dynamoDbLocal = await startDynamoDbLocal({ dataDir: null });
  const rows = [];
  try {
    const dynamoDb = createDynamoDbClient(dynamoDbLocal.endpoint);
    const tableName = `bench-${randomUUID()}`;
    await ensureTable(dynamoDb, tableName);
    const client = DynamoDBDocumentClient.from(dynamoDb);
    await loadRenderTable(client, tableName, RENDER_TABLE_SIZE);
    const stores = createStores({ client, tableName, cursorSecret: randomBytes(32) });
    // The items were written directly, not through applyChanges: fill in what the dashboard reads, as a start does.
    await rebuildDashboardEntriesIfOutdated(client, tableName, (request) => stores.agreements.listByStatus("active", request));
    await recountIfOutdated(client, tableName, (status) => stores.agreements.countByStatus(status), (request) => stores.agreements.listByStatus("active", request));
    const unused = { region: "eu-north-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } };
    const application = composeApplication(
      {
        attachments: { client: new S3Client({ ...unused, forcePathStyle: true }), bucket: "bench" },
        email: { clientConfig: unused, from: "noreply@kommun.example", language: "sv", teamMailbox: "iop@kommun.example" },
        clock: { now: () => new Date(RENDER_NOW) },
        appOrigin: "https://iop.kommun.example",
        log: () => {},
        newId: randomUUID,
      },
      stores,
      { ensureRunning: async () => {}, decisionRecorded: async () => {}, agreementChanged: async () => {} },
    );
    const principal: StaffPrincipal = { subject: "bench", email: "editor@example.se", roles: ["viewer"], via: "session" };
    const pages = webRoutes({
      application,
      authenticate: async () => principal,
      appOrigin: "https://iop.kommun.example",
      clientAddress: () => "192.0.2.1",
      log: () => {},
      afterResponse: () => {},
    });
    const reads = countReads(dynamoDb);
    for (const { name, path: pagePath } of RENDER_PAGES) {
      const render = async () => {
        const started = performance.now();
        const response = await pages.request(`https://iop.kommun.example${pagePath}`);
        const html = await response.text();
        if (response.status !== 200) throw new Error(`${pagePath} answered ${response.status}: ${html.slice(0, 200)}`);
        return { ms: performance.now() - started, bytes: Buffer.byteLength(html) };
      };
      await render();
      reads.take();
      const { bytes } = await render();
      const read = reads.take();
      const times: number[] = [];
      for (let run = 0; run < RENDER_RUNS; run++) times.push((await render()).ms);
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      console.log(`page-render: ${name}: median ${median.toFixed(1)} ms, ${read.queries} queries + ${read.batchGets} batch gets, ${read.items} items, ${bytes} bytes`);
      rows.push({ name, median, min: times[0]!, max: times.at(-1)!, read, bytes });
    }
    dynamoDb.destroy();
  } finally {
    await dynamoDbLocal.stop();
  }
  const units = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  const counts = Object.fromEntries(["draft", "proposed", "approved", "active", "expired"].map((stage) => [stage, 0]));
  for (let index = 0; index < RENDER_TABLE_SIZE; index++) counts[renderTableStage(index)]! += 1;
  return [
    `## Server render of the dashboard and the agreement list`,
    ``,
    `The pages rendered by the app's own routes (web/routes/dashboard.tsx) on ${RENDER_NOW.toISOString().slice(0, 10)}, from a request to the`,
    `last byte of HTML, DynamoDB Local's reads included, with ${RENDER_TABLE_SIZE.toLocaleString("en")} agreements in the table`,
    `(${Object.entries(counts).map(([stage, count]) => `${count} ${stage}`).join(", ")}): those in force end over the next three years,`,
    `half of them with a notice period, each with a report due within 45 days either side of the day. Median of ${RENDER_RUNS} renders`,
    `after one warm-up; reads counted with \`ReturnConsumedCapacity\` on one render. What each figure reads is in`,
    `[data-model.md](data-model.md#what-the-dashboard-reads).`,
    ``,
    `| Page | Render, median (min to max) | Queries + BatchGets | Items read | Read units | HTML |`,
    `| --- | --- | --- | --- | --- | --- |`,
    ...rows.map(
      (row) =>
        `| ${row.name} | ${row.median.toFixed(1)} ms (${row.min.toFixed(1)} to ${row.max.toFixed(1)}) | ${row.read.queries} + ${row.read.batchGets} | ` +
        `${row.read.items} | ${units(row.read.units)} | ${(row.bytes / 1024).toFixed(1)} KB |`,
    ),
    ``,
    `Most of the dashboard's reads are the three counts of active agreements ending within 180, 90 and 30 days`,
    `(\`Select: COUNT\` on byStatus, which reads what it counts); the totals per status are one \`Query\` of their`,
    `counters (functions/store/status-counts.ts), the reports one \`Query\` each of the report schedule.`,
    ``,
    machine(process.version),
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// The agreement page's server render time

const PAGE_TABLE_SIZE = 1_000;
const PAGE_RUNS = 51;

/**
 * The agreement page (`GET /agreements/{id}`) answered in-process by the app as deployed, on DynamoDB Local with
 * 1,000 agreements in the table: its reads (the agreement, its audit trail, reports, invitations, undeliverable
 * addresses) and the render. The Umeå agreement is set up through the use cases with its history (created,
 * submitted, approved, a sub-effort changed), so the page has its board and timeline.
 */
async function agreementPage(): Promise<string> {
  const dynamoDbLocal = await startDynamoDbLocal({ dataDir: null });
  try {
    const dynamoDb = createDynamoDbClient(dynamoDbLocal.endpoint);
    const tableName = `bench-${randomUUID()}`;
    await ensureTable(dynamoDb, tableName);
    const client = DynamoDBDocumentClient.from(dynamoDb);
    await loadSearchTable(client, tableName, PAGE_TABLE_SIZE - 1);
    const stores = createStores({ client, tableName, cursorSecret: randomBytes(32) });
    const noWorkflow = { ensureRunning: async () => {}, decisionRecorded: async () => {}, agreementChanged: async () => {} };
    const offline = { region: "eu-north-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } };
    const clock = new MovableClock(new Date("2026-03-01T10:00:00Z"), () => 0);
    let nextId = 1;
    const application = composeApplication(
      {
        attachments: { client: new S3Client({ ...offline, forcePathStyle: true }), bucket: "bench" },
        email: { clientConfig: offline, from: "iop-noreply@example.se", language: "sv", teamMailbox: "iop-team@example.se" },
        clock,
        appOrigin: "http://localhost:3000",
        log: () => {},
        newId: () => `umea-${nextId++}`,
      },
      stores,
      noWorkflow,
    );
    const staff = (roles: StaffPrincipal["roles"]): StaffPrincipal => ({ subject: roles[0]!, email: `${roles[0]}@example.se`, roles, via: "bearer" });
    const [editor, registrar] = [staff(["editor"]), staff(["registrar"])];
    const content = { ...umea.content, period: { start: "2026-01-01", end: "2027-12-31" }, budget: [{ year: 2026, amountSek: 650_000 }, { year: 2027, amountSek: 650_000 }] };
    content.reportingRequirements = [{ id: "aktivitetsplan", kind: "activity", description: "Aktivitetsplan", dueDates: ["2026-06-30", "2026-12-31"] }];
    const draft = await application.agreements.create(editor, content);
    await application.agreements.submit(editor, { agreementId: draft.id });
    const approved = await application.agreements.decide(registrar, {
      agreementId: draft.id,
      decision: { outcome: "approved", date: "2026-02-12", body: "Kommunstyrelsen", diaryNumber: "KS 2026/17", minuteReference: "§ 9" },
    });
    const subEfforts = approved.subEfforts!.map((effort) => ({ ...effort, activityStatus: "started" as const }));
    await application.agreements.update(editor, { agreementId: draft.id, changes: { subEfforts } });

    const app = createApp({
      application,
      checkHealth: async () => ({ ok: true, components: {} }),
      appOrigin: "http://localhost:3000",
      authenticate: async () => editor,
      clientAddress: () => "127.0.0.1",
      log: () => {},
      docsAssetsDir: ROOT,
    });
    const render = async () => {
      const started = performance.now();
      const response = await app.request(`http://localhost:3000/agreements/${draft.id}`);
      const html = await response.text();
      if (response.status !== 200) throw new Error(`The agreement page answered ${response.status}`);
      return { ms: performance.now() - started, bytes: Buffer.byteLength(html) };
    };
    const { bytes } = await render();
    const times: number[] = [];
    for (let run = 0; run < PAGE_RUNS; run++) times.push((await render()).ms);
    dynamoDb.destroy();
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(`agreement-page: ${PAGE_TABLE_SIZE} agreements: median ${median.toFixed(1)} ms of ${PAGE_RUNS} (${times[0]!.toFixed(1)} to ${times.at(-1)!.toFixed(1)}), ${bytes} bytes of HTML`);
    return [
      `## The agreement page's server render time`,
      ``,
      `\`GET /agreements/{id}\` answered in-process by the app (functions/api/app.ts, the pages of web/routes/agreement.tsx)`,
      `on DynamoDB Local with ${PAGE_TABLE_SIZE.toLocaleString("en")} agreements in the table, from the request to the last byte of`,
      `HTML: the reads through the use cases (the agreement, its audit trail, reminders, reports, invitations,`,
      `undeliverable addresses) and the render. The agreement is Umeå's activity plan set up through the use cases (created, submitted,`,
      `approved, its sub-efforts changed), so the page has its board and its timeline. Median of ${PAGE_RUNS} runs after`,
      `one warm-up run. The page's reads are by key, so the table's size does not enter into them. The spread`,
      `between min and max is the machine's other work (a shared machine; DynamoDB Local is a Java process).`,
      ``,
      `| Agreements in the table | Median | Min to max | HTML |`,
      `| --- | --- | --- | --- |`,
      `| ${PAGE_TABLE_SIZE.toLocaleString("en")} | ${median.toFixed(1)} ms | ${times[0]!.toFixed(1)} to ${times.at(-1)!.toFixed(1)} ms | ${(bytes / 1024).toFixed(1)} KB |`,
      ``,
      machine(process.version),
    ].join("\n");
  } finally {
    await dynamoDbLocal.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The association's report form: the weight of each page

const PAGE_BUDGET_KB = 60;
const SCRIPT_BUDGET_KB = 10;

/**
 * Starts the embedded runtime on an empty data directory, lets an officer invite a contact to a decided Mamma
 * United agreement's report, fills the report in through the API, and weighs every page of the form as a browser
 * loads it: the HTML and the stylesheet and script it links, uncompressed, as test/support/browser.ts pageWeight.
 */
async function reportFormWeight(): Promise<string> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "iop-bench-report-"));
  const runtime = await startRuntime({
    dataDir,
    port: await findFreePort(),
    host: "127.0.0.1",
    tableName: "iop",
    progress: (line) => console.log(line),
    warn: (line) => console.warn(line),
    demoData: false,
    mailPort: 0,
  });
  try {
    const { url, mail } = JSON.parse(await readFile(runtimeInfoFile(dataDir), "utf8")) as RuntimeInfo;
    const json = { "Content-Type": "application/json" };
    const bearer = async (email: string) => {
      const answer = await fetch(`${url}/api/dev/token`, { method: "POST", headers: json, body: JSON.stringify({ email }) });
      return { Authorization: `Bearer ${((await answer.json()) as { token: string }).token}` };
    };
    const editor = await bearer("editor@example.se");
    const call = async (target: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
      const response = await fetch(`${url}${target}`, {
        method: init.method ?? "POST",
        headers: { ...(init.body === undefined ? {} : json), ...init.headers },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      if (!response.ok) throw new Error(`${target} answered ${response.status}: ${await response.text()}`);
      return response;
    };
    const { id } = (await (await call("/api/agreements", { headers: editor, body: mammaUnited.content })).json()) as { id: string };
    await call(`/api/agreements/${id}/submit`, { headers: editor });
    await call(`/api/agreements/${id}/decision`, {
      headers: await bearer("registrar@example.se"),
      body: { outcome: "approved", date: "2024-01-18", body: "Kultur-, idrotts- och fritidsnämnden", diaryNumber: "KIFN 2023/412", minuteReference: "Protokoll 2024-01-18 § 7" },
    });
    const contact = "kassor@mammaunited.example.se";
    await call(`/api/agreements/${id}/invitations`, { headers: editor, body: { requirementId: "verksamhet", dueDate: "2027-03-31", email: contact } });
    const emails = await caughtEmails(mail.url);
    const token = /\/report\/([\w-]{43})/.exec(emails.filter((email) => email.destination.to.includes(contact)).at(-1)?.body.text ?? "")?.[1];
    if (token === undefined) throw new Error("No report link was mailed");
    await call(`/api/report-links/${token}/draft`, {
      method: "PUT",
      body: {
        activities: [{ description: "Språkcafé varje tisdag i Bäckby" }, { description: "Föräldragrupper med 8 träffar" }],
        peopleReached: 214,
        outcomes: [{ goal: "Fler mammor i arbete eller studier", outcome: "17 deltagare började studera eller fick arbete" }],
        money: { receivedSek: 450_000, spentSek: 431_250 },
        comments: "",
      },
    });

    const weigh = async (target: string, headers: Record<string, string> = {}) => {
      const html = await (await fetch(`${url}${target}`, { headers })).text();
      const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
      const assetBytes = await Promise.all(assets.map(async (asset) => (await (await fetch(`${url}${asset}`)).arrayBuffer()).byteLength));
      return { html: Buffer.byteLength(html), assets: assetBytes.reduce((sum, size) => sum + size, 0) };
    };
    const pages: [string, string, Record<string, string>?][] = [
      ["Start", `/report/${token}`],
      ...(["activities", "people", "outcomes", "money", "comments", "attachments", "check"] as const).map((step): [string, string] => [`Step: ${step}`, `/report/${token}/${step}`]),
      ["A link that does not work", `/report/${"A".repeat(43)}`],
    ];
    const rows: string[] = [];
    const measure = async (name: string, target: string, headers?: Record<string, string>) => {
      const { html, assets } = await weigh(target, headers);
      const total = (html + assets) / 1024;
      rows.push(`| ${name} | ${(html / 1024).toFixed(1)} KB | ${(assets / 1024).toFixed(1)} KB | ${total.toFixed(1)} KB | ${total <= PAGE_BUDGET_KB ? "within budget" : "**over budget**"} |`);
    };
    for (const [name, target] of pages) await measure(name, target);
    await call(`/api/report-links/${token}/submit`);
    await measure("Receipt", `/report/${token}/receipt`);
    await measure("Staff: the report and its review form", `/reports/2027-03-31_verksamhet?agreement=${id}`, editor);
    const script = ASSETS.script.body.byteLength / 1024;
    return [
      "## The association's report form: page weight",
      "",
      "Each page of the form at `/report/<token>`, and staff's page of the report, as the embedded runtime serves it",
      "(`npm start`'s components, an empty table): a decided Mamma United agreement, a contact invited, the report",
      "filled in through the API (two activities, one outcome), then submitted for the receipt and staff's page.",
      "Weight is the page's HTML and the stylesheet and script it links, uncompressed, as a browser first loads it",
      `(the assets are then cached for a year). Budgets: ${PAGE_BUDGET_KB} KB a page, ${SCRIPT_BUDGET_KB} KB for the script. 1 KB = 1024 bytes.`,
      "",
      "| Page | HTML | Stylesheet + script | Total | |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
      "",
      `The one script (web/assets/script.ts: the error summary's focus, the attachments' direct upload with its`,
      `progress bar, the receipt's print button) is ${script.toFixed(1)} KB uncompressed, ${(ASSETS.script.gzipped.byteLength / 1024).toFixed(1)} KB gzipped:`,
      `${script <= SCRIPT_BUDGET_KB ? "within" : "**over**"} the ${SCRIPT_BUDGET_KB} KB budget. The stylesheet is ${(ASSETS.stylesheet.body.byteLength / 1024).toFixed(1)} KB.`,
      "",
      machine(process.version),
    ].join("\n");
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const HEADER = `# Benchmarks

The quality bars in the design brief that are measured rather than tested. \`npm run bench\` runs them and rewrites
its own sections of this file (between the \`bench:<id>\` markers); anything outside the markers is kept.
Figures depend on the machine, which each section names. Tests never assert on timings.
`;

async function writeSection(id: string, body: string): Promise<void> {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${start}\n${body.trimEnd()}\n${end}`;
  let report = await readFile(REPORT, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return HEADER;
    throw error;
  });
  const from = report.indexOf(start);
  const to = report.indexOf(end);
  if (from !== -1 && to > from) {
    report = report.slice(0, from) + block + report.slice(to + end.length);
  } else {
    report = `${report.trimEnd()}\n\n${block}\n`;
  }
  await writeFile(REPORT, report);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((id) => !BENCHMARKS.some((benchmark) => benchmark.id === id));
  if (unknown.length > 0) {
    throw new Error(`Unknown benchmark ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.id).join(", ")}`);
  }
  for (const benchmark of BENCHMARKS) {
    if (wanted.length > 0 && !wanted.includes(benchmark.id)) continue;
    const sections = await benchmark.run();
    for (const [id, body] of Object.entries(typeof sections === "string" ? { [benchmark.id]: sections } : sections)) await writeSection(id, body);
  }
  console.log(`written to ${path.relative(process.cwd(), REPORT)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
