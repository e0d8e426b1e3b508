/**
 * The agreement page, the address every reminder email and calendar event links to: the terms, the parties, the
 * period, the money, the decision, the sub-efforts as a board, the reminders, the reports and invitations, and the
 * audit trail as a timeline. The actions shown are those the lifecycle allows now (functions/domain/lifecycle.ts)
 * that the person's role may take; a viewer sees none.
 */
import { can, type Permission, type StaffPrincipal } from "../../functions/api/auth/principal";
import { ACTIVITY_STATUSES, lastDayInForce, type Agreement } from "../../functions/domain/agreement";
import { daysBetween, type CalendarDate } from "../../functions/domain/dates";
import { availableActions, type Action, type AuditEvent } from "../../functions/domain/lifecycle";
import { reportIdOf, type Report } from "../../functions/domain/reports";
import type { ReminderState, ReminderView } from "../../functions/app/reminders";
import type { Invitation } from "../../functions/store/report-links";
import type { UndeliverableAddress } from "../../functions/store/undeliverable-addresses";
import { Board, type BoardCard } from "../components/board";
import { Button } from "../components/button";
import { Form } from "../components/form";
import { Page } from "../components/layout";
import { NotificationBanner } from "../components/notification-banner";
import { SummaryList, type SummaryRow } from "../components/summary-list";
import { Table } from "../components/table";
import { StatusTag, Tag, type ActivityStatus, type TagColour } from "../components/tag";
import { Timeline } from "../components/timeline";
import type { PageContext } from "../context";
import type { Messages } from "../i18n/catalogue";
import { agreementPath, timelineEntries } from "./agreement-words";

/** What the page shows, read by the route through the use cases. */
export interface AgreementView {
  agreement: Agreement;
  events: readonly AuditEvent[];
  reminders: readonly ReminderView[];
  reports: readonly Report[];
  invitations: readonly Invitation[];
  undeliverable: readonly UndeliverableAddress[];
  /** The application's clock (movable locally and in tests), and the day it is in Stockholm. */
  now: Date;
  today: CalendarDate;
}

/** Why sending a reminder again did not go through, said above the page. */
export const RESEND_PROBLEMS = ["notSent", "mayHaveBeenSent", "notUncertain"] as const;
export type ResendProblem = (typeof RESEND_PROBLEMS)[number];

/** What a person did just before landing here, for the success banner (`?done=`). */
export const DONE_MESSAGES = ["decided", "terminated", "invited", "withdrawn", "resent"] as const;
export type Done = (typeof DONE_MESSAGES)[number];

/** The lifecycle's actions people take (the others are the workflow's), and inviting to report. */
type PersonAction = Extract<Action, "submit" | "decide" | "update" | "renew" | "terminate" | "withdraw"> | "invite";

/** A page the agreement's actions lead to, and the permission it takes. */
interface PageAction {
  action: PersonAction;
  permission: Permission;
  href: (id: string) => string;
  variant: "primary" | "secondary" | "warning";
}

/** The lifecycle's actions a person takes on a page of their own, in the order they are offered. */
const PAGE_ACTIONS: readonly PageAction[] = [
  { action: "submit", permission: "edit", href: (id) => `${agreementPath(id)}/check`, variant: "primary" },
  { action: "decide", permission: "decide", href: (id) => `${agreementPath(id)}/decision`, variant: "primary" },
  { action: "update", permission: "edit", href: (id) => `${agreementPath(id)}/edit`, variant: "secondary" },
  { action: "renew", permission: "edit", href: (id) => `${agreementPath(id)}/renew`, variant: "secondary" },
  { action: "invite", permission: "edit", href: (id) => `${agreementPath(id)}/invite`, variant: "secondary" },
  { action: "terminate", permission: "edit", href: (id) => `${agreementPath(id)}/terminate`, variant: "warning" },
  { action: "withdraw", permission: "edit", href: (id) => `${agreementPath(id)}/withdraw`, variant: "warning" },
];

/** Statuses in which associations are asked for reports (functions/app/invitations.ts accepts the same). */
const REPORTING_STATUSES: readonly Agreement["status"][] = ["approved", "active", "expired", "renewed", "terminated"];

export function canInvite(agreement: Agreement): boolean {
  return REPORTING_STATUSES.includes(agreement.status) && (agreement.reportingRequirements ?? []).length > 0;
}

/** The actions this person may take on the agreement now. */
export function actionsFor(agreement: Agreement, principal: StaffPrincipal): PageAction[] {
  const allowed = availableActions(agreement);
  return PAGE_ACTIONS.filter(
    (entry) => can(principal, entry.permission) && (entry.action === "invite" ? canInvite(agreement) : allowed.includes(entry.action)),
  );
}

export interface AgreementPageProps {
  context: PageContext;
  principal: StaffPrincipal;
  view: AgreementView;
  done?: Done | undefined;
  resendProblem?: ResendProblem | undefined;
}

export function AgreementPage({ context, principal, view, done, resendProblem }: AgreementPageProps) {
  const { t } = context.messages;
  const { agreement } = view;
  const title = agreement.title ?? t("agreement.untitled");
  const actions = actionsFor(agreement, principal);
  return (
    <Page context={context} title={title}>
      {done === undefined ? null : (
        <NotificationBanner kind="success">
          <p>{t(`agreement.done.${done}`)}</p>
        </NotificationBanner>
      )}
      {resendProblem === undefined ? null : (
        <NotificationBanner>
          <p>{t(`agreement.reminders.problem.${resendProblem}`)}</p>
        </NotificationBanner>
      )}
      <div class="agreement">
        <p class="agreement__caption">
          {agreement.municipality?.organisation ?? ""} <StatusTag status={agreement.status} />
        </p>
        <h1>{title}</h1>
        {actions.length === 0 ? null : (
          <nav class="agreement__actions" aria-label={t("agreement.actions")}>
            {actions.map((entry) => (
              <Button href={entry.href(agreement.id)} variant={entry.variant}>
                {t(`agreement.action.${entry.action}`)}
              </Button>
            ))}
          </nav>
        )}
        <Terms context={context} view={view} />
        <Parties context={context} view={view} />
        <Money context={context} agreement={agreement} />
        <DecisionSection context={context} agreement={agreement} />
        <SubEfforts context={context} agreement={agreement} />
        <Reminders context={context} view={view} mayResend={can(principal, "edit")} />
        <Reports context={context} view={view} />
        <Invitations context={context} view={view} />
        <h2 id="timeline">{t("agreement.timeline")}</h2>
        <Timeline entries={timelineEntries(view.events, context.messages)} />
      </div>
    </Page>
  );
}

function Terms({ context, view }: { context: PageContext; view: AgreementView }) {
  const { t, date, number } = context.messages;
  const { agreement, today } = view;
  const rows: SummaryRow[] = [{ key: t("agreement.purpose"), value: agreement.purpose ?? t("agreement.notGiven") }];
  if (agreement.period !== undefined) {
    const { start, end } = agreement.period;
    rows.push({ key: t("agreement.period"), value: t("agreement.periodValue", { start: date(start), end: date(end) }) });
    const lastDay = lastDayInForce({ ...agreement, period: agreement.period });
    if (agreement.status === "approved" || agreement.status === "active") {
      const left = daysBetween(today, lastDay);
      rows.push({
        key: t("agreement.daysLeft"),
        value: today < start ? t("agreement.startsIn", { days: number(daysBetween(today, start)) }) : t("agreement.daysLeftValue", { days: number(left), date: date(lastDay) }),
      });
    }
  } else {
    rows.push({ key: t("agreement.period"), value: t("agreement.notGiven") });
  }
  rows.push({
    key: t("agreement.noticePeriod"),
    value: agreement.noticePeriodMonths == null || agreement.noticePeriodMonths === 0 ? t("agreement.noNoticePeriod") : t("agreement.noticeMonths", { months: agreement.noticePeriodMonths }),
  });
  if (agreement.termination != null) {
    const { ground, givenOn, effectiveDate, reason } = agreement.termination;
    rows.push({
      key: t("agreement.termination"),
      value: (
        <>
          {t(`agreement.ground.${ground}`)}. {t("agreement.terminationValue", { givenOn: date(givenOn), effectiveDate: date(effectiveDate) })}
          {reason === undefined ? null : <> {reason}</>}
        </>
      ),
    });
  }
  if (agreement.renewalOf !== null) rows.push({ key: t("agreement.renewalOf"), value: <a href={agreementPath(agreement.renewalOf)}>{agreement.renewalOf}</a> });
  if (agreement.renewedBy !== null) rows.push({ key: t("agreement.renewedBy"), value: <a href={agreementPath(agreement.renewedBy)}>{agreement.renewedBy}</a> });
  rows.push({ key: t("agreement.procurement"), value: agreement.procurementAssessment ?? t("agreement.notGiven") });
  return (
    <>
      <h2>{t("agreement.terms")}</h2>
      <SummaryList rows={rows} />
    </>
  );
}

/** An email address, marked when email does not reach it. */
function Address({ messages, address, undeliverable }: { messages: Messages; address: string; undeliverable: readonly UndeliverableAddress[] }) {
  const marked = undeliverable.find((record) => record.address === address.toLowerCase());
  return (
    <>
      <a href={`mailto:${address}`}>{address}</a>
      {marked === undefined ? null : (
        <>
          {" "}
          <Tag colour="red" text={messages.t("agreement.undeliverable")} />{" "}
          <span class="agreement__undeliverable">{messages.t(`agreement.undeliverable.${marked.reason}`, { date: messages.dateTime(new Date(marked.reportedAt)) })}</span>
        </>
      )}
    </>
  );
}

function Parties({ context, view }: { context: PageContext; view: AgreementView }) {
  const { messages } = context;
  const { t } = messages;
  const { agreement, undeliverable } = view;
  const person = (name: string, email: string | undefined, extra: (string | undefined)[]) => (
    <>
      {[name, ...extra.filter((part) => part !== undefined && part !== "")].join(", ")}
      {email === undefined ? null : (
        <>
          <br />
          <Address messages={messages} address={email} undeliverable={undeliverable} />
        </>
      )}
    </>
  );
  const rows: SummaryRow[] = [];
  if (agreement.municipality !== undefined) {
    rows.push({ key: t("agreement.municipality"), value: agreement.municipality.organisation });
    rows.push({ key: t("agreement.decidingBody"), value: agreement.municipality.decidingBody });
  }
  for (const association of agreement.associations ?? []) {
    rows.push({
      key: t("agreement.association"),
      value: (
        <>
          {association.name} ({association.organisationNumber})
          {association.contact === undefined ? null : (
            <>
              <br />
              {t("agreement.contact")}: {person(association.contact.name, association.contact.email, [association.contact.role])}
            </>
          )}
        </>
      ),
    });
  }
  for (const partner of agreement.otherPartners ?? []) {
    rows.push({ key: t("agreement.partner"), value: [partner.name, partner.role].filter((part) => part !== undefined).join(", ") });
  }
  if (agreement.responsibleOfficer !== undefined) {
    const officer = agreement.responsibleOfficer;
    rows.push({ key: t("agreement.responsibleOfficer"), value: person(officer.name, officer.email, [officer.phone]) });
  }
  for (const contact of agreement.contacts ?? []) {
    rows.push({ key: t("agreement.otherContact"), value: person(contact.name, contact.email, [contact.role, contact.organisation, contact.phone]) });
  }
  return (
    <>
      <h2>{t("agreement.parties")}</h2>
      {rows.length === 0 ? <p>{t("agreement.notGiven")}</p> : <SummaryList rows={rows} />}
    </>
  );
}

function Money({ context, agreement }: { context: PageContext; agreement: Agreement }) {
  const { t, amount } = context.messages;
  const budget = agreement.budget ?? [];
  const total = budget.reduce((sum, entry) => sum + entry.amountSek, 0);
  const coFinancing = agreement.coFinancing;
  return (
    <>
      <h2>{t("agreement.money")}</h2>
      {budget.length === 0 ? (
        <p>{t("agreement.noBudget")}</p>
      ) : (
        <Table
          caption={t("agreement.budget")}
          head={[t("agreement.year"), t("agreement.amount")]}
          rows={[...budget.map((entry) => [String(entry.year), amount(entry.amountSek)]), [t("agreement.total"), amount(total)]]}
          numeric={[1]}
        />
      )}
      <h3>{t("agreement.coFinancing")}</h3>
      <p>
        {coFinancing == null
          ? t("agreement.noCoFinancing")
          : coFinancing.amountSek === undefined
            ? coFinancing.description
            : t("agreement.coFinancingValue", { description: coFinancing.description, amount: amount(coFinancing.amountSek) })}
      </p>
    </>
  );
}

function DecisionSection({ context, agreement }: { context: PageContext; agreement: Agreement }) {
  const { t, date } = context.messages;
  const decision = agreement.decision;
  return (
    <>
      <h2>{t("agreement.decision")}</h2>
      {decision === null ? (
        <p>{agreement.status === "proposed" ? t("agreement.awaitingDecision") : t("agreement.noDecision")}</p>
      ) : (
        <SummaryList
          rows={[
            { key: t("agreement.decision.outcome"), value: t(`agreement.outcome.${decision.outcome}`) },
            { key: t("agreement.decision.body"), value: decision.body },
            { key: t("agreement.decision.date"), value: date(decision.date) },
            { key: t("agreement.decision.diaryNumber"), value: decision.diaryNumber },
            { key: t("agreement.decision.minuteReference"), value: decision.minuteReference },
          ]}
        />
      )}
    </>
  );
}

function SubEfforts({ context, agreement }: { context: PageContext; agreement: Agreement }) {
  const { t } = context.messages;
  const subEfforts = agreement.subEfforts ?? [];
  const cards = Object.fromEntries(
    ACTIVITY_STATUSES.map((status) => [
      status,
      subEfforts.filter((effort) => effort.activityStatus === status).map((effort): BoardCard => ({ title: effort.name, description: effort.description })),
    ]),
  ) as Record<ActivityStatus, BoardCard[]>;
  return (
    <>
      <h2>{t("agreement.subEfforts")}</h2>
      {subEfforts.length === 0 ? (
        <p>{t("agreement.noSubEfforts")}</p>
      ) : (
        <>
          <p>{t("agreement.boardIntro")}</p>
          <Board cards={cards} emptyText={t("agreement.boardEmpty")} />
        </>
      )}
    </>
  );
}

const REMINDER_COLOURS: Record<ReminderState, TagColour> = { planned: "grey", sending: "blue", pending: "yellow", sent: "green", uncertain: "red", skipped: "grey" };

/** Every reminder, planned, sent, skipped or uncertain; an uncertain one can be sent again by staff who may edit. */
function Reminders({ context, view, mayResend }: { context: PageContext; view: AgreementView; mayResend: boolean }) {
  const { t, date } = context.messages;
  const { agreement, reminders } = view;
  const rows = reminders.map((reminder) => [
    t(`agreement.reminders.kind.${reminder.kind}`, { date: date(reminder.concerns) }),
    date(reminder.sendOn),
    <>
      <Tag colour={REMINDER_COLOURS[reminder.state]} text={t(`agreement.reminders.state.${reminder.state}`)} />
      {reminder.skipReason === undefined ? null : <span class="agreement__reminder-why">{t(`agreement.reminders.skipped.${reminder.skipReason}`)}</span>}
    </>,
    (reminder.recipients ?? []).join(", "),
    reminder.canResend && mayResend ? (
      <Form action={`${agreementPath(agreement.id)}/reminders/${encodeURIComponent(reminder.id)}/send-again`} csrfToken={context.csrfToken}>
        <button type="submit" class="button button--secondary button--small">
          {t("agreement.reminders.sendAgain")}
          <span class="visually-hidden"> {t(`agreement.reminders.kind.${reminder.kind}`, { date: date(reminder.concerns) })}</span>
        </button>
      </Form>
    ) : (
      ""
    ),
  ]);
  return (
    <>
      <h2 id="reminders">{t("agreement.reminders")}</h2>
      {rows.length === 0 ? (
        <p>{t("agreement.noReminders")}</p>
      ) : (
        <Table
          caption={t("agreement.reminders")}
          captionVisible={false}
          head={[t("agreement.reminders.what"), t("agreement.reminders.sendOn"), t("agreement.reminders.state"), t("agreement.reminders.recipients"), t("agreement.reminders.action")]}
          rows={rows}
        />
      )}
    </>
  );
}

/** Every due date of every reporting requirement, with the report the association started for it, if any. */
function Reports({ context, view }: { context: PageContext; view: AgreementView }) {
  const { t, date, number } = context.messages;
  const { agreement, reports } = view;
  const requirements = agreement.reportingRequirements ?? [];
  const byId = new Map(reports.map((report) => [report.reportId, report]));
  const rows = requirements
    .flatMap((requirement) => requirement.dueDates.map((due) => ({ requirement, due, report: byId.get(reportIdOf(requirement.id, due)) })))
    .sort((a, b) => a.due.localeCompare(b.due))
    .map(({ requirement, due, report }) => [
      `${t(`agreement.reportKind.${requirement.kind}`)}${requirement.description === "" ? "" : `: ${requirement.description}`}`,
      date(due),
      report === undefined ? t("agreement.report.notStarted") : t(`agreement.report.${report.status}`),
      number(report?.submissions ?? 0),
      report === undefined ? (
        ""
      ) : (
        <a href={`/reports/${encodeURIComponent(report.reportId)}?agreement=${encodeURIComponent(agreement.id)}`}>
          {t("agreement.report.open")}
          <span class="visually-hidden"> {date(due)}</span>
        </a>
      ),
    ]);
  return (
    <>
      <h2>{t("agreement.reports")}</h2>
      {rows.length === 0 ? (
        <p>{t("agreement.noReports")}</p>
      ) : (
        <Table
          caption={t("agreement.reports")}
          captionVisible={false}
          head={[t("agreement.report.requirement"), t("agreement.report.due"), t("agreement.report.status"), t("agreement.report.versions"), t("agreement.report.link")]}
          rows={rows}
          numeric={[3]}
        />
      )}
    </>
  );
}

function Invitations({ context, view }: { context: PageContext; view: AgreementView }) {
  const { messages } = context;
  const { t, date, dateTime } = messages;
  const { invitations, undeliverable, now } = view;
  const stateOf = (invitation: Invitation) =>
    invitation.revokedAt !== null
      ? t("agreement.invitation.revoked")
      : new Date(invitation.expiresAt) <= now
        ? t("agreement.invitation.expired")
        : t("agreement.invitation.working");
  return (
    <>
      <h2>{t("agreement.invitations")}</h2>
      {invitations.length === 0 ? (
        <p>{t("agreement.noInvitations")}</p>
      ) : (
        <Table
          caption={t("agreement.invitations")}
          captionVisible={false}
          head={[t("agreement.invitation.to"), t("agreement.invitation.report"), t("agreement.invitation.sent"), t("agreement.invitation.state")]}
          rows={invitations.map((invitation) => [
            <Address messages={messages} address={invitation.email} undeliverable={undeliverable} />,
            date(invitation.dueDate),
            `${dateTime(new Date(invitation.createdAt))}, ${invitation.createdBy}`,
            stateOf(invitation),
          ])}
        />
      )}
    </>
  );
}
