/**
 * The agreement page and its forms: record a decision, terminate, invite an association to report, withdraw, and
 * send an uncertain reminder again. Each route reads through the use cases (functions/app), and each post calls
 * one and goes back to the agreement page with a success banner; refusals come back as the form with its errors,
 * what was typed kept.
 */
import { Hono, type Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type * as z from "zod";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import type { AppEnv } from "../../functions/api/env";
import type { Application } from "../../functions/app/application";
import { LifecycleRefusedError, ReminderNotUncertainError, ReminderResendFailedError, StaleVersionError, UseCaseError } from "../../functions/app/errors";
import { permitted } from "../../functions/app/principal";
import type { Agreement } from "../../functions/domain/agreement";
import { stockholmDate } from "../../functions/domain/dates";
import { fieldErrorsFromZod, type FieldError } from "../../functions/domain/errors";
import type { AuditEvent } from "../../functions/domain/lifecycle";
import type { Page, PageRequest } from "../../functions/store/paging";
import { MAX_PAGE_SIZE } from "../../functions/store/paging";
import { VersionConflictError } from "../../functions/store/errors";
import type { PageContext } from "../context";
import { formPoster } from "../csrf";
import { AgreementPage, canInvite, DONE_MESSAGES, RESEND_PROBLEMS, type AgreementView, type Done, type ResendProblem } from "../pages/agreement";
import { DECISION_FIELDS, DecisionPage, decisionFormSchema } from "../pages/agreement-decision";
import { freshForm, postedValues, postedVersion, type AgreementFormState } from "../pages/agreement-form";
import { defaultInviteEmail, INVITE_FIELDS, InvitePage, inviteFormSchema, reportChoices } from "../pages/agreement-invite";
import { TERMINATION_FIELDS, TerminatePage, terminationFormSchema } from "../pages/agreement-terminate";
import { agreementPath } from "../pages/agreement-words";
import { WITHDRAW_FIELDS, WithdrawPage, withdrawFormSchema } from "../pages/agreement-withdraw";
import { SignInPage } from "../pages/sign-in";
import { renderPage } from "../render";
import type { WebDependencies } from "../routes";

/** Every item of a paged list, page after page. */
async function everyItem<T>(read: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await read({ limit: MAX_PAGE_SIZE, cursor });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  return items;
}

/** Everything the agreement page shows, read through the use cases. */
export async function readAgreementView(application: Application, principal: StaffPrincipal, agreementId: string): Promise<AgreementView> {
  const agreement = await application.agreements.read(principal, agreementId);
  const [events, reminders, reports, invitations] = await Promise.all([
    everyItem((page) => application.agreements.events(principal, agreementId, page)),
    application.reminders.list(principal, agreementId),
    everyItem((page) => application.reports.list(principal, agreementId, page)),
    application.invitations.list(principal, agreementId),
  ]);
  const addresses = [
    ...(agreement.associations ?? []).flatMap((association) => association.contact?.email ?? []),
    ...(agreement.responsibleOfficer === undefined ? [] : [agreement.responsibleOfficer.email]),
    ...(agreement.contacts ?? []).flatMap((contact) => contact.email ?? []),
    ...invitations.map((invitation) => invitation.email),
  ];
  const undeliverable = await application.deliveries.undeliverable(principal, addresses);
  const now = application.now();
  return { agreement, events, reminders, reports, invitations, undeliverable, now, today: stockholmDate(now) };
}

/** The audit events after `version`: what someone else changed since a form was opened on it. */
async function eventsSince(application: Application, principal: StaffPrincipal, agreementId: string, version: number): Promise<AuditEvent[]> {
  const events = await everyItem((page) => application.agreements.events(principal, agreementId, page));
  return events.filter((event) => event.version > version);
}

function isDone(value: string | undefined): value is Done {
  return (DONE_MESSAGES as readonly string[]).includes(value ?? "");
}

function isResendProblem(value: string | undefined): value is ResendProblem {
  return (RESEND_PROBLEMS as readonly string[]).includes(value ?? "");
}

export function agreementRoutes(dependencies: WebDependencies): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const { application } = dependencies;

  /** The person signed in, or the sign-in page that brings them back here. */
  async function staffOr(c: Context<AppEnv>, principal: StaffPrincipal | null, page: (principal: StaffPrincipal) => Promise<Response>): Promise<Response> {
    if (principal === null) return renderPage(c, null, (context) => <SignInPage context={context} returnTo={c.req.path} />);
    return page(principal);
  }
  const viewing = async (c: Context<AppEnv>, page: (principal: StaffPrincipal) => Promise<Response>) => staffOr(c, await dependencies.authenticate(c), page);
  const posting = async (c: Context<AppEnv>, page: (principal: StaffPrincipal) => Promise<Response>) =>
    staffOr(c, await formPoster(c, dependencies.authenticate, dependencies.appOrigin), page);

  const backToAgreement = (c: Context<AppEnv>, agreementId: string, done: Done) => c.redirect(`${agreementPath(agreementId)}?done=${done}`, 303);

  /**
   * Runs a form's use case; a refusal comes back as the form: field errors beside the fields, a save on a version
   * someone else has moved on from with what they changed (and the new version, so sending again is a decision
   * made knowing it), any other refusal of the lifecycle said above the form.
   */
  async function submitted<Field extends string>(
    c: Context<AppEnv>,
    principal: StaffPrincipal,
    agreementId: string,
    form: AgreementFormState<Field>,
    act: () => Promise<unknown>,
    done: Done,
    show: (form: AgreementFormState<Field>, status: 400 | 409) => Response | Promise<Response>,
  ): Promise<Response> {
    try {
      await act();
      return backToAgreement(c, agreementId, done);
    } catch (error) {
      if (error instanceof StaleVersionError || error instanceof VersionConflictError) {
        const current = await application.agreements.read(principal, agreementId);
        return show({ ...form, errors: [], version: current.version, changedSince: await eventsSince(application, principal, agreementId, form.version) }, 409);
      }
      if (error instanceof LifecycleRefusedError) {
        const { fieldErrors } = error.refusal;
        return fieldErrors.length > 0 ? show({ ...form, errors: fieldErrors }, 400) : show({ ...form, refused: true }, 409);
      }
      if (error instanceof UseCaseError && (error.kind === "invalid" || error.kind === "conflict" || error.kind === "unavailable")) {
        return error.fieldErrors.length > 0 ? show({ ...form, errors: error.fieldErrors }, 400) : show({ ...form, refused: true }, 409);
      }
      throw error;
    }
  }

  routes.get("/agreements/:id", async (c, next) => {
    // The page that starts a draft has the same shape of address (web/routes/ of the drafts).
    if (c.req.param("id") === "new") return next();
    return viewing(c, async (principal) => {
      const view = await readAgreementView(application, principal, c.req.param("id"));
      const done = c.req.query("done");
      const resend = c.req.query("resend");
      return renderPage(c, principal, (context) => (
        <AgreementPage context={context} principal={principal} view={view} done={isDone(done) ? done : undefined} resendProblem={isResendProblem(resend) ? resend : undefined} />
      ));
    });
  });

  /**
   * The post of one of the agreement's forms: what was typed, checked by the form's schema, then the use case on
   * the version the form was opened on; `act` gets the checked input and that version.
   */
  function formPost<Field extends string, Input>(
    fields: readonly Field[],
    schema: z.ZodType<Input>,
    FormPage: (props: { context: PageContext; agreement: Agreement; form: AgreementFormState<Field> }) => JSX.Element,
    act: (principal: StaffPrincipal, action: { agreementId: string; expectedVersion: number }, input: Input) => Promise<unknown>,
    done: Done,
  ) {
    return (c: Context<AppEnv>) =>
      posting(c, async (principal) => {
        const agreement = await application.agreements.read(principal, c.req.param("id") ?? "");
        const body = await c.req.parseBody();
        const form: AgreementFormState<Field> = { values: postedValues(body, fields), errors: [], version: postedVersion(body) ?? agreement.version };
        const show = (shown: AgreementFormState<Field>, status: 400 | 409) => renderPage(c, principal, (context) => <FormPage context={context} agreement={agreement} form={shown} />, status);
        const parsed = schema.safeParse(form.values);
        if (!parsed.success) return show({ ...form, errors: fieldErrorsFromZod(parsed.error) }, 400);
        return submitted(c, principal, agreement.id, form, () => act(principal, { agreementId: agreement.id, expectedVersion: form.version }, parsed.data), done, show);
      });
  }

  // Send an uncertain reminder again: back to the page, which says how it went (a page to reload, not a post).
  routes.post("/agreements/:id/reminders/:reminderId/send-again", (c) =>
    posting(c, async (principal) => {
      const agreementId = c.req.param("id");
      let problem: ResendProblem;
      try {
        await application.reminders.resend(principal, { agreementId, reminderId: c.req.param("reminderId") });
        return backToAgreement(c, agreementId, "resent");
      } catch (error) {
        if (error instanceof ReminderResendFailedError) problem = error.surelyNotSent ? "notSent" : "mayHaveBeenSent";
        else if (error instanceof ReminderNotUncertainError) problem = "notUncertain";
        else throw error;
      }
      return c.redirect(`${agreementPath(agreementId)}?resend=${problem}#reminders`, 303);
    }),
  );

  // Record a decision.
  routes.get("/agreements/:id/decision", (c) =>
    viewing(c, async (principal) => {
      // A form the person could not send is not shown: the refusal comes now, as a page.
      permitted(principal, "decide");
      const agreement = await application.agreements.read(principal, c.req.param("id"));
      const form = freshForm(agreement, { body: agreement.municipality?.decidingBody ?? "" });
      return renderPage(c, principal, (context) => <DecisionPage context={context} agreement={agreement} form={form} />);
    }),
  );
  routes.post(
    "/agreements/:id/decision",
    formPost(DECISION_FIELDS, decisionFormSchema, DecisionPage, (principal, action, decision) => application.agreements.decide(principal, { ...action, decision }), "decided"),
  );

  // Terminate.
  routes.get("/agreements/:id/terminate", (c) =>
    viewing(c, async (principal) => {
      permitted(principal, "edit");
      const agreement = await application.agreements.read(principal, c.req.param("id"));
      const form = freshForm(agreement, { givenOn: stockholmDate(application.now()) });
      return renderPage(c, principal, (context) => <TerminatePage context={context} agreement={agreement} form={form} />);
    }),
  );
  routes.post(
    "/agreements/:id/terminate",
    formPost(TERMINATION_FIELDS, terminationFormSchema, TerminatePage, (principal, action, termination) => application.agreements.terminate(principal, { ...action, termination }), "terminated"),
  );

  // Withdraw a draft or proposal.
  routes.get("/agreements/:id/withdraw", (c) =>
    viewing(c, async (principal) => {
      permitted(principal, "edit");
      const agreement = await application.agreements.read(principal, c.req.param("id"));
      return renderPage(c, principal, (context) => <WithdrawPage context={context} agreement={agreement} form={freshForm(agreement)} />);
    }),
  );
  routes.post(
    "/agreements/:id/withdraw",
    formPost(WITHDRAW_FIELDS, withdrawFormSchema, WithdrawPage, (principal, action, { reason }) => application.agreements.withdraw(principal, { ...action, ...(reason === undefined ? {} : { reason }) }), "withdrawn"),
  );

  // Invite an association to report.
  const inviteContext = async (principal: StaffPrincipal, agreementId: string) => {
    const agreement = await application.agreements.read(principal, agreementId);
    const reports = await everyItem((page) => application.reports.list(principal, agreementId, page));
    return { agreement, choices: canInvite(agreement) ? reportChoices(agreement, reports) : [] };
  };
  routes.get("/agreements/:id/invite", (c) =>
    viewing(c, async (principal) => {
      permitted(principal, "edit");
      const { agreement, choices } = await inviteContext(principal, c.req.param("id"));
      const form = freshForm(agreement, { email: defaultInviteEmail(agreement), language: "sv", ...(choices.length === 1 ? { report: choices[0]!.reportId } : {}) });
      return renderPage(c, principal, (context) => <InvitePage context={context} agreement={agreement} choices={choices} form={form} />);
    }),
  );
  routes.post("/agreements/:id/invite", (c) =>
    posting(c, async (principal) => {
      const { agreement, choices } = await inviteContext(principal, c.req.param("id"));
      const body = await c.req.parseBody();
      const form: AgreementFormState<(typeof INVITE_FIELDS)[number]> = { values: postedValues(body, INVITE_FIELDS), errors: [], version: agreement.version };
      const show = (shown: typeof form, status: 400 | 409) => renderPage(c, principal, (context) => <InvitePage context={context} agreement={agreement} choices={choices} form={shown} />, status);
      if (choices.length === 0) return show({ ...form, refused: true }, 409);
      const parsed = inviteFormSchema(choices).safeParse(form.values);
      if (!parsed.success) return show({ ...form, errors: fieldErrorsFromZod(parsed.error) }, 400);
      const choice = choices.find((candidate) => candidate.reportId === parsed.data.report)!;
      const invite = () =>
        application.invitations.invite(principal, { agreementId: agreement.id, requirementId: choice.requirementId, dueDate: choice.dueDate, email: parsed.data.email, language: parsed.data.language });
      // The use case names the due date; the form asks for the report.
      const named = (errors: readonly FieldError[]) => errors.map((error) => (error.path === "dueDate" ? { ...error, path: "report" } : error));
      return submitted(c, principal, agreement.id, form, invite, "invited", (shown, status) => show({ ...shown, errors: named(shown.errors) }, status));
    }),
  );

  return routes;
}
