/**
 * The site functions' secrets, read from AWS Secrets Manager once per container, when it starts, and kept in memory;
 * each function reads only those it uses. The stacks (infra/Api.ts) put only each secret's id in the environment,
 * never its value: whoever can read the function's configuration or the CloudFormation template learns where a
 * secret is kept, not what it is.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SDK_LOGGER } from "../sdk-logger";

/** Environment variables naming the secrets (an ARN or a name, as Secrets Manager accepts either). */
export const SECRET_ENVIRONMENT = {
  /** Signs list paging cursors (functions/store/cursor.ts); generated per stage by infra/Api.ts. */
  cursorSecretId: "CURSOR_SECRET_ID",
  /** Seals the browser's sign-in state cookie (functions/api/auth/sign-in-state.ts); generated per stage. */
  signInSecretId: "SIGN_IN_SECRET_ID",
  /** The OpenID Connect client secret of a confidential client; unset for a public client (docs/auth.md). */
  oidcClientSecretId: "OIDC_CLIENT_SECRET_ID",
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** The secret both of the site's functions need: list cursors are signed in the API and on the pages alike. */
export async function readCursorSecret(env: Env, client: SecretsManagerClient = new SecretsManagerClient({ logger: SDK_LOGGER })): Promise<string> {
  return readSecret(client, requiredId(env, SECRET_ENVIRONMENT.cursorSecretId));
}

export interface SignInSecrets {
  signInSecret: string;
  oidcClientSecret: string | undefined;
}

/** The secrets of the browser sign-in, which only the pages' function runs. */
export async function readSignInSecrets(env: Env, client: SecretsManagerClient = new SecretsManagerClient({ logger: SDK_LOGGER })): Promise<SignInSecrets> {
  const oidcClientSecretId = env[SECRET_ENVIRONMENT.oidcClientSecretId];
  const [signInSecret, oidcClientSecret] = await Promise.all([
    readSecret(client, requiredId(env, SECRET_ENVIRONMENT.signInSecretId)),
    oidcClientSecretId === undefined || oidcClientSecretId === "" ? undefined : readSecret(client, oidcClientSecretId),
  ]);
  return { signInSecret, oidcClientSecret };
}

function requiredId(env: Env, name: string): string {
  const secretId = env[name];
  if (secretId === undefined || secretId === "") throw new Error(`${name} is not set`);
  return secretId;
}

async function readSecret(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (SecretString === undefined || SecretString === "") throw new Error(`Secret ${secretId} has no text value`);
  return SecretString;
}
