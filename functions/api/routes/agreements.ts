/**
 * `/api/agreements`: list with filters, create, read, update, the lifecycle actions and the audit trail (the
 * reminders are routes/reminders.ts). Each parses, calls the use case (functions/app/agreements.ts, which also tells the workflow) and
 * answers; refusals become problems in functions/api/problems.ts.
 */
import type { Context } from "hono";
import { agreementSchema, decisionSchema, type Agreement } from "../../domain/agreement";
import type { AgreementUseCases } from "../../app/agreements";
import type { StaffPrincipal } from "../auth/principal";
import type { AppEnv } from "../env";
import type { Operations, ResponseSpec } from "../operations";
import { etagOf, underIfMatch } from "../preconditions";
import { problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";
import {
  agreementPageSchema,
  agreementParamsSchema,
  decisionBodySchema,
  draftBodySchema,
  eventPageSchema,
  pageQuerySchema,
  listQuerySchema,
  terminationBodySchema,
  updateBodySchema,
  withdrawalBodySchema,
  filtersOf,
} from "../schemas";

const TAG = "Agreements";
const ETAG_HEADER = { ETag: 'The agreement\'s version, e.g. "7": send it back in If-Match to change it' };
const IF_MATCH_OPTIONAL = {
  "If-Match": { description: 'ETags the action may be based on, e.g. "7", or *; refused with 412 when none is the current one' },
};

const agreementResponse = (description: string): ResponseSpec => ({ description, schema: agreementSchema, headers: ETAG_HEADER });
const problem = (description: string): ResponseSpec => ({ description, schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE });
const NOT_FOUND = problem("No agreement with this id");
const WRONG_STATUS = problem(
  "Not possible in the agreement's status (`allowedActions` lists what is), or, without If-Match, saved by someone else at the same moment",
);
const STALE = problem("None of the ETags in If-Match is the agreement's current one, also when someone saved a change at the same moment");

export function agreementRoutes(operations: Operations, agreements: AgreementUseCases): void {
  operations.name(agreementSchema, "Agreement");
  operations.name(agreementPageSchema, "AgreementPage");
  operations.name(draftBodySchema, "DraftContent");
  operations.name(updateBodySchema, "AgreementChanges");
  operations.name(decisionSchema, "Decision");
  operations.name(eventPageSchema, "AuditEventPage");

  const principal = (c: Context<AppEnv>): StaffPrincipal => {
    const signedIn = c.var.principal;
    // Operations with a permission only run for a principal; reaching here without one is a wiring mistake.
    if (signedIn === null) throw new Error("An agreement route ran without a principal");
    return signedIn;
  };

  const respond = (c: Context<AppEnv>, agreement: Agreement, status: 200 | 201 = 200) => {
    c.header("ETag", etagOf(agreement.version));
    c.header("Cache-Control", "private, no-cache");
    if (status === 201) c.header("Location", `/api/agreements/${agreement.id}`);
    return c.json(agreement, status);
  };

  operations.add(
    {
      method: "get",
      path: "/api/agreements",
      operationId: "listAgreements",
      summary: "List agreements",
      description:
        "All filters given must match. The most selective one picks the index that is read (association, then " +
        "responsible officer, then text, then status, then end date; none: newest first), and the page follows that " +
        "index's order. The other filters are checked on each agreement read, at most 200 per page: a page can hold " +
        "fewer items than asked for, even none, and still have a cursor. Follow the cursor until it is null.",
      tag: TAG,
      access: "read",
      query: listQuerySchema,
      responses: { 200: { description: "One page of agreements", schema: agreementPageSchema } },
    },
    async (c, { query }) => {
      const page = await agreements.search(principal(c), filtersOf(query), { limit: query.limit, cursor: query.cursor });
      c.header("Cache-Control", "no-store");
      return c.json(page);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/agreements",
      operationId: "createAgreement",
      summary: "Create a draft",
      description: "Any subset of the content; each field given must be valid. Completeness is checked on submit.",
      tag: TAG,
      access: "edit",
      body: draftBodySchema,
      responses: { 201: { ...agreementResponse("The new draft"), headers: { ...ETAG_HEADER, Location: "The draft's address" } } },
    },
    async (c, { body }) => {
      return respond(c, await agreements.create(principal(c), body), 201);
    },
  );

  operations.add(
    {
      method: "get",
      path: "/api/agreements/{id}",
      operationId: "getAgreement",
      summary: "Read an agreement",
      tag: TAG,
      access: "read",
      params: agreementParamsSchema,
      headers: { "If-None-Match": { description: "The ETag you have; 304 when it is still current" } },
      responses: { 200: agreementResponse("The agreement"), 304: { description: "Not changed since the ETag in If-None-Match" }, 404: NOT_FOUND },
    },
    async (c, { params }) => {
      const agreement = await agreements.read(principal(c), params.id);
      const etag = etagOf(agreement.version);
      const cached = c.req.header("If-None-Match")?.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
      if (cached?.includes(etag) || cached?.includes("*")) {
        c.header("ETag", etag);
        return c.body(null, 304);
      }
      return respond(c, agreement);
    },
  );

  operations.add(
    {
      method: "patch",
      path: "/api/agreements/{id}",
      operationId: "updateAgreement",
      summary: "Change an agreement's fields",
      description:
        "Each field given replaces the stored one. A draft can change anything; once decided, only sub-efforts, " +
        "people, reminders and reporting requirements can. Needs If-Match with the ETag of the version you read.",
      tag: TAG,
      access: "edit",
      params: agreementParamsSchema,
      body: updateBodySchema,
      headers: { "If-Match": { description: 'The ETag of the version the change is based on, e.g. "7" (a list matches if any does; * matches any)', required: true } },
      responses: {
        200: agreementResponse("The changed agreement"),
        404: NOT_FOUND,
        409: WRONG_STATUS,
        412: STALE,
        428: problem("If-Match is missing"),
      },
    },
    async (c, { params, body }) => {
      const updated = await underIfMatch(c, params.id, "required", (expectedVersion) =>
        agreements.update(principal(c), { agreementId: params.id, expectedVersion, changes: body }),
      );
      return respond(c, updated);
    },
  );

  const actionResponses = (description: string) => ({
    200: agreementResponse(description),
    404: NOT_FOUND,
    409: WRONG_STATUS,
    412: STALE,
  });

  operations.add(
    {
      method: "post",
      path: "/api/agreements/{id}/submit",
      operationId: "submitAgreement",
      summary: "Send a draft for decision",
      description: "Checks that the draft is complete and overlaps no other agreement for the same association and title.",
      tag: TAG,
      access: "edit",
      params: agreementParamsSchema,
      headers: IF_MATCH_OPTIONAL,
      responses: actionResponses("The agreement, now proposed"),
    },
    async (c, { params }) => {
      const submitted = await underIfMatch(c, params.id, "optional", (expectedVersion) =>
        agreements.submit(principal(c), { agreementId: params.id, expectedVersion }),
      );
      return respond(c, submitted);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/agreements/{id}/decision",
      operationId: "recordDecision",
      summary: "Record the council's decision",
      description: "Approving a renewal also marks the agreement it renews, in the same write.",
      tag: TAG,
      access: "decide",
      params: agreementParamsSchema,
      body: decisionBodySchema,
      headers: IF_MATCH_OPTIONAL,
      responses: actionResponses("The agreement, now approved or rejected"),
    },
    async (c, { params, body }) => {
      const decided = await underIfMatch(c, params.id, "optional", (expectedVersion) =>
        agreements.decide(principal(c), { agreementId: params.id, expectedVersion, decision: body }),
      );
      return respond(c, decided);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/agreements/{id}/renewal",
      operationId: "renewAgreement",
      summary: "Start a renewal",
      description: "Creates a successor draft, pre-filled, starting the day after this agreement ends.",
      tag: TAG,
      access: "edit",
      params: agreementParamsSchema,
      headers: IF_MATCH_OPTIONAL,
      responses: {
        201: { ...agreementResponse("The successor draft"), headers: { ...ETAG_HEADER, Location: "The successor's address" } },
        404: NOT_FOUND,
        409: WRONG_STATUS,
        412: STALE,
      },
    },
    async (c, { params }) => {
      const successor = await underIfMatch(c, params.id, "optional", (expectedVersion) =>
        agreements.renew(principal(c), { agreementId: params.id, expectedVersion }),
      );
      return respond(c, successor, 201);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/agreements/{id}/terminate",
      operationId: "terminateAgreement",
      summary: "Terminate an agreement (uppsägning)",
      description:
        "Records the termination: its ground, the day notice was given and the last day in force, within the period. " +
        "A notice (by the municipality or the association) takes effect `noticePeriodMonths` after it was given at " +
        "the earliest; 400 names that date. Mutual agreement and breach may end it earlier. Taking effect today or " +
        "later, the agreement stays as it is, with the termination, until the workflow ends it after that day; a " +
        "past date (an earlier decision recorded now) ends it at once, and its audit event says so. Expiry and " +
        "notice reminders stop; reports due until the last day in force stay due (functions/domain/lifecycle.ts).",
      tag: TAG,
      access: "edit",
      params: agreementParamsSchema,
      body: terminationBodySchema,
      headers: IF_MATCH_OPTIONAL,
      responses: actionResponses("The agreement with its termination: terminated if that took effect before today"),
    },
    async (c, { params, body }) => {
      const terminated = await underIfMatch(c, params.id, "optional", (expectedVersion) =>
        agreements.terminate(principal(c), { agreementId: params.id, expectedVersion, termination: body }),
      );
      return respond(c, terminated);
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/agreements/{id}/withdraw",
      operationId: "withdrawAgreement",
      summary: "Withdraw a draft or a proposal",
      tag: TAG,
      access: "edit",
      params: agreementParamsSchema,
      body: withdrawalBodySchema,
      headers: IF_MATCH_OPTIONAL,
      responses: actionResponses("The agreement, now withdrawn"),
    },
    async (c, { params, body }) => {
      const withdrawn = await underIfMatch(c, params.id, "optional", (expectedVersion) =>
        agreements.withdraw(principal(c), { agreementId: params.id, expectedVersion, reason: body?.reason }),
      );
      return respond(c, withdrawn);
    },
  );

  operations.add(
    {
      method: "get",
      path: "/api/agreements/{id}/events",
      operationId: "listAgreementEvents",
      summary: "The audit trail",
      description:
        "Every change, oldest first: who, when, which action, from which status to which, the fields it touched, " +
        "and in `changes` each value before and after, a sub-effort or budget year named by its name or year.",
      tag: TAG,
      access: "read",
      params: agreementParamsSchema,
      query: pageQuerySchema,
      responses: { 200: { description: "One page of events", schema: eventPageSchema }, 404: NOT_FOUND },
    },
    async (c, { params, query }) => {
      const events = await agreements.events(principal(c), params.id, { limit: query.limit, cursor: query.cursor });
      c.header("Cache-Control", "no-store");
      return c.json(events);
    },
  );
}
