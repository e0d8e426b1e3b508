// The app with reports wired to the real local emulators: s3rver for attachments and the aws-ses-v2-local mail
// catcher for email, plus an active Mamma United agreement (reports due 2026-03-31) to invite to.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Agreement } from "../../functions/domain/agreement";
import { createSesMailer } from "../../functions/email/sender";
import { caughtEmails, MailCatcherComponent, type CaughtEmail } from "../../functions/local/mail";
import { LocalS3Component } from "../../functions/local/s3";
import { runCommand } from "../../functions/app/commands";
import { createS3Attachments } from "../../functions/store/attachments";
import { approval, mammaUnitedContent, workflow as workflowActor } from "../support/agreements";
import { startTestApi, type TestApi } from "../support/api";
import { TEST_APP_ORIGIN } from "../support/tokens";

export interface ReportTestApi extends TestApi {
  s3: LocalS3Component;
  /** Emails the mail catcher holds for an address, oldest first. */
  emailsTo(address: string): Promise<CaughtEmail[]>;
  /** Creates, submits, approves and activates a Mamma United agreement with this title. */
  activeAgreement(title: string): Promise<Agreement>;
  /** Sends an invitation as an editor and returns the token from the email the contact got. */
  invite(agreementId: string, scope: { requirementId: string; dueDate: string; email: string }): Promise<string>;
  stopAll(): Promise<void>;
}

const LINK = new RegExp(`${TEST_APP_ORIGIN.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/report/([A-Za-z0-9_-]{43})`);

/** The token in the latest email's text. */
export function tokenIn(email: CaughtEmail | undefined): string {
  const token = LINK.exec(email?.body.text ?? "")?.[1];
  if (token === undefined) throw new Error(`No report link in ${JSON.stringify(email?.body.text)}`);
  return token;
}

export async function startReportTestApi(): Promise<ReportTestApi> {
  const directory = await mkdtemp(path.join(tmpdir(), "iop-s3-"));
  const s3 = new LocalS3Component({ directory, bucket: "attachments", allowedOrigin: TEST_APP_ORIGIN, resetOnClose: true });
  const mail = new MailCatcherComponent({ port: 0, host: "127.0.0.1" });
  await s3.start();
  await mail.start();
  const api = await startTestApi({
    attachments: createS3Attachments({ client: s3.createClient(), bucket: s3.bucket }),
    mailer: createSesMailer({ ...mail.sesConnection(), from: "iop-noreply@example.se" }),
  });

  const emailsTo = async (address: string) => (await caughtEmails(mail.url)).filter((email) => email.destination.to.includes(address));

  return Object.assign(api, {
    s3,
    emailsTo,
    async activeAgreement(title: string) {
      const created = await api.request("/api/agreements", { method: "POST", as: "editor", body: { ...mammaUnitedContent(), title } });
      const { id } = (await created.json()) as Agreement;
      await api.request(`/api/agreements/${id}/submit`, { method: "POST", as: "editor" });
      await api.request(`/api/agreements/${id}/decision`, { method: "POST", as: "registrar", body: approval });
      return (await runCommand(api.store, { agreementId: id, command: { type: "activate" }, actor: workflowActor, now: api.clock.now() })).agreement;
    },
    async invite(agreementId: string, scope: { requirementId: string; dueDate: string; email: string }) {
      const response = await api.request(`/api/agreements/${agreementId}/invitations`, { method: "POST", as: "editor", body: scope });
      if (response.status !== 201) throw new Error(`Invitation refused: ${response.status} ${await response.text()}`);
      return tokenIn((await emailsTo(scope.email)).at(-1));
    },
    async stopAll() {
      await api.stop();
      await s3.stop();
      await mail.stop();
      await rm(directory, { recursive: true, force: true });
    },
  });
}
