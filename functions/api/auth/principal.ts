/**
 * Who is calling and what they may do. Staff sign in over OpenID Connect; the server checks a permission on every
 * route. Associations never sign in: their link token authorises one report and is handled separately.
 */
import type { Actor } from "../../domain/agreement";

export const ROLES = ["viewer", "editor", "registrar", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export const PERMISSIONS = ["read", "edit", "decide", "administer"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * viewer reads; editor drafts, submits, renews, terminates, invites and reviews reports; registrar records
 * decisions; admin manages users and settings and may do everything the others do.
 */
const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ["read"],
  editor: ["read", "edit"],
  registrar: ["read", "decide"],
  admin: ["read", "edit", "decide", "administer"],
};

export interface StaffPrincipal {
  /** The issuer's subject identifier. */
  subject: string;
  email: string;
  name?: string;
  roles: readonly Role[];
  /** How the request was authenticated; cookie sessions need CSRF protection, Bearer tokens do not. */
  via: "session" | "bearer";
  /** A cookie session's CSRF token, which the pages put in their forms. */
  csrfToken?: string;
}

export function can(principal: StaffPrincipal, permission: Permission): boolean {
  return principal.roles.some((role) => GRANTS[role].includes(permission));
}

export function actorOf(principal: StaffPrincipal): Actor {
  return { kind: "user", id: principal.email, email: principal.email };
}
