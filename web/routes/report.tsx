/**
 * The association's report form at `/report/<token>`: each route reads the form, calls the report-link use cases
 * (functions/app/report-links.ts, the same the JSON API under /api/report-links calls) and renders a page or
 * redirects to the next one. The token alone opens the report; a token or attachment id that does not open this
 * report gives the one page for a link that does not work, never anything of another report.
 *
 * Nothing typed is lost: a refused step is shown again as typed, with the domain's errors, and a save that lost a
 * race or came after the report was sent says so above what was typed.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import * as z from "zod";
import type { AppEnv } from "../../functions/api/env";
import type { ReportForm } from "../../functions/app/report-links";
import { AttachmentRefusedError, RateLimitedError, ReportLinkNotWorkingError, ReportRefusedError, UseCaseError } from "../../functions/app/errors";
import { emailSchema } from "../../functions/domain/agreement";
import { fieldErrorsFromZod, type FieldError } from "../../functions/domain/errors";
import { isOpenForAssociation } from "../../functions/domain/reports";
import { ReportConflictError } from "../../functions/store/reports";
import { formPoster } from "../csrf";
import { pageLanguage } from "../i18n/language";
import { messagesFor } from "../i18n/catalogue";
import {
  ATTACHMENT_REFUSALS,
  FRESH_LINK_PATH,
  LinkNotWorkingPage,
  ReportAttachmentsPage,
  ReportCheckPage,
  ReportReceiptPage,
  ReportStartPage,
  ReportStepPage,
  type AttachmentRefusal,
  type AttachmentsState,
  type FreshLinkState,
  type StepState,
} from "../pages/report-form";
import { FORM_PAGES, isReportStep, readStep, reportPath, stepValues, type ReportStep } from "../pages/report-steps";
import { renderPage } from "../render";
import type { WebDependencies } from "../routes";

/** The report's version a step's form was shown at; a form without one (an older page) saves without the check. */
const postedVersion = z.string().regex(/^\d{1,9}$/).transform(Number);

const NO_FRESH_LINK: FreshLinkState = { email: "", errors: [], sent: false };

export function reportRoutes(dependencies: WebDependencies): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const { reportLinks } = dependencies.application;
  const principalOf = (c: Context<AppEnv>) => dependencies.authenticate(c);
  const poster = (c: Context<AppEnv>) => formPoster(c, dependencies.authenticate, dependencies.appOrigin);

  const linkNotWorking = async (c: Context<AppEnv>, state: FreshLinkState = NO_FRESH_LINK, status: 200 | 400 | 404 = 404) =>
    renderPage(c, await principalOf(c), (context) => <LinkNotWorkingPage context={context} state={state} />, status);

  /**
   * Runs a route's work for a token; every way the token or an id under it fails to open this report (unknown,
   * expired, revoked, another report's attachment) answers the page for a link that does not work.
   */
  const withLink = (work: (c: Context<AppEnv>, token: string) => Promise<Response>) => async (c: Context<AppEnv>) => {
    try {
      return await work(c, c.req.param("token")!);
    } catch (error) {
      if (error instanceof ReportLinkNotWorkingError || (error instanceof UseCaseError && error.kind === "not-found")) return linkNotWorking(c);
      throw error;
    }
  };

  routes.post(FRESH_LINK_PATH, async (c) => {
    await poster(c);
    const fields = await c.req.parseBody();
    const email = typeof fields.email === "string" ? fields.email : "";
    const parsed = emailSchema.safeParse(email.trim());
    if (!parsed.success) return linkNotWorking(c, { email, errors: fieldErrorsFromZod(parsed.error, ["email"]), sent: false }, 400);
    try {
      await reportLinks.requestFreshLinks({ email: parsed.data, language: pageLanguage(c), clientAddress: dependencies.clientAddress(c) });
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      const minutes = Math.ceil(error.retryAfterSeconds / 60);
      const message = messagesFor(pageLanguage(c)).t("report.link.tooMany", { minutes });
      c.header("Retry-After", String(error.retryAfterSeconds));
      return linkNotWorking(c, { email, errors: [{ path: "email", message }], sent: false }, 400);
    }
    dependencies.afterResponse(() => reportLinks.sendRequestedLinks());
    return linkNotWorking(c, { email: "", errors: [], sent: true }, 200);
  });

  routes.get(
    "/report/:token",
    withLink(async (c, token) => {
      const form = await reportLinks.open(token);
      return renderPage(c, await principalOf(c), (context) => <ReportStartPage context={context} token={token} form={form} saved={c.req.query("saved") !== undefined} />);
    }),
  );

  const renderStep = async (c: Context<AppEnv>, token: string, form: ReportForm, step: ReportStep, state: StepState, status: 200 | 400 | 409 = 200) =>
    renderPage(c, await principalOf(c), (context) => <ReportStepPage context={context} token={token} form={form} step={step} state={state} />, status);

  routes.get(
    "/report/:token/:step{activities|people|outcomes|money|comments}",
    withLink(async (c, token) => {
      const step = c.req.param("step") as ReportStep;
      const form = await reportLinks.open(token);
      if (!isOpenForAssociation(form.report)) return c.redirect(reportPath(token), 303);
      return renderStep(c, token, form, step, { values: stepValues(step, form.report?.content ?? {}), errors: [], version: form.report?.version ?? 0 });
    }),
  );

  routes.post(
    "/report/:token/:step{activities|people|outcomes|money|comments}",
    withLink(async (c, token) => {
      await poster(c);
      const step = c.req.param("step") ?? "";
      if (!isReportStep(step)) return linkNotWorking(c);
      const fields = await c.req.parseBody();
      const messages = messagesFor(pageLanguage(c));
      const read = readStep(step, fields, messages);
      const version = postedVersion.safeParse(fields.version);
      const form = await reportLinks.open(token);
      // Shown again, the form keeps the version it was typed on: a save by someone else meanwhile still refuses it.
      const typedOn = version.success ? version.data : (form.report?.version ?? 0);
      const again = (state: Omit<StepState, "values" | "version">) => renderStep(c, token, form, step, { values: read.values, version: typedOn, ...state }, 400);
      if (read.errors.length > 0) return again({ errors: read.errors });
      try {
        await reportLinks.saveAnswers(token, read.answers, version.success ? version.data : undefined);
      } catch (error) {
        if (error instanceof ReportRefusedError && error.refusal.code === "invalid") return again({ errors: error.refusal.fieldErrors });
        if (error instanceof ReportRefusedError) return again({ errors: [], notice: "closed" });
        if (error instanceof ReportConflictError) {
          // What is saved now next to what was typed, and the form on the current version: saving again keeps what was typed.
          const current = await reportLinks.open(token);
          const currentVersion = current.report?.version ?? 0;
          return renderStep(c, token, current, step, { values: read.values, errors: [], version: currentVersion, current: stepValues(step, current.report?.content ?? {}) }, 409);
        }
        throw error;
      }
      const action = fields.action;
      if (action === "later") return c.redirect(`${reportPath(token)}?saved`, 303);
      if (action === "add") return c.redirect(reportPath(token, step), 303);
      return c.redirect(reportPath(token, FORM_PAGES[FORM_PAGES.indexOf(step) + 1]), 303);
    }),
  );

  /** The attachments page, with a fresh upload form for it (the upload without JavaScript). */
  const attachmentsPage = async (c: Context<AppEnv>, token: string, form: ReportForm, state: AttachmentsState, status: 200 | 400) => {
    const upload = await reportLinks.uploadForm(token, `${dependencies.appOrigin}${reportPath(token, "attachments/uploaded")}`);
    return renderPage(c, await principalOf(c), (context) => <ReportAttachmentsPage context={context} token={token} form={form} upload={upload} state={state} />, status);
  };

  routes.get(
    "/report/:token/attachments",
    withLink(async (c, token) => {
      const form = await reportLinks.open(token);
      if (!isOpenForAssociation(form.report)) return c.redirect(reportPath(token), 303);
      const refused = c.req.query("refused");
      const added = c.req.query("added");
      const state = {
        ...((ATTACHMENT_REFUSALS as readonly string[]).includes(refused ?? "") ? { refused: refused as AttachmentRefusal } : {}),
        ...(added === undefined ? {} : { added }),
        removed: c.req.query("removed") !== undefined,
      };
      return attachmentsPage(c, token, form, state, state.refused === undefined ? 200 : 400);
    }),
  );

  const attachmentsAgain = async (c: Context<AppEnv>, token: string, notice: "closed") => attachmentsPage(c, token, await reportLinks.open(token), { notice }, 400);

  /**
   * Where S3 sends the browser after the upload form's post, with the key it stored (`?bucket=…&key=…&etag=…`):
   * the file is checked and registered as the script's confirmation does, and the page says how it went, as it
   * does after the script. The key must be one of this token's report's uploads; any other is a link that does not
   * work. A GET, as S3's redirect is: the token in the path is the proof, as on every page of the form.
   */
  routes.get(
    "/report/:token/attachments/uploaded",
    withLink(async (c, token) => {
      const attachments = reportPath(token, "attachments");
      let attachmentId: string;
      try {
        ({ attachmentId } = await reportLinks.registerFormUpload(token, c.req.query("key") ?? ""));
      } catch (error) {
        if (error instanceof AttachmentRefusedError) return c.redirect(`${attachments}?refused=${error.reason}`, 303);
        if (error instanceof ReportRefusedError && error.refusal.code === "too_many_attachments") return c.redirect(`${attachments}?refused=tooMany`, 303);
        if (error instanceof ReportRefusedError) return attachmentsAgain(c, token, "closed");
        throw error;
      }
      return c.redirect(`${attachments}?${new URLSearchParams({ added: attachmentId }).toString()}`, 303);
    }),
  );

  routes.post(
    "/report/:token/attachments/:attachmentId/remove",
    withLink(async (c, token) => {
      await poster(c);
      const attachmentId = z.uuid().safeParse(c.req.param("attachmentId"));
      if (!attachmentId.success) return linkNotWorking(c);
      try {
        await reportLinks.removeAttachment(token, attachmentId.data);
      } catch (error) {
        if (error instanceof ReportRefusedError && error.refusal.code === "unknown_attachment") return linkNotWorking(c);
        if (error instanceof ReportRefusedError) return attachmentsAgain(c, token, "closed");
        throw error;
      }
      return c.redirect(`${reportPath(token, "attachments")}?removed`, 303);
    }),
  );

  routes.get(
    "/report/:token/check",
    withLink(async (c, token) => {
      const form = await reportLinks.open(token);
      if (!isOpenForAssociation(form.report)) return c.redirect(reportPath(token), 303);
      return renderPage(c, await principalOf(c), (context) => <ReportCheckPage context={context} token={token} form={form} />);
    }),
  );

  routes.post(
    "/report/:token/submit",
    withLink(async (c, token) => {
      await poster(c);
      try {
        await reportLinks.submit(token, { language: pageLanguage(c) });
      } catch (error) {
        if (!(error instanceof ReportRefusedError)) throw error;
        // Sent already (another window, a double click): the receipt says what was sent.
        if (error.refusal.code === "not_allowed") return c.redirect(reportPath(token, "receipt"), 303);
        const form = await reportLinks.open(token);
        const errors: readonly FieldError[] = error.refusal.fieldErrors;
        return renderPage(c, await principalOf(c), (context) => <ReportCheckPage context={context} token={token} form={form} errors={errors} />, 400);
      }
      return c.redirect(reportPath(token, "receipt"), 303);
    }),
  );

  routes.get(
    "/report/:token/receipt",
    withLink(async (c, token) => {
      const form = await reportLinks.open(token);
      const latest = form.versions.at(-1);
      if (latest === undefined) return c.redirect(reportPath(token), 303);
      return renderPage(c, await principalOf(c), (context) => <ReportReceiptPage context={context} form={form} version={latest} />);
    }),
  );

  // Anything else under a link: the same page as for a link that does not work.
  routes.all("/report/:token/*", (c) => linkNotWorking(c));

  return routes;
}
