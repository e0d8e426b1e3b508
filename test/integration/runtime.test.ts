// The embedded runtime behind `npm start`, run as real processes: DynamoDB Local in Java, signals, lock, ports.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoDbClient } from "../../functions/local/dynamodb";
import { findFreePort } from "../../functions/local/ports";
import {
  isProcessAlive,
  killAllRuntimes,
  spawnRuntime,
  untilProcessGone,
  type RuntimeProcess,
} from "../support/runtime-process";

const TABLE = "iop";
const temporaryDirectories: string[] = [];

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "iop-runtime-"));
  temporaryDirectories.push(directory);
  return directory;
}

async function startServing(dataDir: string): Promise<RuntimeProcess> {
  return spawnRuntime({ dataDir, port: await findFreePort() }).untilServing();
}

/** An expected failure: exit 1 and exactly one line on stderr, without a stack trace. */
async function expectOneLineFailure(runtime: RuntimeProcess, pattern: RegExp): Promise<void> {
  const exit = await runtime.untilExited();
  const stderrLines = runtime.stderr.trimEnd().split("\n");
  expect(exit.code, runtime.stderr).toBe(1);
  expect(stderrLines).toHaveLength(1);
  expect(stderrLines[0]).toMatch(pattern);
  expect(runtime.stderr).not.toMatch(/^\s+at /m);
}

/** /proc/net's hex form of 127.0.0.1, ::1 and ::ffff:127.0.0.1. */
const LOOPBACK_ADDRESSES = ["0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"];

/** Every TCP socket process `pid` listens on, as /proc/net/tcp and tcp6 give its address (Linux). */
async function listeningAddresses(pid: number): Promise<{ address: string; port: number }[]> {
  const descriptors = await readdir(`/proc/${pid}/fd`);
  const links = await Promise.all(descriptors.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => "")));
  const inodes = new Set(links.flatMap((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? []));
  const tables = await Promise.all(["/proc/net/tcp", "/proc/net/tcp6"].map((file) => readFile(file, "utf8")));
  return tables
    .flatMap((table) => table.trim().split("\n").slice(1))
    .map((line) => line.trim().split(/\s+/))
    // Fields: slot, local address:port, remote, state (0A is LISTEN), …, inode at index 9.
    .filter((fields) => fields[3] === "0A" && inodes.has(fields[9] ?? ""))
    .map((fields) => {
      const [address = "", port = ""] = (fields[1] ?? "").split(":");
      return { address, port: Number.parseInt(port, 16) };
    });
}

afterAll(async () => {
  await killAllRuntimes();
  await Promise.all(temporaryDirectories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describe("embedded runtime", () => {
  let dataDir: string;
  let runtime: RuntimeProcess;

  beforeAll(async () => {
    dataDir = await temporaryDirectory();
    runtime = await startServing(dataDir);
  });

  it("reports every component healthy", async () => {
    const health = await runtime.health();

    expect(health.status).toBe(200);
    // Each component adds its own entry; every one of them must be up.
    expect(health.body).toMatchObject({ status: "ok", components: { dynamodb: { ok: true }, oidc: { ok: true } } });
  });

  it("listens on loopback only: the app, DynamoDB Local and every other stand-in", async () => {
    const info = await runtime.info();
    const listening = [...(await listeningAddresses(info.pid)), ...(await listeningAddresses(info.dynamodb.pid))];

    // The app, DynamoDB Local, the mail catcher, the local S3 and the OpenID Connect provider at least.
    expect(listening.map(({ port }) => port)).toEqual(expect.arrayContaining([runtime.port, Number(new URL(info.dynamodb.endpoint).port)]));
    expect(listening.length).toBeGreaterThanOrEqual(5);
    for (const { address, port } of listening) expect(LOOPBACK_ADDRESSES, `port ${port}`).toContain(address);
  });

  it("refuses a second start on the same data directory", async () => {
    const second = spawnRuntime({ dataDir, port: await findFreePort() });

    await expectOneLineFailure(second, new RegExp(`^Data directory .* is in use .*\\(pid ${runtime.pid}\\)`));
  });

  it("refuses a second start on the same port", async () => {
    const second = spawnRuntime({ dataDir: await temporaryDirectory(), port: runtime.port });

    await expectOneLineFailure(second, new RegExp(`^Port ${runtime.port} is already in use`));
  });

  it("keeps data across a restart, and SIGTERM leaves no Java process behind", async () => {
    const { dynamodb } = await runtime.info();
    const key = { pk: { S: "AGREEMENT#restart" }, sk: { S: "META" } };
    const writer = createDynamoDbClient(dynamodb.endpoint);
    await writer.send(new PutItemCommand({ TableName: TABLE, Item: { ...key, partner: { S: "Mamma United" } } }));
    writer.destroy();

    runtime.kill("SIGTERM");

    expect(await runtime.untilExited()).toEqual({ code: 0, signal: null });
    expect(isProcessAlive(dynamodb.pid)).toBe(false);
    expect(isProcessAlive(dynamodb.guardPid)).toBe(false);
    expect(existsSync(path.join(dataDir, "runtime.lock"))).toBe(false);

    runtime = await startServing(dataDir);
    const reader = createDynamoDbClient((await runtime.info()).dynamodb.endpoint);
    const { Item } = await reader.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
    reader.destroy();
    expect(Item?.partner).toEqual({ S: "Mamma United" });
  });

  it("takes Java down when killed with SIGKILL, and the next start takes over the stale lock", async () => {
    const { dynamodb } = await runtime.info();

    runtime.kill("SIGKILL");

    expect(await runtime.untilExited()).toEqual({ code: null, signal: "SIGKILL" });
    await untilProcessGone(dynamodb.pid, "Java (DynamoDB Local)");
    await untilProcessGone(dynamodb.guardPid, "the process guard");
    expect(existsSync(path.join(dataDir, "runtime.lock"))).toBe(true);

    runtime = await startServing(dataDir);
    expect((await runtime.health()).status).toBe(200);
  });

  it("answers 503 while a component is down, and still stops cleanly", async () => {
    const { dynamodb } = await runtime.info();

    process.kill(dynamodb.pid, "SIGKILL");
    await untilProcessGone(dynamodb.pid, "Java (DynamoDB Local)");

    const health = await runtime.health();
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: "unavailable", components: { dynamodb: { ok: false } } });

    runtime.kill("SIGTERM");
    expect(await runtime.untilExited()).toEqual({ code: 0, signal: null });
  });
});

describe("embedded runtime without Java", () => {
  it("exits 1 with one line naming the package to install", async () => {
    const pathWithoutJava = await temporaryDirectory();
    const runtime = spawnRuntime({
      dataDir: await temporaryDirectory(),
      port: await findFreePort(),
      env: { PATH: pathWithoutJava },
    });

    await expectOneLineFailure(
      runtime,
      /^Java 17 runtime not found: install it with "apt-get install openjdk-17-jre-headless"$/,
    );
  });
});
