/**
 * The local stand-in for SES: aws-ses-v2-local, in this process. The app sends with the real SES v2 client
 * pointed at it; its web view (`/`) and `GET /store` show every email it accepted.
 *
 * The catcher keeps email in memory only. So that one can check across a restart that nothing was sent twice,
 * every send through {@link MailCatcherComponent.sesConnection} appends what the catcher took since the last send
 * to `sentFile`, one JSON line an email, and the next start puts it back before serving. Appending, not rewriting:
 * a restart over 10,000 agreements sends a few thousand reminders, and writing the whole store again after each
 * took nine tenths of node's time in a profile (docs/benchmarks.md).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { appendFile, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { SESv2ClientConfig } from "@aws-sdk/client-sesv2";
import type { SesConnection } from "../email/sender";
import type { Component, ComponentHealth } from "./components";
import { StartupError } from "./errors";
import { assertPortAvailable, PortInUseError } from "./ports";
import { writeAtomically } from "./remembered";

// CommonJS modules; required, so every loader sees the same shape. The catcher's function is its `default` export.
const require = createRequire(import.meta.url);
const startMailCatcher = (require("aws-ses-v2-local") as typeof import("aws-ses-v2-local")).default;
/** The catcher's in-memory store, one per process: what `GET /store` and the web view list. */
const catcherStore = (require("aws-ses-v2-local/dist/store") as { getStoreReadonly(): { emails: CaughtEmail[] } })
  .getStoreReadonly();

export interface MailCatcherOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /**
   * Where the emails sent are kept across restarts, as JSON Lines; left out, they live as long as the process. A
   * `sent.json` beside it (the whole store as one JSON document, as earlier versions kept it) is taken in once.
   */
  sentFile?: string;
}

/** An email as the catcher's `GET /store` lists it. */
export interface CaughtEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Extra header fields the sender gave, e.g. REMINDER_HEADER (functions/email/sender.ts). */
  headers?: { name: string; value: string }[];
  /** Seconds since the epoch, real time. */
  at: number;
}

export class MailCatcherComponent implements Component {
  readonly name = "mail";
  readonly title = "Mail catcher (aws-ses-v2-local)";
  #server: Server | null = null;
  /** The write of `sentFile` under way, if any; writes go one after the other. */
  #recording: Promise<void> = Promise.resolve();
  /** The write that will begin once the one under way ends: every send meanwhile waits for it. */
  #nextRecording: Promise<void> | null = null;
  /** The catcher's list of emails as last recorded, and how many of them `sentFile` holds. */
  #recorded: { emails: CaughtEmail[]; count: number } = { emails: catcherStore.emails, count: 0 };

  constructor(private readonly options: MailCatcherOptions) {}

  /** The web view, e.g. "http://127.0.0.1:8005"; its `GET /store` lists the emails as JSON. */
  get url(): string {
    if (this.#server === null) throw new Error("The mail catcher is not running");
    const { port } = this.#server.address() as AddressInfo;
    return `http://${this.options.host}:${port}`;
  }

  /**
   * How the SES sender reaches the catcher; with `sentFile`, each send is recorded there. Unlike SES, the catcher
   * can say what it took: the workflow settles a reminder whose sending was cut off by what it finds here.
   */
  sesConnection(): SesConnection {
    const { sentFile } = this.options;
    return {
      clientConfig: sesClientConfig(this.url),
      ...(sentFile === undefined ? {} : { afterSend: () => this.#record(sentFile) }),
      findSent: async ({ name, value }) =>
        catcherStore.emails.find((email) => email.headers?.some((field) => field.name === name && field.value === value))?.messageId ?? null,
    };
  }

  /**
   * Resolves once `sentFile` holds every email caught before the call. A burst of sends (hundreds of reminders due
   * the same day) shares writes: each write takes what the catcher took since the one before, so one write serves
   * every send that asked while the one before it was under way.
   */
  #record(sentFile: string): Promise<void> {
    this.#nextRecording ??= this.#recording
      .catch(() => undefined)
      .then(() => {
        this.#nextRecording = null;
        return this.#appendTaken(sentFile);
      });
    this.#recording = this.#nextRecording;
    return this.#nextRecording;
  }

  async #appendTaken(sentFile: string): Promise<void> {
    const { emails } = catcherStore;
    // Counted before the write: what the catcher takes meanwhile goes in the next one.
    const count = emails.length;
    if (emails !== this.#recorded.emails) {
      // Cleared through the catcher's web view: the file holds what the catcher holds from now on.
      await writeAtomically(sentFile, jsonLines(emails));
    } else if (count > this.#recorded.count) {
      await appendFile(sentFile, jsonLines(emails.slice(this.#recorded.count, count)), { mode: 0o600 });
    }
    this.#recorded = { emails, count };
  }

  /** Puts back what an earlier run sent, before anything new arrives; takes in a `sent.json` of an earlier version. */
  async #restore(sentFile: string): Promise<void> {
    const earlierFile = path.join(path.dirname(sentFile), "sent.json");
    const takenIn = earlierFile === sentFile ? null : await readEarlierFormat(earlierFile);
    const { emails, cutShort } = await readSentFile(sentFile);
    const known = new Set(catcherStore.emails.map((email) => email.messageId));
    catcherStore.emails.unshift(...[...(takenIn ?? []), ...emails].filter((email) => !known.has(email.messageId)));
    if (takenIn !== null || cutShort) {
      // One file from now on, every line whole: a line appended after a cut one would make the file unreadable.
      await writeAtomically(sentFile, jsonLines(catcherStore.emails));
      if (takenIn !== null) await rm(earlierFile, { force: true });
    }
    this.#recorded = { emails: catcherStore.emails, count: catcherStore.emails.length };
  }

  async start(): Promise<void> {
    const { port, host } = this.options;
    // The package resolves even when it could not listen, without saying why; check the port first to say so.
    if (port !== 0) {
      await assertPortAvailable(port, host).catch((error: unknown) => {
        throw error instanceof PortInUseError
          ? new StartupError(`Port ${port} for the mail catcher is already in use: set MAIL_PORT to another port, or to 0 for any free one`)
          : error;
      });
    }
    if (this.options.sentFile !== undefined) await this.#restore(this.options.sentFile);
    const server = await startMailCatcher({ port, host });
    if (!server.listening) throw new Error(`The mail catcher could not listen on ${host}:${port}`);
    // Node closes a kept-alive connection after 5 s of quiet; a send that picked it up at that moment failed with
    // ECONNRESET and its reminder became `uncertain`. The SES client keeps its connections, so the catcher does too;
    // `stop` closes them.
    server.keepAliveTimeout = 0;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async health(): Promise<ComponentHealth & { url: string }> {
    const url = this.url;
    const response = await fetch(`${url}/health-check`);
    return response.ok
      ? { ok: true, url, detail: `Sent email: ${url} (GET ${url}/store lists it as JSON)` }
      : { ok: false, url, detail: `The mail catcher's health check answered ${response.status}` };
  }
}

function jsonLines(emails: readonly CaughtEmail[]): string {
  return emails.map((email) => `${JSON.stringify(email)}\n`).join("");
}

/**
 * The emails a catcher recorded in `sentFile`, oldest first; none when there is no file. A last line cut short (the
 * process died while appending it) is left out, and said: its send had not returned.
 */
export async function readSentFile(sentFile: string): Promise<{ emails: CaughtEmail[]; cutShort: boolean }> {
  const text = await readFile(sentFile, "utf8").catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw cannotRead(sentFile, error);
  });
  // Every whole line ends with a newline: what follows the last one is empty, or a line cut short.
  const lines = text.split("\n");
  const emails = lines.slice(0, -1).map((line, index) => {
    try {
      return JSON.parse(line) as CaughtEmail;
    } catch (error) {
      throw cannotRead(sentFile, new Error(`line ${index + 1}: ${String(error)}`));
    }
  });
  return { emails, cutShort: lines.at(-1) !== "" };
}

/** The whole store as one JSON document, as versions before JSON Lines kept it; null when there is no such file. */
async function readEarlierFormat(file: string): Promise<CaughtEmail[] | null> {
  try {
    return (JSON.parse(await readFile(file, "utf8")) as { emails: CaughtEmail[] }).emails;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw cannotRead(file, error);
  }
}

function cannotRead(file: string, error: unknown): StartupError {
  return new StartupError(`The emails sent earlier (${file}) cannot be read: ${String(error)}; move the file away to start afresh`);
}

/** Every email the catcher at `url` holds, oldest first. */
export async function caughtEmails(url: string): Promise<CaughtEmail[]> {
  const response = await fetch(`${url}/store`);
  if (!response.ok) throw new Error(`The mail catcher answered ${response.status}`);
  return ((await response.json()) as { emails: CaughtEmail[] }).emails;
}

/** SES v2 client settings for a local endpoint: the catcher, or something in front of it (any credentials will do). */
export function sesClientConfig(endpoint: string): SESv2ClientConfig {
  return { endpoint, region: "eu-north-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };
}
