// The local mail catcher as the runtime runs it: what it took is written to the data directory before a send
// returns, also in a burst of concurrent sends that share writes, each email once; a restart puts it all back,
// from a file of an earlier version or one whose last line a crash cut short too; and it can say which email
// carried a header.
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSesMailer, REMINDER_HEADER, type Mailer } from "../../functions/email/sender";
import { caughtEmails, MailCatcherComponent, readSentFile, type CaughtEmail } from "../../functions/local/mail";

let directory: string;
let catcher: MailCatcherComponent;
let mailer: Mailer;
let sentFile: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "iop-mail-"));
  sentFile = path.join(directory, "sent.jsonl");
  catcher = new MailCatcherComponent({ port: 0, host: "127.0.0.1", sentFile });
  await catcher.start();
  mailer = createSesMailer({ ...catcher.sesConnection(), from: "iop-noreply@example.se" });
});

afterAll(async () => {
  await catcher?.stop();
  await rm(directory, { recursive: true, force: true });
});

async function recorded(file = sentFile): Promise<string[]> {
  return (await readSentFile(file)).emails.map((email) => email.messageId);
}

function caught(messageId: string, subject: string): CaughtEmail {
  return { messageId, from: "iop-noreply@example.se", destination: { to: ["editor@example.se"], cc: [], bcc: [] }, subject, body: { text: "…" }, at: 1_764_000_000 };
}

describe("the mail catcher", () => {
  it("has each email of a burst of 60 concurrent sends written down once by the time its send returns, and finds it by its header", async () => {
    const sends = Array.from({ length: 60 }, async (_, index) => {
      const header = `burst-${index} expiry.2026-12-31.2026-07-04`;
      const { messageId } = await mailer.send({ to: ["editor@example.se"], cc: [], subject: `Email ${index}`, text: "…", html: "<p>…</p>", headers: { [REMINDER_HEADER]: header } });
      return { header, messageId, writtenDown: (await recorded()).includes(messageId) };
    });
    const sent = await Promise.all(sends);

    expect(sent.filter((email) => !email.writtenDown)).toEqual([]);
    expect((await recorded()).sort()).toEqual(sent.map((email) => email.messageId).sort());
    for (const { header, messageId } of sent) expect(await mailer.findSent({ name: REMINDER_HEADER, value: header })).toBe(messageId);
    expect(await mailer.findSent({ name: REMINDER_HEADER, value: "burst-60 expiry.2026-12-31.2026-07-04" })).toBeNull();
  });

  it("keeps a connection open through 6 s of quiet, so a send never meets a connection it is closing", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const statusOf = (url: string) =>
        new Promise<number>((resolve, reject) => {
          request(url, { agent }, (response) => response.resume().on("end", () => resolve(response.statusCode ?? 0))).on("error", reject).end();
        });
      expect(await statusOf(`${catcher.url}/health-check`)).toBe(200);
      const [socket] = Object.values(agent.freeSockets).flat();
      await new Promise((resolve) => setTimeout(resolve, 6_000));

      expect(socket?.destroyed).toBe(false);
      expect(await statusOf(`${catcher.url}/health-check`)).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it("puts back a sent.json of an earlier version and the whole lines of a file a crash cut short, and appends after them", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "iop-mail-restart-"));
    const file = path.join(dataDir, "sent.jsonl");
    const earlier = path.join(dataDir, "sent.json");
    await writeFile(earlier, JSON.stringify({ emails: [caught("earlier-1", "Förra versionen 1"), caught("earlier-2", "Förra versionen 2")] }, null, 2));
    await writeFile(file, `${JSON.stringify(caught("whole-line", "En hel rad"))}\n{"messageId":"cut-sh`);
    const restarted = new MailCatcherComponent({ port: 0, host: "127.0.0.1", sentFile: file });
    await restarted.start();
    try {
      const held = (await caughtEmails(restarted.url)).map((email) => email.messageId);
      expect(held).toEqual(expect.arrayContaining(["earlier-1", "earlier-2", "whole-line"]));
      expect(held).not.toContain("cut-sh");
      await expect(stat(earlier)).rejects.toMatchObject({ code: "ENOENT" });

      const { messageId } = await createSesMailer({ ...restarted.sesConnection(), from: "iop-noreply@example.se" }).send({ to: ["editor@example.se"], cc: [], subject: "Efter omstarten", text: "…", html: "<p>…</p>", headers: {} });
      const lines = await recorded(file);
      expect(lines.slice(0, 3)).toEqual(expect.arrayContaining(["earlier-1", "earlier-2", "whole-line"]));
      expect(lines.at(-1)).toBe(messageId);
      expect(new Set(lines).size).toBe(lines.length);
      expect((await readFile(file, "utf8")).endsWith("\n")).toBe(true);
    } finally {
      await restarted.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
