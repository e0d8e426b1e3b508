/**
 * A form of the pages: posted to this site, with the CSRF token every post needs (web/csrf.ts), and `novalidate`
 * so the server's messages from the catalogue are the ones people see, not the browser's own.
 */
import type { Child } from "hono/jsx";
import { CSRF_FORM_FIELD } from "../../functions/api/auth/csrf";

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FORM_FIELD} value={token} />;
}

export interface FormProps {
  action: string;
  csrfToken: string;
  children: Child;
}

export function Form({ action, csrfToken, children }: FormProps) {
  return (
    <form method="post" action={action} novalidate>
      <CsrfField token={csrfToken} />
      {children}
    </form>
  );
}
