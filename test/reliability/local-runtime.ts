// The local runtime (`npm start`) as a child process for the reliability suite: its table reached through the
// endpoint in runtime.json, its dev clock, and many active agreements written straight into its table.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { expect } from "vitest";
import type { Command } from "../../functions/domain/lifecycle";
import { createAgreement, runCommand } from "../../functions/app/commands";
import { createDynamoDbClient } from "../../functions/local/dynamodb";
import type { CaughtEmail } from "../../functions/local/mail";
import { findFreePort } from "../../functions/local/ports";
import { createAgreementStore, type AgreementStore } from "../../functions/store/agreements";
import { createReminderStore, type ReminderStore } from "../../functions/store/reminders";
import { approval, editor, mammaUnitedContent, registrar, workflow } from "../support/agreements";
import { killAllRuntimes, spawnRuntime, type RuntimeProcess } from "../support/runtime-process";

export interface RuntimeTables {
  agreements: AgreementStore;
  reminders: ReminderStore;
  close(): void;
}

/** The runtime's own table, reached the way its tools do: through the endpoint in runtime.json. */
export async function tablesOf(runtime: RuntimeProcess): Promise<RuntimeTables> {
  const client = createDynamoDbClient((await runtime.info()).dynamodb.endpoint);
  const documentClient = DynamoDBDocumentClient.from(client);
  const tableName = "iop";
  return {
    agreements: createAgreementStore({ client: documentClient, tableName, cursorSecret: "reliability-cursor-secret-0123456789abcdef" }),
    reminders: createReminderStore({ client: documentClient, tableName }),
    close: () => client.destroy(),
  };
}

/** Moves the runtime's clock; resolves once every execution has caught up with the new time. */
export async function moveClock(runtime: RuntimeProcess, now: string): Promise<Response> {
  return fetch(`${runtime.url}/api/dev/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ now }) });
}

/** The emails the runtime's mail catcher kept on disk (`.data/mail/sent.json`): what survives a SIGKILL. */
export async function keptEmails(dataDir: string): Promise<CaughtEmail[]> {
  try {
    return (JSON.parse(await readFile(path.join(dataDir, "mail", "sent.json"), "utf8")) as { emails: CaughtEmail[] }).emails;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** The agreement an email is about: the id in its link. */
export function agreementOf(email: CaughtEmail): string {
  return /\/agreements\/([\w-]+)/.exec(email.body.text ?? "")?.[1] ?? "unknown";
}

/**
 * `count` active agreements like Mamma United (2024-02-01 to 2026-12-31), each with its own title. Unless
 * `withReports`, without reporting requirements, so that only the expiry reminders (180, 90 and 30 days before the
 * end) apply: all due on the same days.
 */
export async function activeAgreements(agreements: AgreementStore, count: number, prefix: string, { withReports = false } = {}): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, index) => `${prefix}-${String(index + 1).padStart(4, "0")}`);
  const withoutReports: Command = { type: "update", changes: { reportingRequirements: [] } };
  const one = async (id: string, index: number) => {
    await createAgreement(agreements, { id, content: { ...mammaUnitedContent(), title: `Partnerskap ${index + 1}` }, actor: editor, now: new Date("2023-11-20T09:00:00+01:00") });
    await runCommand(agreements, { agreementId: id, command: { type: "submit" }, actor: editor, now: new Date("2023-12-05T10:00:00+01:00") });
    await runCommand(agreements, { agreementId: id, command: { type: "decide", decision: approval }, actor: registrar, now: new Date("2024-01-19T10:00:00+01:00") });
    // Submitting needs a reporting requirement; without one from here on, only the expiry reminders apply.
    if (!withReports) await runCommand(agreements, { agreementId: id, command: withoutReports, actor: editor, now: new Date("2024-01-19T10:00:00+01:00") });
    await runCommand(agreements, { agreementId: id, command: { type: "activate" }, actor: workflow, now: new Date("2024-02-01T00:00:00+01:00") });
  };
  // A few at a time: the table is the runtime's, on a machine others share.
  for (let start = 0; start < ids.length; start += 10) {
    await Promise.all(ids.slice(start, start + 10).map((id, offset) => one(id, start + offset)));
  }
  return ids;
}

/** A data directory and a port for one runtime, removed again by `cleanUp`. */
export async function runtimePlace(): Promise<{ dataDir: string; port: number; cleanUp(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "iop-reliability-"));
  return {
    dataDir,
    port: await findFreePort(),
    async cleanUp() {
      await killAllRuntimes();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startRuntime(place: { dataDir: string; port: number }, env: NodeJS.ProcessEnv): Promise<RuntimeProcess> {
  const spawned = spawnRuntime({ dataDir: place.dataDir, port: place.port, env: { DEMO_DATA: "false", ...env } });
  const runtime = await spawned.untilServing().catch((error: unknown) => {
    throw new Error(`${String(error)}\n${spawned.stdout}${spawned.stderr}`);
  });
  expect((await runtime.health()).body).toMatchObject({ components: { mail: { ok: true }, workflow: { ok: true } } });
  return runtime;
}
