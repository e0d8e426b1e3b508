/**
 * Protections every response and request gets, whatever the route: security headers with a strict
 * Content-Security-Policy, and a limit on request bodies. Registered first in createApp.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { problemResponse } from "./problems";

/**
 * JSON and form bodies. Attachments go straight to S3 with presigned URLs, except from the report form without
 * JavaScript, whose one upload path takes a whole file (`largeBodies`).
 */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** Paths whose bodies may be larger than {@link BODY_LIMIT_BYTES}, and how much larger. */
export interface LargeBodies {
  path: RegExp;
  maxBytes: number;
}

/**
 * Scripts, styles, images and fonts only from this site, and no inline script: injected markup cannot run code.
 * No site may frame the pages, forms post only here, and `<base>` cannot redirect relative URLs.
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
      formAction: ["'self'"],
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

export function bodyLimits(largeBodies?: LargeBodies): MiddlewareHandler<AppEnv> {
  const limit = (maxBytes: number) =>
    bodyLimit({
      maxSize: maxBytes,
      onError: (c) => problemResponse(c, 413, "Request body too large", `A request body may be at most ${Math.round(maxBytes / 1024)} KB`),
    });
  const usual = limit(BODY_LIMIT_BYTES);
  const large = largeBodies === undefined ? usual : limit(largeBodies.maxBytes);
  return (c, next) => (largeBodies !== undefined && largeBodies.path.test(c.req.path) ? large(c, next) : usual(c, next));
}
