/**
 * The signed-in start page until the dashboard replaces it: who you are, what your roles let you do, and where
 * the work is done today (the API and its documentation).
 */
import { PERMISSIONS, can, type StaffPrincipal } from "../../functions/api/auth/principal";
import { Page } from "../components/layout";
import { SummaryList } from "../components/summary-list";
import type { PageContext } from "../context";

export function HomePage({ context, principal }: { context: PageContext; principal: StaffPrincipal }) {
  const { t } = context.messages;
  const permissions = PERMISSIONS.filter((permission) => can(principal, permission));
  return (
    <Page context={context} title={t("home.title")}>
      <h1>{t("home.heading", { name: principal.name ?? principal.email })}</h1>
      <p class="lead">{t("home.lead")}</p>
      <h2>{t("home.you")}</h2>
      <SummaryList
        rows={[
          { key: t("home.name"), value: principal.name ?? principal.email },
          { key: t("home.email"), value: principal.email },
          { key: t("home.roles"), value: principal.roles.map((role) => t(`role.${role}`)).join(", ") },
          {
            key: t("home.mayDo"),
            value: (
              <ul class="list">
                {permissions.map((permission) => (
                  <li>{t(`permission.${permission}`)}</li>
                ))}
              </ul>
            ),
          },
        ]}
      />
      <h2>{t("home.workHeading")}</h2>
      <p>{t("home.work")}</p>
      <ul class="list">
        <li>
          <a href="/api/docs">{t("home.apiDocs")}</a>
        </li>
        <li>
          <a href="/api/openapi.json">{t("home.openApi")}</a>
        </li>
        <li>
          <a href="/help">{t("home.helpLink")}</a>
        </li>
      </ul>
    </Page>
  );
}
