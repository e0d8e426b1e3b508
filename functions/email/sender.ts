/**
 * Sends email through SES v2. The same code runs in AWS and locally, where the client's endpoint is the
 * in-process aws-ses-v2-local mail catcher (functions/local/mail.ts).
 */
import { SendEmailCommand, type SESv2Client } from "@aws-sdk/client-sesv2";

export interface OutgoingEmail {
  to: readonly string[];
  cc: readonly string[];
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Resolves once SES accepted the email; throws when it did not. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface SesMailerOptions {
  client: SESv2Client;
  from: string;
  /** The SES configuration set whose event destination reports bounces and complaints (infra/Email.ts). */
  configurationSet?: string | undefined;
}

export function createSesMailer({ client, from, configurationSet }: SesMailerOptions): Mailer {
  const utf8 = (data: string) => ({ Data: data, Charset: "UTF-8" });
  return {
    async send(email) {
      const output = await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          ...(configurationSet === undefined ? {} : { ConfigurationSetName: configurationSet }),
          Destination: { ToAddresses: [...email.to], CcAddresses: [...email.cc] },
          Content: { Simple: { Subject: utf8(email.subject), Body: { Text: utf8(email.text), Html: utf8(email.html) } } },
        }),
      );
      if (output.MessageId === undefined) throw new Error("SES accepted the email but returned no message id");
      return { messageId: output.MessageId };
    },
  };
}
