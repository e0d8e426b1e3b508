/**
 * Conditional requests (RFC 9110 §13) on agreements. The ETag of an agreement is its version as a strong entity
 * tag, `"7"`; a client that sends it back in `If-Match` changes the agreement only if nobody has changed it since.
 */
import type { Context } from "hono";
import { ApiProblem } from "./problems";

export function etagOf(version: number): string {
  return `"${version}"`;
}

const ENTITY_TAG = /^(W\/)?"(\d{1,10})"$/;

/**
 * The version `If-Match` asks for: a number for one strong ETag, `"any"` for `*`, `"absent"` without the header.
 * A weak ETag never matches for a change (strong comparison), so it is stale by definition.
 */
function ifMatchVersion(c: Context): number | "any" | "absent" {
  const header = c.req.header("If-Match");
  if (header === undefined) return "absent";
  if (header.trim() === "*") return "any";
  const tags = header.split(",").map((tag) => tag.trim());
  if (tags.length !== 1) {
    throw new ApiProblem(400, "Invalid If-Match", "Send the one ETag you read, e.g. If-Match: \"7\"", {
      errors: [{ path: "If-Match", message: "One ETag" }],
    });
  }
  const match = ENTITY_TAG.exec(tags[0]!);
  if (match === null) {
    throw new ApiProblem(400, "Invalid If-Match", `Not an ETag: ${header.slice(0, 40)}; send the ETag you read, e.g. "7"`, {
      errors: [{ path: "If-Match", message: 'An ETag in double quotes, e.g. "7"' }],
    });
  }
  if (match[1] !== undefined) {
    throw new ApiProblem(412, "Changed since you read it", "A weak ETag never matches If-Match; send the ETag header as it came");
  }
  return Number(match[2]);
}

/** For a change that must not overwrite someone else's: the version to change, or 428 without If-Match. */
export function requiredIfMatch(c: Context): number | undefined {
  const version = ifMatchVersion(c);
  if (version === "absent") {
    throw new ApiProblem(428, "If-Match required", 'Send If-Match with the ETag of the agreement as you read it, e.g. If-Match: "7"');
  }
  return version === "any" ? undefined : version;
}

/** For an action that may name the version it expects. */
export function optionalIfMatch(c: Context): number | undefined {
  const version = ifMatchVersion(c);
  return version === "any" || version === "absent" ? undefined : version;
}
