/**
 * The local stand-in for SES: aws-ses-v2-local, in this process. The app sends with the real SES v2 client
 * pointed at it; its web view (`/`) and `GET /store` show every email it accepted.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import type { Component, ComponentHealth } from "./components";
import { StartupError } from "./errors";
import { assertPortAvailable, PortInUseError } from "./ports";

// A CommonJS module whose function is its `default` export; required, so every loader sees the same shape.
const startMailCatcher = (createRequire(import.meta.url)("aws-ses-v2-local") as typeof import("aws-ses-v2-local")).default;

export interface MailCatcherOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
}

/** An email as the catcher's `GET /store` lists it. */
export interface CaughtEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Seconds since the epoch, real time. */
  at: number;
}

export class MailCatcherComponent implements Component {
  readonly name = "mail";
  readonly title = "Mail catcher (aws-ses-v2-local)";
  #server: Server | null = null;

  constructor(private readonly options: MailCatcherOptions) {}

  /** The web view, e.g. "http://127.0.0.1:8005"; its `GET /store` lists the emails as JSON. */
  get url(): string {
    if (this.#server === null) throw new Error("The mail catcher is not running");
    const { port } = this.#server.address() as AddressInfo;
    return `http://${this.options.host}:${port}`;
  }

  /** An SES v2 client that sends into the catcher (any credentials will do). */
  createSesClient(): SESv2Client {
    return new SESv2Client({ endpoint: this.url, region: "eu-north-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
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
    const server = await startMailCatcher({ port, host });
    if (!server.listening) throw new Error(`The mail catcher could not listen on ${host}:${port}`);
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

/** Every email the catcher at `url` holds, oldest first. */
export async function caughtEmails(url: string): Promise<CaughtEmail[]> {
  const response = await fetch(`${url}/store`);
  if (!response.ok) throw new Error(`The mail catcher answered ${response.status}`);
  return ((await response.json()) as { emails: CaughtEmail[] }).emails;
}
