/**
 * Request ids and structured logs. Every request gets an id (the client's `X-Request-Id` when it is sane, else a
 * new one), echoed in the response header and in every problem body, and logged as one JSON line per request.
 */
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Log } from "../app/ports";
import type { AppEnv } from "./env";

export type { Log, LogRecord } from "../app/ports";

/** One JSON object per line, with the time first; what CloudWatch Logs Insights reads field by field. */
export function jsonLines(write: (line: string) => void, now: () => Date = () => new Date()): Log {
  return (record) => write(`${JSON.stringify({ time: now().toISOString(), ...record })}\n`);
}

const REQUEST_ID_HEADER = "X-Request-Id";
/** Ids that tracing tools send (UUIDs, trace ids); anything else could smuggle text into the logs. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The calendar feed's secret and a report link's token are in their paths, and secrets do not belong in the logs. */
function loggedPath(path: string): string {
  return path
    .replace(/^\/api\/calendar\/[^/]+$/, "/api/calendar/{secret}.ics")
    .replace(/^\/api\/report-links\/(?!renewal$)[^/]*/, "/api/report-links/{token}");
}

/** First in the chain, so that everything after it, including every problem, has the request id. */
export function requestContext(log: Log): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header(REQUEST_ID_HEADER);
    const requestId = given !== undefined && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    c.set("requestId", requestId);
    c.set("principal", null);
    const started = performance.now();
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    log({
      level: "info",
      message: "request",
      requestId,
      method: c.req.method,
      path: loggedPath(c.req.path),
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(c.var.principal === null ? {} : { principal: c.var.principal.email }),
    });
  };
}
