// The local mail catcher as the runtime runs it: what it took is written to the data directory before a send
// returns, also in a burst of concurrent sends that share writes, and it can say which email carried a header.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSesMailer, REMINDER_HEADER, type Mailer } from "../../functions/email/sender";
import { MailCatcherComponent, type CaughtEmail } from "../../functions/local/mail";

let directory: string;
let catcher: MailCatcherComponent;
let mailer: Mailer;
let sentFile: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "iop-mail-"));
  sentFile = path.join(directory, "sent.json");
  catcher = new MailCatcherComponent({ port: 0, host: "127.0.0.1", sentFile });
  await catcher.start();
  mailer = createSesMailer({ ...catcher.sesConnection(), from: "iop-noreply@example.se" });
});

afterAll(async () => {
  await catcher?.stop();
  await rm(directory, { recursive: true, force: true });
});

async function recorded(): Promise<string[]> {
  return (JSON.parse(await readFile(sentFile, "utf8")) as { emails: CaughtEmail[] }).emails.map((email) => email.messageId);
}

describe("the mail catcher", () => {
  it("has each email of a burst of 60 concurrent sends written down by the time its send returns, and finds it by its header", async () => {
    const sends = Array.from({ length: 60 }, async (_, index) => {
      const header = `burst-${index} expiry.2026-12-31.2026-07-04`;
      const { messageId } = await mailer.send({ to: ["editor@example.se"], cc: [], subject: `Email ${index}`, text: "…", html: "<p>…</p>", headers: { [REMINDER_HEADER]: header } });
      return { header, messageId, writtenDown: (await recorded()).includes(messageId) };
    });
    const sent = await Promise.all(sends);

    expect(sent.filter((email) => !email.writtenDown)).toEqual([]);
    expect(new Set(await recorded())).toEqual(new Set(sent.map((email) => email.messageId)));
    for (const { header, messageId } of sent) expect(await mailer.findSent({ name: REMINDER_HEADER, value: header })).toBe(messageId);
    expect(await mailer.findSent({ name: REMINDER_HEADER, value: "burst-60 expiry.2026-12-31.2026-07-04" })).toBeNull();
  });
});
