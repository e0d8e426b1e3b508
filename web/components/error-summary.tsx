/**
 * The error summary at the top of a page with validation errors: each error once, each a link to its field
 * (web/assets/script.ts moves focus onto the field itself). It takes focus when the page loads (`autofocus`, no
 * script needed), so a screen reader announces it first.
 */
import { useContext } from "hono/jsx";
import { fieldId } from "./fields";
import { MessagesContext } from "./messages-context";

export interface SummaryError {
  /** The field's name; the link goes to `#fieldId(field)`. */
  field: string;
  /** In the page's language, the same text as beside the field. */
  message: string;
  /** Where the link goes when the field is on another page (check your answers links to the question's page). */
  href?: string;
}

export function ErrorSummary({ errors }: { errors: readonly SummaryError[] }) {
  const messages = useContext(MessagesContext);
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" tabindex={-1} autofocus aria-labelledby="error-summary-title" data-module="error-summary">
      <div role="alert">
        <h2 class="error-summary__title" id="error-summary-title">
          {messages.t("errorSummary.title")}
        </h2>
        <ul class="error-summary__list">
          {errors.map((error) => (
            <li>
              <a href={error.href ?? `#${fieldId(error.field)}`}>{error.message}</a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
