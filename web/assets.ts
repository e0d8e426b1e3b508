/**
 * The stylesheet and script the pages load, served from /assets/ under names that carry a hash of their content,
 * so browsers may keep them for a year and still never use a stale copy after a change.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { SCRIPT } from "./assets/script";
import { STYLESHEET } from "./assets/stylesheet";

export interface Asset {
  /** Where the pages link to it: /assets/site-<hash>.css */
  path: string;
  contentType: string;
  body: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
}

function asset(name: string, extension: string, contentType: string, text: string): Asset {
  const body = new TextEncoder().encode(text);
  const hash = createHash("sha256").update(body).digest("base64url").slice(0, 12);
  return { path: `/assets/${name}-${hash}.${extension}`, contentType, body, gzipped: new Uint8Array(gzipSync(body)) };
}

export const ASSETS = {
  stylesheet: asset("site", "css", "text/css; charset=utf-8", STYLESHEET),
  script: asset("site", "js", "text/javascript; charset=utf-8", SCRIPT),
};

const BY_PATH = new Map<string, Asset>(Object.values(ASSETS).map((entry) => [entry.path, entry]));

export function assetAt(path: string): Asset | undefined {
  return BY_PATH.get(path);
}
