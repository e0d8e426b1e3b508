/**
 * `POST /api/dev/token`, local only: a Bearer token for a seeded user, for scripts and tests. The token is signed
 * by the local OpenID Connect provider and verified like any issuer's token; the deployed app has no such route.
 */
import { Hono } from "hono";
import * as z from "zod";
import { fieldErrorsFromZod } from "../domain/errors";
import type { AppEnv } from "./env";
import { problemResponse } from "./problems";

export const DEV_TOKEN_PATH = "/api/dev/token";

/** Issues Bearer tokens for the seeded local users; only the local runtime has one. */
export interface DevTokenIssuer {
  /** A signed token for the user, or null when there is no such local user. */
  issueToken(email: string): Promise<string | null>;
}

const requestSchema = z.object({ email: z.string().trim().min(1, "Enter the email address of a local user") });

export function devTokenRoutes(issuer: DevTokenIssuer): Hono<AppEnv> {
  return new Hono<AppEnv>().post(DEV_TOKEN_PATH, async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) {
      const detail = 'Send JSON like { "email": "editor@example.se" }';
      return problemResponse(c, 400, "Invalid request", detail, fieldErrorsFromZod(parsed.error));
    }
    const token = await issuer.issueToken(parsed.data.email);
    if (token === null) {
      const message = `There is no local user ${parsed.data.email}`;
      return problemResponse(c, 400, "Unknown user", message, [{ path: "email", message }]);
    }
    c.header("Cache-Control", "no-store");
    return c.json({ token });
  });
}
