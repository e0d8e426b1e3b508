/**
 * A draft's task list (/agreements/{id}/edit): each section with how far it has come, in words, and the way on to
 * check your answers. A draft may be saved incomplete; only submitting asks for everything.
 */
import type { Agreement } from "../../functions/domain/agreement";
import { Button } from "../components/button";
import { Page } from "../components/layout";
import { NotificationBanner } from "../components/notification-banner";
import { TaskList, type TaskListItem } from "../components/task-list";
import type { TagColour } from "../components/tag";
import type { PageContext } from "../context";
import { SECTIONS, sectionStatus, type SectionId, type SectionStatus } from "../draft-form";
import { draftPath, sectionPath } from "./draft-section";

const STATUS_COLOURS: Record<SectionStatus, TagColour | undefined> = { completed: undefined, inProgress: "yellow", notStarted: "blue" };

export function DraftTasksPage({ context, agreement, saved }: { context: PageContext; agreement: Agreement; saved?: SectionId }) {
  const { t } = context.messages;
  const statuses = SECTIONS.map((section) => sectionStatus(section, agreement));
  const items: TaskListItem[] = SECTIONS.map((section, index) => ({
    id: `task-${section}`,
    name: t(`draft.section.${section}`),
    hint: t(`draft.section.${section}.hint`),
    href: sectionPath(agreement.id, section),
    status: t(`draft.status.${statuses[index]!}`),
    statusColour: STATUS_COLOURS[statuses[index]!],
  }));
  const title = t("draft.tasks.title", { title: agreement.title ?? t("draft.tasks.untitled") });
  return (
    <Page context={context} title={title}>
      {saved === undefined ? null : (
        <NotificationBanner kind="success">
          <p>{t("draft.tasks.saved", { section: t(`draft.section.${saved}`) })}</p>
        </NotificationBanner>
      )}
      <h1>{title}</h1>
      <p>{t("draft.tasks.intro")}</p>
      {agreement.renewalOf === null ? null : (
        <p>
          {t("draft.tasks.renewalOf")} <a href={`/agreements/${encodeURIComponent(agreement.renewalOf)}`}>{t("draft.tasks.toAgreement")}</a>
        </p>
      )}
      <p>{t("draft.tasks.progress", { done: statuses.filter((status) => status === "completed").length, total: SECTIONS.length })}</p>
      <TaskList items={items} />
      <h2>{t("draft.tasks.checkHeading")}</h2>
      <p>{t("draft.tasks.checkText")}</p>
      <Button href={draftPath(agreement.id, "check")}>{t("draft.tasks.check")}</Button>
    </Page>
  );
}

/** For an agreement that has left draft: its terms are no longer edited here. */
export function NotDraftPage({ context, agreement }: { context: PageContext; agreement: Agreement }) {
  const { t } = context.messages;
  return (
    <Page context={context} title={t("draft.notDraft.title")}>
      <h1>{t("draft.notDraft.title")}</h1>
      <p>{t("draft.notDraft.body")}</p>
      <p>
        <a href={`/agreements/${encodeURIComponent(agreement.id)}`}>{t("draft.tasks.toAgreement")}</a>
      </p>
    </Page>
  );
}
