// Issue item 3, the database goes away: a DynamoDB Local of its own (its data on disk) under a steady load of reads
// and writes through the app, stopped outright for a while and started again on the same port. Requests in that
// window fail cleanly (503 problem+json with Retry-After, well inside the API function's timeout), the same app
// serves again once the database is back, and no write is half applied: each agreement's audit trail has exactly
// one event per version.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../functions/site";
import { PROBLEM_MEDIA_TYPE, problemSchema } from "../../functions/api/problems";
import type { Agreement } from "../../functions/domain/agreement";
import { createDynamoDbClient, startDynamoDbLocal, type DynamoDbLocal } from "../../functions/local/dynamodb";
import { findFreePort } from "../../functions/local/ports";
import { createAgreementStore } from "../../functions/store/agreements";
import { ensureTable } from "../../functions/store/table";
import { appDependenciesForTests, TEST_CURSOR_SECRET } from "../support/api";
import type { TestTable } from "../support/dynamo";
import { startTestAuth, TEST_APP_ORIGIN, type TestAuth } from "../support/tokens";
import { recordFigure, scaled } from "./scale";

/** The API function's timeout (infra/Api.ts): a request that takes longer has failed, however it would have ended. */
const LAMBDA_TIMEOUT_MS = 20_000;
const OUTAGE_MS = scaled({ ci: 5_000, full: 10_000 });
const CLIENTS = scaled({ ci: 4, full: 8 });
const RECOVERY_DEADLINE_MS = 60_000;

interface Outcome {
  kind: "read" | "write";
  status: number;
  ms: number;
  startedAt: number;
  problem: boolean;
  retryAfter: string | null;
}

let dataDir: string;
let port: number;
let dynamoDb: DynamoDbLocal;
let table: TestTable;
let auth: TestAuth;
let app: ReturnType<typeof createApp>;
let bearer: Record<string, string>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "iop-outage-"));
  port = await findFreePort();
  dynamoDb = await startDynamoDbLocal({ dataDir, port });
  const client = createDynamoDbClient(dynamoDb.endpoint);
  const tableName = "iop";
  await ensureTable(client, tableName);
  const documentClient = DynamoDBDocumentClient.from(client);
  table = {
    tableName,
    client,
    documentClient,
    agreements: createAgreementStore({ client: documentClient, tableName, cursorSecret: TEST_CURSOR_SECRET }),
    dispose: async () => client.destroy(),
  };
  auth = await startTestAuth(table);
  app = createApp(appDependenciesForTests(table, { authenticate: auth.auth.authenticate }));
  bearer = await auth.bearer("editor");
});

afterAll(async () => {
  await auth?.stop();
  await table?.dispose();
  await dynamoDb?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function send(kind: Outcome["kind"], target: string, init: RequestInit = {}): Promise<Outcome & { body: string; etag: string | null }> {
  const startedAt = Date.now();
  const response = await app.request(new URL(target, TEST_APP_ORIGIN).toString(), { ...init, headers: { ...bearer, ...(init.headers as Record<string, string>) } });
  const body = await response.text();
  const isProblem = (response.headers.get("Content-Type") ?? "").startsWith(PROBLEM_MEDIA_TYPE) && problemSchema.safeParse(JSON.parse(body || "null")).success;
  return { kind, status: response.status, ms: Date.now() - startedAt, startedAt, problem: isProblem, retryAfter: response.headers.get("Retry-After"), body, etag: response.headers.get("ETag") };
}

/** One client: reads its agreement and the list, and renames its agreement with the version it read, until told to stop. */
async function client(agreementId: string, until: { stopped: boolean }, outcomes: Outcome[]): Promise<void> {
  for (let round = 0; !until.stopped; round++) {
    const read = await send("read", `/api/agreements/${agreementId}`);
    outcomes.push(read);
    outcomes.push(await send("read", "/api/agreements?limit=5"));
    if (read.status !== 200 || read.etag === null) {
      await sleep(50);
      continue;
    }
    outcomes.push(
      await send("write", `/api/agreements/${agreementId}`, {
        method: "PATCH",
        headers: { "If-Match": read.etag, "Content-Type": "application/json" },
        body: JSON.stringify({ title: `Omgång ${round}` }),
      }),
    );
  }
}

describe("the database goes away", () => {
  it(`answers every request while DynamoDB is stopped for ${OUTAGE_MS / 1000} s with 503 problem+json and Retry-After, within the Lambda timeout; recovers without a restart; no write half applied`, async () => {
    const ids: string[] = [];
    for (let index = 0; index < CLIENTS; index++) {
      const created = await send("write", "/api/agreements", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ title: `Avtal ${index}` }) });
      expect(created.status, created.body).toBe(201);
      ids.push((JSON.parse(created.body) as Agreement).id);
    }
    const outcomes: Outcome[] = [];
    const until = { stopped: false };
    const load = Promise.all(ids.map((id) => client(id, until, outcomes)));

    await sleep(1_000);
    const stoppedAt = Date.now();
    await dynamoDb.stop();
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    const restartAt = Date.now();
    dynamoDb = await startDynamoDbLocal({ dataDir, port });
    const upAt = Date.now();
    // Served again by the same app: the first successful read after the database answers again.
    let recoveredAt: number | null = null;
    while (recoveredAt === null && Date.now() - upAt < RECOVERY_DEADLINE_MS) {
      if ((await send("read", `/api/agreements/${ids[0]}`)).status === 200) recoveredAt = Date.now();
      else await sleep(100);
    }
    await sleep(1_000);
    until.stopped = true;
    await load;

    expect(recoveredAt, "the app never served again after the database came back").not.toBeNull();
    const failed = outcomes.filter((outcome) => outcome.status >= 500);
    const unclean = failed.filter((outcome) => outcome.status !== 503 || !outcome.problem || outcome.retryAfter === null);
    expect(unclean, JSON.stringify(unclean.slice(0, 5))).toEqual([]);
    // While the database was away, nothing succeeded that needed it; before and after, nothing failed.
    const inWindow = outcomes.filter((outcome) => outcome.startedAt >= downAt && outcome.startedAt + outcome.ms <= restartAt);
    expect(inWindow.length).toBeGreaterThan(0);
    expect(inWindow.filter((outcome) => outcome.status !== 503)).toEqual([]);
    const outside = outcomes.filter((outcome) => outcome.startedAt + outcome.ms < stoppedAt || outcome.startedAt > (recoveredAt ?? Infinity));
    expect(outside.filter((outcome) => outcome.status >= 500)).toEqual([]);
    const slowest = Math.max(...failed.map((outcome) => outcome.ms));
    expect(slowest).toBeLessThan(LAMBDA_TIMEOUT_MS);

    // Atomic writes: every version of every agreement has its one audit event, whatever the outage cut off.
    for (const id of ids) {
      const agreement = (await table.agreements.get(id))!;
      const events = (await table.agreements.events(id, { limit: 100, cursor: null })).items;
      expect(events).toHaveLength(agreement.version);
    }
    const writes = outcomes.filter((outcome) => outcome.kind === "write");
    await recordFigure(
      "3. The database goes away",
      `${outcomes.length.toLocaleString("en")} requests from ${CLIENTS} clients (${writes.length.toLocaleString("en")} writes); DynamoDB Local stopped ${((upAt - downAt) / 1000).toFixed(1)} s (${OUTAGE_MS / 1000} s down + its start): ${failed.length.toLocaleString("en")} × 503 problem+json with Retry-After, 0 × 500, slowest failure ${(slowest / 1000).toFixed(1)} s (Lambda timeout 20 s); served again ${((recoveredAt! - upAt) / 1000).toFixed(1)} s after it answered, without a restart; audit events = versions for every agreement`,
    );
  }, 5 * 60_000); // a failure guard: two starts of DynamoDB Local and the outage itself
});
