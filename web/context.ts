/**
 * What every page knows about its request: the language's messages, who is signed in, the CSRF token its forms
 * carry, and the address it was asked for (the language switch links back to it). Built once per request by the
 * routes (web/routes.ts) and handed to the layout and the pages.
 */
import type { StaffPrincipal } from "../functions/api/auth/principal";
import type { Messages } from "./i18n/catalogue";

export interface PageContext {
  messages: Messages;
  principal: StaffPrincipal | null;
  /** The token every form posts in its hidden field (web/csrf.ts). */
  csrfToken: string;
  /** The path and query of this page without `lang`: the language switch adds its own. */
  path: string;
  requestId: string;
}
