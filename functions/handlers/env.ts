/** The Lambda functions' settings from their environment (set by infra/), read the same way by every handler. */
import type { PlaceClients } from "../composition";
import { LANGUAGES, type Language } from "../email/reminder-message";

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
}

/** EMAIL_LANGUAGE: the language of emails unless a request says otherwise; Swedish when unset. */
export function emailLanguage(): Language {
  const language = process.env.EMAIL_LANGUAGE || "sv";
  if (!(LANGUAGES as readonly string[]).includes(language)) throw new Error(`EMAIL_LANGUAGE must be one of ${LANGUAGES.join(", ")}`);
  return language as Language;
}

/**
 * How the application sends email (composeApplication): EMAIL_SENDER, EMAIL_CONFIGURATION_SET, EMAIL_LANGUAGE, and
 * TEAM_MAILBOX for reminders sent again.
 */
export function emailFromEnvironment(): PlaceClients["email"] {
  return {
    clientConfig: {},
    from: requiredEnv("EMAIL_SENDER"),
    configurationSet: process.env.EMAIL_CONFIGURATION_SET,
    language: emailLanguage(),
    teamMailbox: requiredEnv("TEAM_MAILBOX"),
  };
}
