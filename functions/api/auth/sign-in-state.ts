/**
 * A browser sign-in in flight (state, nonce, PKCE code verifier, where to return) kept in the browser's own cookie,
 * sealed, rather than in the table: starting a sign-in is anonymous, so it must cost the server nothing to store.
 *
 * The cookie is `v1.<iv>.<ciphertext>.<tag>`: AES-256-GCM under a key derived from the app's sign-in secret.
 * Authenticated encryption, so the browser can neither read the code verifier nor change any part without the
 * cookie being refused; the expiry inside makes it short-lived whatever the browser does with its Max-Age. It is
 * not single-use by itself; the authorization code it is redeemed with is (the issuer refuses a second
 * redemption), which is what makes the whole sign-in single-use. node:crypto rather than jose's JWE, which would
 * bring every JWE algorithm into the Lambda bundle for this one use.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import * as z from "zod";
/** What the callback needs from the request that started the sign-in. */
export interface SignInAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go after signing in: a path on this site. */
  returnTo: string;
}

export interface SignInSealer {
  /** The cookie value for an attempt that expires `lifetimeSeconds` from `now`. */
  seal(attempt: SignInAttempt, now: Date, lifetimeSeconds: number): Promise<string>;
  /** The attempt the cookie holds; null when it was altered, made with another key, or has expired. */
  open(cookie: string, now: Date): Promise<SignInAttempt | null>;
}

/** The sign-in secret must hold at least this many bytes (as text), like the cursor secret. */
export const MINIMUM_SECRET_LENGTH = 32;

const FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

const sealedSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(1),
  returnTo: z.string().startsWith("/"),
  /** Milliseconds since the epoch. */
  expiresAt: z.number().int(),
});

export function createSignInSealer(secret: string): SignInSealer {
  if (secret.length < MINIMUM_SECRET_LENGTH) {
    throw new Error(`The sign-in secret must be at least ${MINIMUM_SECRET_LENGTH} characters long`);
  }
  // A key of its own for this one use, so the secret could serve other purposes without the keys meeting.
  const key = Buffer.from(hkdfSync("sha256", secret, "", "iop-lifecycle sign-in state v1", 32));
  return {
    async seal(attempt, now, lifetimeSeconds) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(FORMAT));
      const plaintext = JSON.stringify({ ...attempt, expiresAt: now.getTime() + lifetimeSeconds * 1000 });
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [FORMAT, iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
    },
    async open(cookie, now) {
      const [format, iv, ciphertext, tag, ...rest] = cookie.split(".");
      if (format !== FORMAT || iv === undefined || ciphertext === undefined || tag === undefined || rest.length > 0) return null;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES })
          .setAAD(Buffer.from(FORMAT))
          .setAuthTag(Buffer.from(tag, "base64url"));
        const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
        const parsed = sealedSchema.safeParse(JSON.parse(plaintext.toString("utf8")));
        if (!parsed.success || parsed.data.expiresAt <= now.getTime()) return null;
        const { expiresAt: _expiresAt, ...attempt } = parsed.data;
        return attempt;
      } catch {
        // Altered, truncated, another key: to the person it is all the same — start again.
        return null;
      }
    },
  };
}
