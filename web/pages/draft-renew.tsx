/**
 * Starting a renewal (/agreements/{id}/renew): what the successor draft will be, and the button that creates it
 * through the renewal use case. The agreement page posts here too; either way the person lands on the successor's
 * task list.
 */
import { addDays } from "../../functions/domain/dates";
import type { Agreement } from "../../functions/domain/agreement";
import { Button } from "../components/button";
import { Form } from "../components/form";
import { Page } from "../components/layout";
import { NotificationBanner } from "../components/notification-banner";
import type { PageContext } from "../context";
import { draftPath } from "./draft-section";

export function DraftRenewPage({ context, agreement, notice }: { context: PageContext; agreement: Agreement; notice?: string }) {
  const { t, date } = context.messages;
  const title = t("draft.renew.title");
  return (
    <Page context={context} title={title}>
      {notice === undefined ? null : (
        <NotificationBanner>
          <p>{notice}</p>
        </NotificationBanner>
      )}
      <h1>{title}</h1>
      <p>{t("draft.renew.intro", { title: agreement.title ?? "", start: agreement.period === undefined ? "" : date(addDays(agreement.period.end, 1)) })}</p>
      <p>{t("draft.renew.next")}</p>
      <Form action={draftPath(agreement.id, "renew")} csrfToken={context.csrfToken}>
        <input type="hidden" name="version" value={String(agreement.version)} />
        <Button>{t("draft.renew.start")}</Button>
      </Form>
      <p>
        <a href={`/agreements/${encodeURIComponent(agreement.id)}`}>{t("draft.renew.cancel")}</a>
      </p>
    </Page>
  );
}
