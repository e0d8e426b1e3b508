/**
 * Replaces `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias, see infra/bundling.ts);
 * never imported by the code that runs locally, which keeps the SDK's full default chain.
 *
 * Lambda always puts the execution role's credentials in the environment, which is the first link of the
 * SDK's default chain. The other links (SSO, ini files, credential processes, web identity, container and
 * instance metadata) never apply in Lambda, yet bundle the STS, SSO and sign-in clients: about 150 KB of the
 * API bundle and a third of its cold import.
 */

interface EnvironmentCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  accountId?: string;
}

/** Same name and call shape as the SDK's `defaultProvider`, reading only the Lambda environment. */
export function defaultProvider(_init?: unknown): () => Promise<EnvironmentCredentials> {
  return async () => {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: not running in AWS Lambda?");
    }
    const sessionToken = process.env.AWS_SESSION_TOKEN;
    const expiration = process.env.AWS_CREDENTIAL_EXPIRATION;
    const accountId = process.env.AWS_ACCOUNT_ID;
    return {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
      ...(expiration ? { expiration: new Date(expiration) } : {}),
      ...(accountId ? { accountId } : {}),
    };
  };
}
