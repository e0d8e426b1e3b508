/**
 * A banner for something the person must know ("important") or for the outcome of what they just did
 * ("success", announced at once as an alert).
 */
import type { Child } from "hono/jsx";
import { useContext } from "hono/jsx";
import { MessagesContext } from "./messages-context";

export interface NotificationBannerProps {
  kind?: "important" | "success";
  children: Child;
}

export function NotificationBanner({ kind = "important", children }: NotificationBannerProps) {
  const { t } = useContext(MessagesContext);
  const titleId = `notification-${kind}-title`;
  return (
    <div class={`notification-banner notification-banner--${kind}`} role={kind === "success" ? "alert" : "region"} aria-labelledby={titleId}>
      <h2 class="notification-banner__title" id={titleId}>
        {t(kind === "success" ? "banner.success" : "banner.important")}
      </h2>
      <div class="notification-banner__content">{children}</div>
    </div>
  );
}
