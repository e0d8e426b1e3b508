/**
 * The API function's secrets, read from AWS Secrets Manager once per container, when it starts, and kept in memory.
 * The stacks (infra/Api.ts) put only each secret's id in the environment, never its value: whoever can read the
 * function's configuration or the CloudFormation template learns where a secret is kept, not what it is.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** Environment variables naming the secrets (an ARN or a name, as Secrets Manager accepts either). */
export const SECRET_ENVIRONMENT = {
  /** Signs list paging cursors (functions/store/cursor.ts); generated per stage by infra/Api.ts. */
  cursorSecretId: "CURSOR_SECRET_ID",
  /** The OpenID Connect client secret of a confidential client; unset for a public client (docs/auth.md). */
  oidcClientSecretId: "OIDC_CLIENT_SECRET_ID",
} as const;

export interface ApiSecrets {
  cursorSecret: string;
  oidcClientSecret: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export async function readApiSecrets(env: Env, client: SecretsManagerClient = new SecretsManagerClient({})): Promise<ApiSecrets> {
  const cursorSecretId = env[SECRET_ENVIRONMENT.cursorSecretId];
  if (cursorSecretId === undefined || cursorSecretId === "") throw new Error(`${SECRET_ENVIRONMENT.cursorSecretId} is not set`);
  const oidcClientSecretId = env[SECRET_ENVIRONMENT.oidcClientSecretId];
  const [cursorSecret, oidcClientSecret] = await Promise.all([
    readSecret(client, cursorSecretId),
    oidcClientSecretId === undefined || oidcClientSecretId === "" ? undefined : readSecret(client, oidcClientSecretId),
  ]);
  return { cursorSecret, oidcClientSecret };
}

async function readSecret(client: SecretsManagerClient, secretId: string): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (SecretString === undefined || SecretString === "") throw new Error(`Secret ${secretId} has no text value`);
  return SecretString;
}
