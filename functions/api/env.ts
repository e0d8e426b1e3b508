import type { StaffPrincipal } from "./auth/principal";

/** The Hono environment every route shares: what middleware has established about the request. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** null for an anonymous request; routes that need a person check a permission. */
    principal: StaffPrincipal | null;
  };
}
