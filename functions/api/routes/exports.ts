/**
 * Exports for the tools staff already use: the agreement list as CSV for Excel, and a personal calendar feed of
 * agreement dates at a secret address a calendar app subscribes to (no sign-in: the secret is the credential).
 */
import { MAX_PAGE_SIZE } from "../../store/agreements";
// The same page the reminder emails link to.
import { agreementLink } from "../../domain/links";
import type { AppDependencies } from "../app";
import { agreementEvents, icsCalendar } from "../exports/calendar";
import { agreementsCsv, relatedIds } from "../exports/csv";
import type { Operations } from "../operations";
import { ApiProblem, problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";
import { calendarFeedSchema, exportQuerySchema, feedParamsSchema } from "../schemas";
import { filtersOf } from "./agreements";

export type ExportRouteDependencies = Pick<AppDependencies, "store" | "calendarFeeds" | "clock" | "appOrigin">;

/** Rows of one CSV export: far more than a municipality's agreements, and well inside a Lambda response. */
const MAX_CSV_ROWS = 5_000;
/** Agreements of one officer in a calendar feed. */
const MAX_FEED_AGREEMENTS = 1_000;

const TAG = "Exports";

export function exportRoutes(operations: Operations, dependencies: ExportRouteDependencies): void {
  const { store, calendarFeeds, clock, appOrigin } = dependencies;
  operations.name(calendarFeedSchema, "CalendarFeed");

  operations.add(
    {
      method: "get",
      path: "/api/agreements.csv",
      operationId: "exportAgreementsCsv",
      summary: "The agreement list as CSV",
      description:
        `The same filters as the list, every matching agreement (at most ${MAX_CSV_ROWS}). UTF-8 with a byte order ` +
        "mark, `;` between fields, CRLF line ends: Excel opens it with Swedish letters intact.",
      tag: TAG,
      access: "read",
      query: exportQuerySchema,
      responses: {
        200: { description: "The agreements, one per row, headers in Swedish", mediaType: "text/csv" },
        400: { description: `More than ${MAX_CSV_ROWS} agreements match`, schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE },
      },
    },
    async (c, { query }) => {
      const filters = filtersOf(query);
      const agreements = [];
      let cursor: string | null = null;
      do {
        const page = await store.search(filters, { limit: MAX_PAGE_SIZE, cursor });
        agreements.push(...page.items);
        cursor = page.cursor;
        if (agreements.length > MAX_CSV_ROWS) {
          throw new ApiProblem(400, "Too many agreements to export", `More than ${MAX_CSV_ROWS} agreements match; narrow the filters`);
        }
      } while (cursor !== null);
      return c.body(agreementsCsv(agreements, await store.getMany(relatedIds(agreements))), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="iop-avtal.csv"',
        "Cache-Control": "no-store",
      });
    },
  );

  operations.add(
    {
      method: "post",
      path: "/api/calendar-feed",
      operationId: "rotateCalendarFeed",
      summary: "Create or replace your calendar feed",
      description:
        "A new secret address for your calendar feed: the end dates, notice dates and report due dates of the " +
        "agreements you are responsible for. Any earlier address stops working at once.",
      tag: TAG,
      access: "read",
      responses: { 201: { description: "The feed's address", schema: calendarFeedSchema } },
    },
    async (c) => {
      const email = c.var.principal!.email;
      const secret = await calendarFeeds.rotate(email, clock.now());
      c.header("Cache-Control", "no-store");
      return c.json({ url: `${appOrigin}/api/calendar/${secret}.ics` }, 201);
    },
  );

  operations.add(
    {
      method: "get",
      path: "/api/calendar/{file}",
      operationId: "getCalendarFeed",
      summary: "A calendar feed (iCalendar)",
      description: "The address from POST /api/calendar-feed, for a calendar app to subscribe to. No sign-in: the secret is the credential.",
      tag: TAG,
      access: "public",
      params: feedParamsSchema,
      responses: {
        200: { description: "All-day events for the owner's agreements", mediaType: "text/calendar" },
        404: { description: "No feed has this address (it may have been replaced)", schema: problemSchema, mediaType: PROBLEM_MEDIA_TYPE },
      },
    },
    async (c, { params }) => {
      const owner = await calendarFeeds.ownerOf(params.file.slice(0, -".ics".length));
      if (owner === null) throw new ApiProblem(404, "Not found", "No calendar feed has this address; it may have been replaced by a newer one");
      const events = [];
      let cursor: string | null = null;
      let read = 0;
      do {
        const page = await store.listByOfficer(owner, { limit: MAX_PAGE_SIZE, cursor });
        events.push(...page.items.flatMap((agreement) => agreementEvents(agreement, agreementLink(appOrigin, agreement.id))));
        read += page.items.length;
        cursor = page.cursor;
      } while (cursor !== null && read < MAX_FEED_AGREEMENTS);
      return c.body(icsCalendar("IOP-avtal", events), 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Cache-Control": "private, no-cache",
      });
    },
  );
}
