/**
 * Protections every response and request gets, whatever the route: security headers with a strict
 * Content-Security-Policy, and a limit on request bodies. Registered first in createApp.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { problemResponse } from "./problems";

/** JSON and form bodies: attachments never pass through the app, they go straight to S3. */
export const BODY_LIMIT_BYTES = 100 * 1024;

/**
 * Scripts, styles, images and fonts only from this site, and no inline script: injected markup cannot run code.
 * No site may frame the pages, forms post only here (and the report form's upload to the bucket), and `<base>`
 * cannot redirect relative URLs.
 * Referrer-Policy no-referrer: calendar and association links carry secrets in their URLs.
 */
export function securityHeaders(appOrigin: string, uploadOrigin?: string): MiddlewareHandler<AppEnv> {
  const overTls = new URL(appOrigin).protocol === "https:";
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      fontSrc: ["'self'"],
      // The report form's script uploads attachments straight to the bucket with presigned URLs.
      connectSrc: uploadOrigin === undefined ? ["'self'"] : ["'self'", uploadOrigin],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      // The report form's upload without JavaScript posts the file to the bucket, which sends the browser back here.
      formAction: uploadOrigin === undefined ? ["'self'"] : ["'self'", uploadOrigin],
      ...(overTls ? { upgradeInsecureRequests: [] } : {}),
    },
    // Browsers ignore HSTS over plain http; sending it there would only mislead.
    strictTransportSecurity: overTls ? "max-age=31536000; includeSubDomains" : false,
    referrerPolicy: "no-referrer",
    xFrameOptions: "DENY",
    xContentTypeOptions: true,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
  });
}

/**
 * GET and HEAD pass untouched: a fetch Request of either never has a body, and asking for one makes node's adapter
 * build the whole Request, about 4 % of node's time on the detail route in a profile (docs/benchmarks.md).
 */
export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: BODY_LIMIT_BYTES,
    onError: (c) => problemResponse(c, 413, "Request body too large", `A request body may be at most ${Math.round(BODY_LIMIT_BYTES / 1024)} KB`),
  });
  return (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limit(c, next));
}
