/**
 * Staff's page of one association report, `/reports/<reportId>?agreement=<agreementId>`: read it with its
 * versions, download an attachment, and review it (functions/app/reports.ts). Signed-in staff only; the use cases
 * say who may read and who may review.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import type { AppEnv } from "../../functions/api/env";
import { EmailNotSentError, ReportRefusedError, UseCaseError } from "../../functions/app/errors";
import { fieldErrorsFromZod } from "../../functions/domain/errors";
import { isReportId, reviewSchema } from "../../functions/domain/reports";
import { VersionConflictError } from "../../functions/store/errors";
import { formPoster } from "../csrf";
import { ReportReviewPage, reviewPath, type ReviewState } from "../pages/report-review";
import { SignInPage } from "../pages/sign-in";
import { renderPage, renderProblem } from "../render";
import type { WebDependencies } from "../routes";

const OUTCOMES = ["accepted", "supplement-requested", "emailFailed", "notWaiting"] as const;

export function reviewRoutes(dependencies: WebDependencies): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const { reports, agreements } = dependencies.application;

  /** The report the address names, for a signed-in principal; null when the address names none. */
  const target = (c: Context<AppEnv>) => {
    const reportId = c.req.param("reportId") ?? "";
    const agreementId = c.req.query("agreement") ?? "";
    return isReportId(reportId) && agreementId !== "" ? { agreementId, reportId } : null;
  };

  const show = async (c: Context<AppEnv>, principal: StaffPrincipal, state: ReviewState, status: 200 | 400 = 200) => {
    const found = target(c);
    if (found === null) return renderProblem(c, "notFound", 404);
    try {
      const agreement = await agreements.read(principal, found.agreementId);
      const { report, versions } = await reports.read(principal, found.agreementId, found.reportId);
      return renderPage(c, principal, (context) => <ReportReviewPage context={context} agreement={agreement} report={report} versions={versions} state={state} />, status);
    } catch (error) {
      return refusal(c, error);
    }
  };

  /** A refusal of the use cases as a page: not found, or not permitted. */
  const refusal = (c: Context<AppEnv>, error: unknown) => {
    if (error instanceof UseCaseError && error.kind === "not-found") return renderProblem(c, "notFound", 404);
    if (error instanceof UseCaseError && error.kind === "forbidden") return renderProblem(c, "forbidden", 403);
    throw error;
  };

  routes.get("/reports/:reportId", async (c) => {
    const principal = await dependencies.authenticate(c);
    if (principal === null) return renderPage(c, null, (context) => <SignInPage context={context} returnTo={c.req.path + new URL(c.req.url).search} />);
    const outcome = OUTCOMES.find((candidate) => candidate === c.req.query("reviewed"));
    return show(c, principal, { values: {}, errors: [], ...(outcome === undefined ? {} : { outcome }) });
  });

  routes.get("/reports/:reportId/attachments/:attachmentId", async (c) => {
    const principal = await dependencies.authenticate(c);
    const found = target(c);
    if (principal === null || found === null) return renderProblem(c, "notFound", 404);
    try {
      const download = await reports.attachmentDownload(principal, { ...found, attachmentId: c.req.param("attachmentId") });
      return c.redirect(download.url, 303);
    } catch (error) {
      return refusal(c, error);
    }
  });

  routes.post("/reports/:reportId/review", async (c) => {
    const principal = await formPoster(c, dependencies.authenticate, dependencies.appOrigin);
    const found = target(c);
    if (principal === null || found === null) return renderProblem(c, "notFound", 404);
    const fields = await c.req.parseBody();
    const values = {
      ...(typeof fields.outcome === "string" ? { outcome: fields.outcome } : {}),
      comment: typeof fields.comment === "string" ? fields.comment : "",
    };
    const parsed = reviewSchema.safeParse(values);
    if (!parsed.success) return show(c, principal, { values, errors: fieldErrorsFromZod(parsed.error) }, 400);
    let outcome: ReviewState["outcome"] = parsed.data.outcome;
    try {
      await reports.review(principal, { ...found, review: parsed.data });
    } catch (error) {
      if (error instanceof EmailNotSentError) outcome = "emailFailed";
      else if (error instanceof ReportRefusedError || error instanceof VersionConflictError) outcome = "notWaiting";
      else return refusal(c, error);
    }
    const back = new URL(reviewPath(found.agreementId, found.reportId), "http://page.invalid");
    back.searchParams.set("reviewed", outcome);
    return c.redirect(`${back.pathname}${back.search}`, 303);
  });

  return routes;
}
