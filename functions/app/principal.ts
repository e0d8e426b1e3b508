/**
 * Who acts in a use case, and the check every staff use case makes first: the JSON routes check the same
 * permission before they call, and a page or a handler that forgets to cannot get past this one.
 */
import { actorOf, can, type Permission, type StaffPrincipal } from "../api/auth/principal";
import type { Actor } from "../domain/agreement";
import { NotPermittedError } from "./errors";

/** The signed-in staff member a use case acts for. */
export type Principal = StaffPrincipal;

/** The actor the audit trail names, once the principal is known to hold `permission`. */
export function permitted(principal: Principal, permission: Permission): Actor {
  if (!can(principal, permission)) throw new NotPermittedError(principal, permission);
  return actorOf(principal);
}
