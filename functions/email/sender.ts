/**
 * Sends email through SES v2. The same code runs in AWS and locally, where the client's endpoint is the
 * in-process aws-ses-v2-local mail catcher (functions/local/mail.ts).
 *
 * A send is attempted once: the SDK's own retries are off, because a retry after an answer was lost sends the
 * email twice. Instead a failure says whether SES surely did not take the email (EmailRefusedError: the caller
 * may try again) or nobody can know (EmailOutcomeUnknownError: trying again may send it twice).
 */
import { SendEmailCommand, SESv2Client, type SESv2ClientConfig } from "@aws-sdk/client-sesv2";
import { SDK_LOGGER } from "../sdk-logger";

export interface OutgoingEmail {
  to: readonly string[];
  cc: readonly string[];
  subject: string;
  text: string;
  html: string;
  /** Extra header fields, e.g. which reminder an email is (REMINDER_HEADER). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Names the reminder an email is, as "<agreement id> <reminder key>": whoever holds the email (a mailbox, the local
 * mail catcher) can tell which reminder record it belongs to.
 */
export const REMINDER_HEADER = "X-IOP-Reminder";

/** One header field of an email, e.g. REMINDER_HEADER and its value. */
export interface HeaderField {
  name: string;
  value: string;
}

export interface Mailer {
  /**
   * Resolves once SES accepted the email.
   * @throws EmailRefusedError when SES surely did not take it; EmailOutcomeUnknownError when it may have
   */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  /**
   * The message id of an email this mail service took with the header `field`, when it can tell; null when it has
   * none or cannot tell. SES cannot be asked what it sent, so there it is always null; the local mail catcher keeps
   * every email it took.
   */
  findSent(field: HeaderField): Promise<string | null>;
}

/** SES surely did not take the email (throttled, refused, never reached): trying again cannot send it twice. */
export class EmailRefusedError extends Error {
  override readonly name = "EmailRefusedError";
}

/** The request reached SES and no clear answer came back (a timeout, a lost connection, a 5xx): it may have gone. */
export class EmailOutcomeUnknownError extends Error {
  override readonly name = "EmailOutcomeUnknownError";
}

/** Errors raised before a byte reached SES. */
const NEVER_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "CredentialsProviderError"]);
const THROTTLING = new Set(["TooManyRequestsException", "ThrottlingException", "LimitExceededException", "SendingPausedException"]);
/** How long a send may wait for SES's answer before its outcome counts as unknown. */
const REQUEST_TIMEOUT_MS = 15_000;

interface SdkError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Whether SES surely did not take the email that failed with `error`; anything unrecognised counts as unknown. */
export function surelyNotAccepted(error: unknown): boolean {
  const { name, code, $metadata } = (error ?? {}) as SdkError;
  const status = $metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500) return true;
  if (name !== undefined && (THROTTLING.has(name) || NEVER_SENT_CODES.has(name))) return true;
  return code !== undefined && NEVER_SENT_CODES.has(code);
}

/** How to reach SES: the client's settings (the mailer adds its own attempts and timeout to them). */
export interface SesConnection {
  clientConfig: SESv2ClientConfig;
  /** Runs after every send, taken or not: the local runtime records what its mail catcher holds. */
  afterSend?: () => Promise<void>;
  /** Looks the sent email up by a header field, where the service keeps what it took (the local mail catcher). */
  findSent?: (field: HeaderField) => Promise<string | null>;
}

export interface SesMailerOptions extends SesConnection {
  from: string;
  /** The SES configuration set whose event destination reports bounces and complaints (infra/Email.ts). */
  configurationSet?: string | undefined;
}

export function createSesMailer({ clientConfig, afterSend, findSent, from, configurationSet }: SesMailerOptions): Mailer {
  const client = new SESv2Client({
    ...clientConfig,
    logger: SDK_LOGGER,
    maxAttempts: 1,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  });
  const utf8 = (data: string) => ({ Data: data, Charset: "UTF-8" });
  return {
    async send(email) {
      let messageId: string | undefined;
      try {
        ({ MessageId: messageId } = await client.send(
          new SendEmailCommand({
            FromEmailAddress: from,
            ...(configurationSet === undefined ? {} : { ConfigurationSetName: configurationSet }),
            Destination: { ToAddresses: [...email.to], CcAddresses: [...email.cc] },
            Content: {
              Simple: {
                Subject: utf8(email.subject),
                Body: { Text: utf8(email.text), Html: utf8(email.html) },
                ...(email.headers === undefined ? {} : { Headers: Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value })) }),
              },
            },
          }),
        ));
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw surelyNotAccepted(error) ? new EmailRefusedError(reason, { cause: error }) : new EmailOutcomeUnknownError(reason, { cause: error });
      } finally {
        await afterSend?.();
      }
      if (messageId === undefined) throw new EmailOutcomeUnknownError("SES answered without a message id");
      return { messageId };
    },
    findSent: findSent ?? (async () => null),
  };
}
