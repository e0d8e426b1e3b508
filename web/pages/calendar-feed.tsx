/** The address of the person's calendar feed, just created: shown once, with how to subscribe and what it shows. */
import { Page } from "../components/layout";
import type { PageContext } from "../context";
import { AGREEMENT_LIST_PATH } from "./agreement-list";

export function CalendarFeedPage({ context, url }: { context: PageContext; url: string }) {
  const { t } = context.messages;
  return (
    <Page context={context} title={t("dashboard.feed.title")}>
      <h1>{t("dashboard.feed.title")}</h1>
      <p class="lead">{t("dashboard.feed.lead")}</p>
      <p>
        <strong>{t("dashboard.feed.address")}</strong>
        <br />
        <code class="feed-address">{url}</code>
      </p>
      <p>{t("dashboard.feed.secret")}</p>
      <p>
        <a href={AGREEMENT_LIST_PATH}>{t("dashboard.feed.back")}</a>
      </p>
    </Page>
  );
}
