/** Buttons: one look for a submit button and for a link that starts something ("Logga in"). */
import type { Child } from "hono/jsx";

export interface ButtonProps {
  children: Child;
  variant?: "primary" | "secondary" | "warning";
  /** A link styled as a button, for an action that is a page to go to rather than a form to send. */
  href?: string;
  name?: string;
  value?: string;
  type?: "submit" | "button";
}

export function Button({ children, variant = "primary", href, name, value, type = "submit" }: ButtonProps) {
  const className = `button button--${variant}`;
  if (href !== undefined) {
    return (
      <a href={href} role="button" draggable={false} class={className}>
        {children}
      </a>
    );
  }
  return (
    <button type={type} class={className} name={name} value={value}>
      {children}
    </button>
  );
}
