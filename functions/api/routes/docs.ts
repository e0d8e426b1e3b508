/**
 * The OpenAPI document and an interactive page to try the API. The page is Swagger UI, served from this app
 * (the swagger-ui-dist package's files, read from `docsAssetsDir`): many municipal networks reach no CDN, and the
 * Content-Security-Policy allows scripts and styles from this site only, none inline, hence the initializer is a
 * script file of its own.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as z from "zod";
import type { ApiDependencies } from "../app";
import type { DocumentDescription, Operations } from "../operations";
import { ApiProblem } from "../problems";

export type DocsRouteDependencies = Pick<ApiDependencies, "docsAssetsDir">;

/** The files of swagger-ui-dist the page uses, and where the Lambda function has them, next to its bundle. */
export const DOCS_ASSET_FILES = ["package.json", "swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"] as const;
export const LAMBDA_DOCS_ASSETS_DIR = "swagger-ui";

const TAG = "Documentation";

const VENDOR_ASSETS = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
  "favicon-32x32.png": "image/png",
} as const;

/**
 * Signed-in browsers use the session cookie, and a change made with it needs the session's CSRF token: fetched
 * from /auth/session and added to each request that is not a read.
 */
const INITIALIZER = `"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      if (request.method === "GET" || request.method === "HEAD" || request.headers.Authorization) return request;
      return fetch("/auth/session", { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (session) {
          if (session.csrfToken) request.headers["X-CSRF-Token"] = session.csrfToken;
          return request;
        })
        .catch(function () { return request; });
    },
  });
});
`;

const docsPage = (assets: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IOP Lifecycle API</title>
<link rel="stylesheet" href="${assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="${assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

interface Asset {
  plain: Buffer;
  gzipped: Buffer;
}

export function docsRoutes(operations: Operations, dependencies: DocsRouteDependencies, description: DocumentDescription): void {
  let document: Record<string, unknown> | undefined;
  let version: Promise<string> | undefined;
  const assets = new Map<string, Promise<Asset>>();

  // The package version is in the assets' address, so that they can be cached for good.
  const assetsVersion = () =>
    (version ??= readFile(path.join(dependencies.docsAssetsDir, "package.json"), "utf8").then(
      (text) => z.object({ version: z.string().regex(/^[\w.-]+$/) }).parse(JSON.parse(text)).version,
    ));
  const asset = (name: string) => {
    let loading = assets.get(name);
    if (loading === undefined) {
      loading = readFile(path.join(dependencies.docsAssetsDir, name)).then((plain) => ({ plain, gzipped: gzipSync(plain) }));
      // A failed read is tried again on the next request rather than remembered.
      loading.catch(() => assets.delete(name));
      assets.set(name, loading);
    }
    return loading;
  };

  operations.add(
    {
      method: "get",
      path: "/api/openapi.json",
      operationId: "getOpenApiDocument",
      summary: "This document",
      tag: TAG,
      access: "public",
      responses: { 200: { description: "The OpenAPI 3.1 document of every route", mediaType: "application/json" } },
    },
    (c) => {
      document ??= operations.document(description);
      return c.json(document);
    },
  );

  operations.add(
    {
      method: "get",
      path: "/api/docs",
      operationId: "getApiDocs",
      summary: "Interactive documentation",
      description: "Swagger UI on this document; signed-in staff can try the routes.",
      tag: TAG,
      access: "public",
      responses: { 200: { description: "An HTML page", mediaType: "text/html" } },
    },
    async (c) => c.html(docsPage(`/api/docs/assets/${await assetsVersion()}`)),
  );

  operations.add(
    {
      method: "get",
      path: "/api/docs/init.js",
      operationId: "getApiDocsInitializer",
      summary: "The documentation page's script",
      tag: TAG,
      access: "public",
      responses: { 200: { description: "JavaScript", mediaType: "text/javascript" } },
    },
    (c) => c.body(INITIALIZER, 200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" }),
  );

  operations.add(
    {
      method: "get",
      path: "/api/docs/assets/{version}/{file}",
      operationId: "getApiDocsAsset",
      summary: "Swagger UI's script and style sheet",
      tag: TAG,
      access: "public",
      params: z.object({
        version: z.string().max(40).meta({ description: "The swagger-ui-dist version the page names" }),
        file: z.enum(Object.keys(VENDOR_ASSETS) as [keyof typeof VENDOR_ASSETS]),
      }),
      responses: {
        200: { description: "The file, cached for a year: a new version has a new address" },
        404: { description: "Another version than the one served" },
      },
    },
    async (c, { params }) => {
      if (params.version !== (await assetsVersion())) {
        throw new ApiProblem(404, "Not found", `These are the assets of version ${await assetsVersion()}`);
      }
      const { plain, gzipped } = await asset(params.file);
      const gzip = /\bgzip\b/.test(c.req.header("Accept-Encoding") ?? "");
      return c.body(new Uint8Array(gzip ? gzipped : plain), 200, {
        "Content-Type": VENDOR_ASSETS[params.file],
        "Cache-Control": "public, max-age=31536000, immutable",
        Vary: "Accept-Encoding",
        ...(gzip ? { "Content-Encoding": "gzip" } : {}),
      });
    },
  );
}
