/** The start page for someone not signed in: what the service is, sign-in for staff, and where associations go. */
import { Button } from "../components/button";
import { Page } from "../components/layout";
import type { PageContext } from "../context";

export function SignInPage({ context, returnTo }: { context: PageContext; returnTo: string }) {
  const { t } = context.messages;
  return (
    <Page context={context} title={t("signIn.title")}>
      <h1>{t("layout.productName")}</h1>
      <p class="lead">{t("signIn.lead")}</p>
      <p>{t("signIn.staff")}</p>
      <Button href={`/auth/login?${new URLSearchParams({ returnTo }).toString()}`}>{t("signIn.button")}</Button>
      <h2>{t("signIn.associationsHeading")}</h2>
      <p>{t("signIn.associations")}</p>
    </Page>
  );
}
