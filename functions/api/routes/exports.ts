/**
 * Exports for the tools staff already use: the agreement list as CSV for Excel, and a personal calendar feed of
 * agreement dates at a secret address a calendar app subscribes to (no sign-in: the secret is the credential).
 */
import { MAX_CSV_ROWS, type ExportUseCases } from "../../app/exports";
import type { Operations } from "../operations";
import { problemSchema, PROBLEM_MEDIA_TYPE } from "../problems";
import { calendarFeedSchema, exportQuerySchema, feedParamsSchema, filtersOf } from "../schemas";

const TAG = "Exports";

export function exportRoutes(operations: Operations, exports: ExportUseCases): void {
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
      return c.body(await exports.agreementsCsv(c.var.principal!, filtersOf(query)), 200, {
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
      const feed = await exports.rotateCalendarFeed(c.var.principal!);
      c.header("Cache-Control", "no-store");
      return c.json(feed, 201);
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
      const calendar = await exports.calendarFeed(params.file.slice(0, -".ics".length));
      return c.body(calendar, 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Cache-Control": "private, no-cache",
      });
    },
  );
}
