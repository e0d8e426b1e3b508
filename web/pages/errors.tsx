/**
 * The pages' answers when something is wrong that no form field explains: not found, not permitted, a refused
 * post, the database out of reach, our fault.
 */
import { Page } from "../components/layout";
import type { PageContext } from "../context";

export type PageProblem = "notFound" | "forbidden" | "csrf" | "server" | "unavailable";

export function ErrorPage({ context, problem }: { context: PageContext; problem: PageProblem }) {
  const { t } = context.messages;
  const title = t(`error.${problem}.title`);
  return (
    <Page context={context} title={title}>
      <h1>{title}</h1>
      <p>{t(`error.${problem}.body`, { requestId: context.requestId })}</p>
      <p>
        <a href="/">{t("error.backToStart")}</a>
      </p>
    </Page>
  );
}
