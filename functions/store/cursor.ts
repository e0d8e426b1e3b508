/**
 * Opaque paging cursors. A cursor carries the key where the previous page stopped, signed with HMAC-SHA256 over
 * that key and the identity of the query that produced it (index, partition, filters). A client can neither
 * craft a start key nor replay a cursor against another query, e.g. to page through someone else's partition.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { InvalidCursorError } from "./errors";

/** The key a page stopped at: key attribute names to their (string) values. */
export type PageKey = Record<string, string>;

export interface CursorCodec {
  encode(queryIdentity: string, key: PageKey): string;
  /** @throws InvalidCursorError */
  decode(queryIdentity: string, cursor: string): PageKey;
}

const MIN_SECRET_BYTES = 32;
/** Far above any real cursor; refuses junk before any work is done on it. */
const MAX_CURSOR_LENGTH = 2_048;

export function createCursorCodec(secret: string | Uint8Array): CursorCodec {
  const secretBytes = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  if (secretBytes.length < MIN_SECRET_BYTES) {
    throw new Error(`The cursor secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }

  const signature = (queryIdentity: string, payload: string): Buffer =>
    createHmac("sha256", secretBytes).update(queryIdentity).update("\n").update(payload).digest();

  return {
    encode(queryIdentity, key) {
      const payload = Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
      return `${payload}.${signature(queryIdentity, payload).toString("base64url")}`;
    },

    decode(queryIdentity, cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError();
      const [payload, signed, ...rest] = cursor.split(".");
      if (payload === undefined || signed === undefined || rest.length > 0) throw new InvalidCursorError();
      const given = Buffer.from(signed, "base64url");
      const expected = signature(queryIdentity, payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
      return parseKey(Buffer.from(payload, "base64url").toString("utf8"));
    },
  };
}

/** Only reached with a valid signature, so a failure here means a bug or a leaked secret, not a user typo. */
function parseKey(json: string): PageKey {
  let key: unknown;
  try {
    key = JSON.parse(json);
  } catch {
    throw new InvalidCursorError();
  }
  const isPageKey =
    typeof key === "object" && key !== null && !Array.isArray(key) && Object.values(key).every((value) => typeof value === "string");
  if (!isPageKey) throw new InvalidCursorError();
  return key as PageKey;
}
