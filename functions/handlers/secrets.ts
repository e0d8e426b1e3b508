/**
 * The API function's secrets, read from AWS Secrets Manager once per container, when it starts, and kept in memory.
 * The stacks (infra/Api.ts) put only each secret's id in the environment, never its value: whoever can read the
 * function's configuration or the CloudFormation template learns where a secret is kept, not what it is.
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

export interface ApiSecrets {
  cursorSecret: string;
  signInSecret: string;
  oidcClientSecret: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export async function readApiSecrets(env: Env, client: SecretsManagerClient = new SecretsManagerClient({ logger: SDK_LOGGER })): Promise<ApiSecrets> {
  const required = (name: string) => {
    const secretId = env[name];
    if (secretId === undefined || secretId === "") throw new Error(`${name} is not set`);
    return readSecret(client, secretId);
  };
  const oidcClientSecretId = env[SECRET_ENVIRONMENT.oidcClientSecretId];
  const [cursorSecret, signInSecret, oidcClientSecret] = await Promise.all([
    required(SECRET_ENVIRONMENT.cursorSecretId),
    required(SECRET_ENVIRONMENT.signInSecretId),
    oidcClientSecretId === undefined || oidcClientSecretId === "" ? undefined : readSecret(client, oidcClientSecretId),
  ]);
  return { cursorSecret, signInSecret, oidcClientSecret };
}

async function readSecret(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (SecretString === undefined || SecretString === "") throw new Error(`Secret ${secretId} has no text value`);
  return SecretString;
}
