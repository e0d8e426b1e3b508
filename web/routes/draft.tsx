/**
 * The draft forms: start a draft, its task list and sections, check your answers and submit, start a renewal.
 * Each route reads the form, calls the agreement use cases (functions/app/agreements.ts) and shows the answer; the
 * domain's refusals become the pages' error summaries, a stale version a comparison that keeps what was typed.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import type { AppEnv } from "../../functions/api/env";
import { LifecycleRefusedError, StaleVersionError, SubmittedTogetherError, UseCaseError } from "../../functions/app/errors";
import { permitted } from "../../functions/app/principal";
import { VersionConflictError } from "../../functions/store/errors";
import type { Agreement } from "../../functions/domain/agreement";
import type { FieldError } from "../../functions/domain/errors";
import { formPoster } from "../csrf";
import { addRow, formValues, isList, isSection, removeRow, SECTION_LISTS, sectionChanges, sectionValues, withoutEmptyRows, type FormValues, type SectionId } from "../draft-form";
import { pageLanguage } from "../i18n/language";
import { messagesFor } from "../i18n/catalogue";
import { DraftCheckPage, type CheckState } from "../pages/draft-check";
import { DraftRenewPage } from "../pages/draft-renew";
import { DraftSectionPage, draftPath, FORM_CONTROLS, type SectionForm } from "../pages/draft-section";
import { DraftStartPage, NEW_DRAFT_PATH, startContent, startErrors } from "../pages/draft-start";
import { DraftTasksPage, NotDraftPage } from "../pages/draft-tasks";
import { SignInPage } from "../pages/sign-in";
import { renderPage, renderProblem } from "../render";
import type { WebDependencies } from "../routes";

type RequestContext = Context<AppEnv>;

export function draftRoutes(dependencies: WebDependencies): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const { agreements } = dependencies.application;

  /** The signed-in person, or the sign-in page that brings them back here. */
  async function signedIn(c: RequestContext, page: (principal: StaffPrincipal) => Response | Promise<Response>): Promise<Response> {
    const principal = await dependencies.authenticate(c);
    if (principal === null) return renderPage(c, null, (context) => <SignInPage context={context} returnTo={c.req.path} />);
    return answered(c, () => page(principal));
  }

  /** A post, after its CSRF proof; staff only. */
  async function posted(c: RequestContext, page: (principal: StaffPrincipal, values: FormValues) => Promise<Response>): Promise<Response> {
    const principal = await formPoster(c, dependencies.authenticate, dependencies.appOrigin);
    if (principal === null) return renderProblem(c, "forbidden", 403);
    const values = formValues(await c.req.parseBody());
    return answered(c, () => page(principal, values));
  }

  /** The use cases' refusals that no form explains, as pages: not found, not permitted. */
  async function answered(c: RequestContext, page: () => Response | Promise<Response>): Promise<Response> {
    try {
      return await page();
    } catch (error) {
      if (error instanceof UseCaseError && error.kind === "not-found") return renderProblem(c, "notFound", 404);
      if (error instanceof UseCaseError && error.kind === "forbidden") return renderProblem(c, "forbidden", 403);
      throw error;
    }
  }

  const isStale = (error: unknown) => error instanceof StaleVersionError || error instanceof VersionConflictError;
  const versionOf = (values: FormValues) => Number(values.version);

  routes.get(NEW_DRAFT_PATH, (c) =>
    signedIn(c, async (principal) => {
      permitted(principal, "edit");
      return renderPage(c, principal, (context) => <DraftStartPage context={context} values={{}} errors={[]} />);
    }),
  );

  routes.post(NEW_DRAFT_PATH, (c) =>
    posted(c, async (principal, values) => {
      const refused = (errors: readonly FieldError[]) => renderPage(c, principal, (context) => <DraftStartPage context={context} values={values} errors={errors} />, 400);
      const content = startContent(values);
      const missing = startErrors(content);
      if (missing.length > 0) return refused(missing);
      try {
        const agreement = await agreements.create(principal, content);
        return c.redirect(draftPath(agreement.id, "edit"), 303);
      } catch (error) {
        if (!(error instanceof LifecycleRefusedError)) throw error;
        return refused(error.refusal.fieldErrors);
      }
    }),
  );

  /** The draft for someone who may edit it, or the page saying it is no longer one. */
  async function withDraft(c: RequestContext, principal: StaffPrincipal, page: (agreement: Agreement) => Response | Promise<Response>): Promise<Response> {
    permitted(principal, "edit");
    const agreement = await agreements.read(principal, c.req.param("id")!);
    if (agreement.status !== "draft") return renderPage(c, principal, (context) => <NotDraftPage context={context} agreement={agreement} />, 409);
    return page(agreement);
  }

  routes.get("/agreements/:id/edit", (c) =>
    signedIn(c, (principal) =>
      withDraft(c, principal, (agreement) => {
        const saved = c.req.query("saved");
        return renderPage(c, principal, (context) => (
          <DraftTasksPage context={context} agreement={agreement} saved={saved !== undefined && isSection(saved) ? saved : undefined} />
        ));
      }),
    ),
  );

  routes.get("/agreements/:id/edit/:section", (c) =>
    signedIn(c, (principal) => {
      const section = c.req.param("section");
      if (!isSection(section)) return renderProblem(c, "notFound", 404);
      return withDraft(c, principal, (agreement) => {
        const form: SectionForm = { values: sectionValues(section, agreement, pageLanguage(c)), errors: [], version: agreement.version };
        return renderPage(c, principal, (context) => <DraftSectionPage context={context} agreement={agreement} section={section} form={form} />);
      });
    }),
  );

  routes.post("/agreements/:id/edit/:section", (c) =>
    posted(c, async (principal, body) => {
      const section = c.req.param("section");
      if (!isSection(section)) return renderProblem(c, "notFound", 404);
      const values = Object.fromEntries(Object.entries(body).filter(([name]) => !(FORM_CONTROLS as readonly string[]).includes(name)));
      return withDraft(c, principal, (agreement) => saveSection(c, principal, agreement, section, values, body));
    }),
  );

  /** "Add another" and "remove" show the form again; anything else saves it. */
  async function saveSection(c: RequestContext, principal: StaffPrincipal, agreement: Agreement, section: SectionId, typed: FormValues, posted: FormValues): Promise<Response> {
    const show = (form: SectionForm, status: 200 | 400 | 409 = 200) =>
      renderPage(c, principal, (context) => <DraftSectionPage context={context} agreement={agreement} section={section} form={form} />, status);
    const version = versionOf(posted);
    const add = posted.add;
    if (add !== undefined && isList(add) && SECTION_LISTS[section].includes(add)) return show({ values: addRow(typed, add), errors: [], version });
    const remove = /^(\w+)\.(\d+)$/.exec(posted.remove ?? "");
    if (remove !== null && isList(remove[1]!) && SECTION_LISTS[section].includes(remove[1])) {
      return show({ values: removeRow(typed, remove[1], Number(remove[2])), errors: [], version });
    }
    const values = withoutEmptyRows(typed, SECTION_LISTS[section]);
    const language = pageLanguage(c);
    try {
      await agreements.update(principal, { agreementId: agreement.id, expectedVersion: version, changes: sectionChanges(section, values, language) });
      return c.redirect(`${draftPath(agreement.id, "edit")}?saved=${section}`, 303);
    } catch (error) {
      if (isStale(error)) {
        const current = await agreements.read(principal, agreement.id);
        return show({ values, errors: [], version: current.version, current: sectionValues(section, current, language) }, 409);
      }
      if (error instanceof LifecycleRefusedError && error.refusal.code === "invalid") return show({ values, errors: error.refusal.fieldErrors, version }, 400);
      throw error;
    }
  }

  routes.get("/agreements/:id/check", (c) =>
    signedIn(c, (principal) => withDraft(c, principal, (agreement) => renderPage(c, principal, (context) => <DraftCheckPage context={context} agreement={agreement} state={{ errors: [] }} />))),
  );

  routes.post("/agreements/:id/check", (c) =>
    posted(c, (principal, values) =>
      withDraft(c, principal, async (agreement) => {
        const messages = messagesFor(pageLanguage(c));
        const refused = async (state: CheckState, status: 400 | 409) => {
          const current = await agreements.read(principal, agreement.id);
          return renderPage(c, principal, (context) => <DraftCheckPage context={context} agreement={current} state={state} />, status);
        };
        try {
          await agreements.submit(principal, { agreementId: agreement.id, expectedVersion: versionOf(values) });
          return c.redirect(`/agreements/${encodeURIComponent(agreement.id)}`, 303);
        } catch (error) {
          if (isStale(error)) return refused({ errors: [], notice: messages.t("draft.check.changed") }, 409);
          if (error instanceof SubmittedTogetherError) return refused({ errors: [], notice: messages.t("draft.check.togetherRefused") }, 409);
          if (!(error instanceof LifecycleRefusedError)) throw error;
          const { fieldErrors, code } = error.refusal;
          return refused({ errors: fieldErrors, ...(code === "predecessor" ? { notice: messages.t("draft.check.predecessor") } : {}) }, 400);
        }
      }),
    ),
  );

  routes.get("/agreements/:id/renew", (c) =>
    signedIn(c, async (principal) => {
      permitted(principal, "edit");
      const agreement = await agreements.read(principal, c.req.param("id"));
      return renderPage(c, principal, (context) => <DraftRenewPage context={context} agreement={agreement} />);
    }),
  );

  routes.post("/agreements/:id/renew", (c) =>
    posted(c, async (principal, values) => {
      const agreementId = c.req.param("id");
      const expectedVersion = values.version === undefined ? undefined : versionOf(values);
      const messages = messagesFor(pageLanguage(c));
      try {
        const successor = await agreements.renew(principal, { agreementId, expectedVersion });
        return c.redirect(draftPath(successor.id, "edit"), 303);
      } catch (error) {
        const notice = isStale(error) ? messages.t("draft.renew.changed") : error instanceof LifecycleRefusedError ? messages.t("draft.renew.notAllowed") : undefined;
        if (notice === undefined) throw error;
        const agreement = await agreements.read(principal, agreementId);
        return renderPage(c, principal, (context) => <DraftRenewPage context={context} agreement={agreement} notice={notice} />, 409);
      }
    }),
  );

  return routes;
}
