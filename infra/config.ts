/**
 * Deployment configuration, read from the environment when the stacks are built.
 *
 * `sst deploy --stage <name>` loads `.env`, `.env.local`, `.env.<name>` and `.env.<name>.local` from the project
 * root before the stacks run, so per-stage values live in `.env.<name>` (kept out of git). See docs/deploy.md.
 */

import { OidcSettingsError, parseIssuer, parseRoleMap, parseTrueFalse } from "../functions/api/auth/settings";
import { reconcileMinutesFrom } from "../functions/workflow/reconcile";

/** Stages whose data must survive `sst remove` and accidental deletes. */
export const PRODUCTION_STAGES: readonly string[] = ["prod"];

export const DEFAULT_REGION = "eu-north-1";

/** Names of the variables read by {@link readDeployConfig}, in one place for docs and tests. */
export const CONFIG_VARIABLES = {
  region: "IOP_REGION",
  teamMailbox: "IOP_TEAM_MAILBOX",
  emailSender: "IOP_EMAIL_SENDER",
  emailIdentity: "IOP_EMAIL_IDENTITY",
  emailIdentityExists: "IOP_EMAIL_IDENTITY_EXISTS",
  alarmEmail: "IOP_ALARM_EMAIL",
  appUrl: "IOP_APP_URL",
  reconcileMinutes: "IOP_RECONCILE_MINUTES",
  oidcIssuer: "IOP_OIDC_ISSUER",
  oidcClientId: "IOP_OIDC_CLIENT_ID",
  oidcClientSecretName: "IOP_OIDC_CLIENT_SECRET_NAME",
  oidcAudience: "IOP_OIDC_AUDIENCE",
  oidcRolesClaim: "IOP_OIDC_ROLES_CLAIM",
  oidcRoleMap: "IOP_OIDC_ROLE_MAP",
  oidcScopes: "IOP_OIDC_SCOPES",
  oidcEmailClaim: "IOP_OIDC_EMAIL_CLAIM",
  oidcEmailVerifiedByIssuer: "IOP_OIDC_EMAIL_VERIFIED_BY_ISSUER",
} as const;

/**
 * Settings that once carried a secret's value. Refused, so that a value left in a `.env` file from before stops
 * the deploy with a clear message instead of being ignored.
 */
const REFUSED_SECRET_VALUES = { IOP_OIDC_CLIENT_SECRET: CONFIG_VARIABLES.oidcClientSecretName } as const;

/** Secrets Manager's rule for a secret's name. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

export interface DeployConfig {
  stage: string;
  /** Production stages retain tables, buckets and logs on removal and turn on deletion protection. */
  production: boolean;
  /** The team mailbox that receives every reminder (e.g. "iop@vasteras.se"). */
  teamMailbox: string;
  /** The From address of outgoing email; must belong to {@link emailIdentity}. */
  emailSender: string;
  /** What SES verifies: the sender address itself (default) or its whole domain (DKIM records to publish). */
  emailIdentity: { kind: "email"; value: string } | { kind: "domain"; value: string };
  /** The identity exists in the account already (another stage's, or IT's): used by name, not created. */
  emailIdentityExists: boolean;
  /** Optional address subscribed to the alarm topic (the on-call mailbox). */
  alarmEmail: string | undefined;
  /** Optional public origin of the app (custom domain); defaults to the HTTP API's own URL. */
  appUrl: string | undefined;
  /** How often the reconciler runs (functions/workflow/reconcile.ts), in minutes; 15 unless configured. */
  reconcileMinutes: number;
  /** The OpenID Connect issuer staff sign in with (docs/auth.md); optional values are left to the app's defaults. */
  oidc: {
    issuer: string;
    clientId: string;
    /** The name of the Secrets Manager secret holding the client secret of a confidential client. */
    clientSecretName: string | undefined;
    audience: string | undefined;
    rolesClaim: string | undefined;
    roleMap: string | undefined;
    scopes: string | undefined;
    emailClaim: string | undefined;
    emailVerifiedByIssuer: string | undefined;
  };
}

export class DeployConfigError extends Error {
  override readonly name = "DeployConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

export function isProductionStage(stage: string): boolean {
  return PRODUCTION_STAGES.includes(stage);
}

/** The region to deploy to when `--region` is not given. Read before any `.env` file is loaded. */
export function regionFrom(env: Env): string {
  return nonEmpty(env[CONFIG_VARIABLES.region]) ?? DEFAULT_REGION;
}

export function readDeployConfig(stage: string, env: Env): DeployConfig {
  const problems: string[] = [];
  const required = (key: string): string => {
    const value = nonEmpty(env[key]);
    if (value === undefined) problems.push(`${key} is not set`);
    return value ?? "";
  };
  const email = (key: string, value: string | undefined): void => {
    if (value !== undefined && value !== "" && !EMAIL.test(value)) {
      problems.push(`${key} is not an email address: "${value}"`);
    }
  };

  const teamMailbox = required(CONFIG_VARIABLES.teamMailbox);
  email(CONFIG_VARIABLES.teamMailbox, teamMailbox);
  const emailSender = required(CONFIG_VARIABLES.emailSender);
  email(CONFIG_VARIABLES.emailSender, emailSender);
  const alarmEmail = nonEmpty(env[CONFIG_VARIABLES.alarmEmail]);
  email(CONFIG_VARIABLES.alarmEmail, alarmEmail);

  const identityValue = nonEmpty(env[CONFIG_VARIABLES.emailIdentity]) ?? emailSender;
  let emailIdentity: DeployConfig["emailIdentity"];
  if (identityValue.includes("@")) {
    emailIdentity = { kind: "email", value: identityValue };
    email(CONFIG_VARIABLES.emailIdentity, identityValue);
    if (identityValue !== "" && emailSender !== "" && identityValue.toLowerCase() !== emailSender.toLowerCase()) {
      const { emailSender, emailIdentity } = CONFIG_VARIABLES;
      problems.push(`${emailSender} must be the address verified by ${emailIdentity}`);
    }
  } else {
    emailIdentity = { kind: "domain", value: identityValue.toLowerCase() };
    if (!DOMAIN.test(identityValue)) {
      problems.push(`${CONFIG_VARIABLES.emailIdentity} is neither an email address nor a domain: "${identityValue}"`);
    } else if (emailSender !== "" && !emailSender.toLowerCase().endsWith(`@${emailIdentity.value}`)) {
      problems.push(`${CONFIG_VARIABLES.emailSender} must be an address in the domain ${emailIdentity.value}`);
    }
  }

  const identityExists = nonEmpty(env[CONFIG_VARIABLES.emailIdentityExists])?.toLowerCase() ?? "false";
  if (identityExists !== "true" && identityExists !== "false") {
    problems.push(`${CONFIG_VARIABLES.emailIdentityExists} must be true or false, got "${identityExists}"`);
  }

  const appUrl = nonEmpty(env[CONFIG_VARIABLES.appUrl]);
  if (appUrl !== undefined && !/^https:\/\/[^/\s]+$/.test(appUrl)) {
    problems.push(`${CONFIG_VARIABLES.appUrl} must be an https origin without a path, e.g. https://iop.example.se`);
  }

  const reconcileMinutes = reconcileMinutesFrom(env[CONFIG_VARIABLES.reconcileMinutes]);
  if (reconcileMinutes === null) {
    problems.push(`${CONFIG_VARIABLES.reconcileMinutes} must be a whole number of minutes from 1 to 1440, got "${env[CONFIG_VARIABLES.reconcileMinutes]}"`);
  }

  const oidc = {
    issuer: required(CONFIG_VARIABLES.oidcIssuer),
    clientId: required(CONFIG_VARIABLES.oidcClientId),
    clientSecretName: nonEmpty(env[CONFIG_VARIABLES.oidcClientSecretName]),
    audience: nonEmpty(env[CONFIG_VARIABLES.oidcAudience]),
    rolesClaim: nonEmpty(env[CONFIG_VARIABLES.oidcRolesClaim]),
    roleMap: nonEmpty(env[CONFIG_VARIABLES.oidcRoleMap]),
    scopes: nonEmpty(env[CONFIG_VARIABLES.oidcScopes]),
    emailClaim: nonEmpty(env[CONFIG_VARIABLES.oidcEmailClaim]),
    emailVerifiedByIssuer: nonEmpty(env[CONFIG_VARIABLES.oidcEmailVerifiedByIssuer]),
  };
  // The app checks the same rules when it starts; a deploy should not get that far with a value it will refuse.
  const check = (parse: () => unknown) => {
    try {
      parse();
    } catch (error) {
      if (!(error instanceof OidcSettingsError)) throw error;
      problems.push(error.message);
    }
  };
  const { oidcIssuer, oidcRoleMap, oidcEmailVerifiedByIssuer } = CONFIG_VARIABLES;
  if (oidc.issuer !== "") check(() => parseIssuer(oidc.issuer, oidcIssuer));
  if (oidc.roleMap !== undefined) check(() => parseRoleMap(oidc.roleMap ?? "", oidcRoleMap));
  check(() => parseTrueFalse(oidc.emailVerifiedByIssuer, oidcEmailVerifiedByIssuer));
  if (oidc.clientSecretName !== undefined && !SECRET_NAME.test(oidc.clientSecretName)) {
    problems.push(`${CONFIG_VARIABLES.oidcClientSecretName} is not a Secrets Manager secret name: "${oidc.clientSecretName}"`);
  }
  for (const [refused, instead] of Object.entries(REFUSED_SECRET_VALUES)) {
    if (nonEmpty(env[refused]) !== undefined) {
      problems.push(
        `${refused} must not be set: a secret's value does not belong in the deploy configuration. ` +
          `Store it in Secrets Manager and set ${instead} to the secret's name`,
      );
    }
  }

  if (problems.length > 0) {
    throw new DeployConfigError(
      `Configuration for stage "${stage}" is incomplete:\n  - ${problems.join("\n  - ")}\n` +
        `Set the values in .env.${stage} (see docs/deploy.md).`,
    );
  }
  return {
    stage,
    production: isProductionStage(stage),
    teamMailbox,
    emailSender,
    emailIdentity,
    emailIdentityExists: identityExists === "true",
    alarmEmail,
    appUrl,
    // Not null: a value it refused is among the problems above.
    reconcileMinutes: reconcileMinutes!,
    oidc,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}
