/**
 * The local stand-in for the organisation's identity provider: a real OpenID Connect provider (`oidc-provider`)
 * on its own port, with the four seeded staff users, so that signing in locally runs the same authorization code
 * flow with PKCE, and the same token verification, as against Entra ID, Cognito or Keycloak.
 *
 * Given a data directory, it keeps its signing key and its port there, so tokens it issued before a restart are
 * still accepted after it (their `iss` names the port). Browser sessions are the application's own and survive a
 * restart anyway.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from "jose";
import Provider, { type Adapter, type AdapterPayload, type KoaContextWithOIDC } from "oidc-provider";
import type { Role } from "../api/auth/principal";
import type { OidcSettings } from "../api/auth/settings";
import type { DevTokenIssuer } from "../api/dev-token";
import type { Component, ComponentHealth } from "./components";
import { loadOrCreate, rememberedPort } from "./remembered";

export interface LocalUser {
  email: string;
  name: string;
  roles: Role[];
}

export const LOCAL_USERS: readonly LocalUser[] = [
  { email: "viewer@example.se", name: "Vera Viewer", roles: ["viewer"] },
  { email: "editor@example.se", name: "Erik Editor", roles: ["editor"] },
  { email: "registrar@example.se", name: "Rut Registrar", roles: ["registrar"] },
  { email: "admin@example.se", name: "Ada Admin", roles: ["admin"] },
];

/** The application as a client of the local provider: public, so it proves itself with PKCE. */
export const LOCAL_CLIENT_ID = "iop-lifecycle";
/** The `aud` of Bearer tokens for the API; deliberately not the client id, so the two checks cannot be confused. */
export const LOCAL_API_AUDIENCE = "iop-lifecycle-api";
export const LOCAL_SCOPES = "openid email profile roles";
const SIGNING_ALGORITHM = "RS256";
const TOKEN_LIFETIME_SECONDS = 60 * 60;
const SESSION_LIFETIME_SECONDS = 8 * 60 * 60;

export interface LocalOidcProviderOptions {
  /** The application's sign-in callback, e.g. http://localhost:3000/auth/callback. */
  redirectUri: string;
  /** Where the signing key and the port are kept across restarts; left out, both are new at every start. */
  dataDir?: string;
  /** Told when the remembered port is taken and a new one is used. */
  warn?: (line: string) => void;
}

export class LocalOidcProvider implements Component, DevTokenIssuer {
  readonly name = "oidc";
  readonly title = "OpenID Connect provider";
  readonly #options: LocalOidcProviderOptions;
  #running: { server: Server; issuer: string; privateKey: CryptoKey; kid: string } | null = null;

  constructor(options: LocalOidcProviderOptions) {
    this.#options = options;
  }

  /** e.g. http://localhost:41234 */
  get issuer(): string {
    return this.#started().issuer;
  }

  /** How the application verifies this provider's tokens and signs staff in with it. */
  get settings(): OidcSettings {
    return {
      issuer: this.issuer,
      clientId: LOCAL_CLIENT_ID,
      audience: LOCAL_API_AUDIENCE,
      rolesClaim: "roles",
      roleMap: new Map(),
      scopes: LOCAL_SCOPES,
    };
  }

  async start(): Promise<void> {
    const { dataDir, warn = () => {} } = this.#options;
    const newSigningKey = async (): Promise<string> => {
      const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
      return JSON.stringify({ ...(await exportJWK(privateKey)), kid: randomUUID(), alg: SIGNING_ALGORITHM, use: "sig" });
    };
    const signingKey = JSON.parse(
      dataDir === undefined ? await newSigningKey() : await loadOrCreate(path.join(dataDir, "signing-key.json"), newSigningKey),
    ) as JWK & { kid: string };
    const { kid } = signingKey;
    const privateKey = (await importJWK(signingKey, SIGNING_ALGORITHM)) as CryptoKey;
    const port = dataDir === undefined ? 0 : await rememberedPort(path.join(dataDir, "port"), "127.0.0.1", warn);

    // The issuer URL names the port, so the server listens before the provider exists and serves it from then on.
    let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
      response.statusCode = 503;
      response.end();
    };
    const server = createServer((request, response) => handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("The OpenID Connect provider has no port");
    // Named localhost, which browsers treat as a secure origin like the app's own http://localhost.
    const issuer = `http://localhost:${address.port}`;

    const provider = new Provider(issuer, this.#configuration(signingKey));
    const providerCallback = provider.callback();
    handle = (request, response) => {
      if (!/^\/interaction\/[\w-]+$/.test(new URL(request.url ?? "/", issuer).pathname)) {
        return providerCallback(request, response);
      }
      void signInPage(provider, request, response, this.#options.redirectUri).catch((error: unknown) => {
        response.statusCode = 400;
        response.setHeader("content-type", "text/plain; charset=utf-8");
        response.end(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    };
    this.#running = { server, issuer, privateKey, kid };
  }

  async stop(): Promise<void> {
    const running = this.#running;
    if (running === null) return;
    this.#running = null;
    await new Promise<void>((resolve) => {
      running.server.close(() => resolve());
      running.server.closeAllConnections();
    });
  }

  async health(): Promise<ComponentHealth> {
    const running = this.#running;
    if (running === null) return { ok: false, detail: "not running" };
    const response = await fetch(`${running.issuer}/.well-known/openid-configuration`);
    return response.ok ? { ok: true } : { ok: false, detail: `discovery answered ${response.status}` };
  }

  /** A Bearer token for the API, as the provider would issue it to the seeded user; null for anyone else. */
  async issueToken(email: string): Promise<string | null> {
    const user = localUser(email);
    if (user === undefined) return null;
    const { issuer, privateKey, kid } = this.#started();
    return new SignJWT({ email: user.email, email_verified: true, name: user.name, roles: user.roles })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: "at+jwt" })
      .setIssuer(issuer)
      .setAudience(LOCAL_API_AUDIENCE)
      .setSubject(subjectOf(user))
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
      .setJti(randomUUID())
      .sign(privateKey);
  }

  #started() {
    if (this.#running === null) throw new Error("The OpenID Connect provider is not running");
    return this.#running;
  }

  #configuration(signingKey: JWK) {
    return {
      jwks: { keys: [signingKey] },
      adapter: memoryAdapter(),
      clients: [
        {
          client_id: LOCAL_CLIENT_ID,
          token_endpoint_auth_method: "none",
          redirect_uris: [this.#options.redirectUri],
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      async findAccount(_context: KoaContextWithOIDC, accountId: string) {
        const user = LOCAL_USERS.find((candidate) => subjectOf(candidate) === accountId);
        if (user === undefined) return undefined;
        const { email, name, roles } = user;
        return { accountId, claims: () => ({ sub: accountId, email, email_verified: true, name, roles }) };
      },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], roles: ["roles"] },
      // The ID token carries the claims of the granted scopes, as Entra ID and Cognito do, not only userinfo.
      conformIdTokenClaims: false,
      // The application is first-party: the user is not asked to consent to it.
      async loadExistingGrant(context: KoaContextWithOIDC) {
        const { provider, client, session, result } = context.oidc;
        if (client === undefined || session?.accountId === undefined) return undefined;
        const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
        if (grantId !== undefined) return provider.Grant.find(grantId);
        const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
        grant.addOIDCScope(LOCAL_SCOPES);
        await grant.save();
        return grant;
      },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_context: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      cookies: { keys: [randomUUID()] },
      ttl: {
        AccessToken: TOKEN_LIFETIME_SECONDS,
        AuthorizationCode: 60,
        IdToken: TOKEN_LIFETIME_SECONDS,
        Interaction: 60 * 60,
        Session: SESSION_LIFETIME_SECONDS,
        Grant: SESSION_LIFETIME_SECONDS,
      },
    };
  }
}

function localUser(email: string): LocalUser | undefined {
  const wanted = email.trim().toLowerCase();
  return LOCAL_USERS.find((user) => user.email === wanted);
}

/** A stable subject that is not the email, as with real issuers. */
function subjectOf(user: LocalUser): string {
  return `local-${user.email.split("@")[0]}`;
}

/**
 * The provider's sign-in page: one email field, the seeded users listed. Any password would prove nothing here,
 * so none is asked for.
 */
async function signInPage(
  provider: Provider,
  request: IncomingMessage,
  response: ServerResponse,
  redirectUri: string,
): Promise<void> {
  const details = await provider.interactionDetails(request, response);
  let problem: string | undefined;
  let email = typeof details.params.login_hint === "string" ? details.params.login_hint : "";
  if (request.method === "POST") {
    email = new URLSearchParams(await readBody(request)).get("email")?.trim() ?? "";
    const user = localUser(email);
    if (user !== undefined) {
      await provider.interactionFinished(request, response, { login: { accountId: subjectOf(user) } }, {
        mergeWithLastSubmission: false,
      });
      return;
    }
    problem = email === "" ? "Enter the email address of a local user" : `There is no local user ${email}`;
  }
  response.statusCode = problem === undefined ? 200 : 400;
  response.setHeader("content-type", "text/html; charset=utf-8");
  response.setHeader("cache-control", "no-store");
  // After the form is posted the provider redirects to the application's callback, another origin.
  response.setHeader(
    "content-security-policy",
    `default-src 'none'; form-action 'self' ${new URL(redirectUri).origin}; frame-ancestors 'none'; base-uri 'none'`,
  );
  response.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in – local OpenID Connect provider</title></head>
<body>
<main>
<h1>Sign in</h1>
<p>This is the local OpenID Connect provider of IOP Lifecycle. Sign in as one of these users:</p>
<ul>
${LOCAL_USERS.map((user) => `<li>${user.email} (${user.roles.join(", ")})</li>`).join("\n")}
</ul>
<form method="post" action="/interaction/${escapeHtml(details.uid)}">
${problem === undefined ? "" : `<p id="email-error" role="alert">${escapeHtml(problem)}</p>`}
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}"${
    problem === undefined ? "" : ' aria-describedby="email-error" aria-invalid="true"'
  }>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The provider's short-lived state (sign-in sessions, codes, grants) in memory, for one process. */
function memoryAdapter(): (model: string) => Adapter {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > Date.now()) return entry.payload;
    entries.delete(key);
    return undefined;
  };
  return (model) => {
    const keyOf = (id: string) => `${model}:${id}`;
    const findBy = (field: "uid" | "userCode", value: string) => {
      for (const [key, entry] of entries) {
        if (key.startsWith(`${model}:`) && entry.payload[field] === value) return live(key);
      }
      return undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt = expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresIn * 1000;
        entries.set(keyOf(id), { payload, expiresAt });
      },
      async find(id) {
        return live(keyOf(id));
      },
      async findByUid(uid) {
        return findBy("uid", uid);
      },
      async findByUserCode(userCode) {
        return findBy("userCode", userCode);
      },
      async consume(id) {
        const payload = live(keyOf(id));
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        for (const [key, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(key);
      },
    };
  };
}
