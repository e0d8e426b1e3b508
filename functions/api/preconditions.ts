/**
 * Conditional requests (RFC 9110 §13) on agreements. The ETag of an agreement is its version as a strong entity
 * tag, `"7"`; a client that sends it back in `If-Match` changes the agreement only if nobody has changed it since.
 *
 * One rule for the client: 412 means the If-Match failed, whenever that is found out. The use case compares the
 * version it reads; the store compares it again at write time, and a write that got in between then is a 412 too
 * (not the 409 "Edit conflict" a change without If-Match gets).
 */
import type { Context } from "hono";
import { StaleVersionError } from "../app/errors";
import { VersionConflictError } from "../store/errors";
import { ApiProblem } from "./problems";

export function etagOf(version: number): string {
  return `"${version}"`;
}

interface EntityTag {
  weak: boolean;
  /** Between the double quotes. */
  opaque: string;
}

/**
 * One member of a comma-separated list of entity-tags (RFC 9110 §8.8.3): optional whitespace, `W/` for a weak
 * tag, the opaque part of etagc characters (any visible character but `"`, and obs-text) in double quotes, then a
 * comma or the end. Empty members are allowed, as for every list (§5.6.1).
 */
const LIST_MEMBER = /[ \t]*(?:(W\/)?"([\x21\x23-\x7E\x80-\xFF]*)"[ \t]*)?(,|$)/y;

/** The entity-tags of a list, or null when the value is not one. */
function entityTags(value: string): EntityTag[] | null {
  const tags: EntityTag[] = [];
  let position = 0;
  while (position < value.length) {
    LIST_MEMBER.lastIndex = position;
    const member = LIST_MEMBER.exec(value);
    if (member === null) return null;
    if (member[2] !== undefined) tags.push({ weak: member[1] !== undefined, opaque: member[2] });
    if (member[3] === "") break;
    position = LIST_MEMBER.lastIndex;
  }
  return tags;
}

/** What the request's If-Match asks for: nothing, any current version (`*`), or one of a list of entity-tags. */
type IfMatch = { kind: "absent" } | { kind: "any" } | { kind: "tags"; tags: EntityTag[]; header: string };

function ifMatchOf(c: Context): IfMatch {
  const header = c.req.header("If-Match");
  if (header === undefined) return { kind: "absent" };
  if (header.trim() === "*") return { kind: "any" };
  const tags = entityTags(header);
  if (tags === null) {
    throw new ApiProblem(400, "Invalid If-Match", `Not a list of ETags: ${header.slice(0, 40)}; send the ETag you read, e.g. If-Match: "7"`, {
      errors: [{ path: "If-Match", message: 'ETags in double quotes, separated by commas, e.g. "7"; or *' }],
    });
  }
  return { kind: "tags", tags, header };
}

/**
 * The versions the tags name. If-Match compares strongly: a weak tag never matches, and the opaque part must be
 * exactly what etagOf writes (`"07"` is not `"7"`).
 */
function versionsNamed(tags: readonly EntityTag[]): number[] {
  return tags.flatMap((tag) => (!tag.weak && /^[1-9][0-9]{0,14}$/.test(tag.opaque) ? [Number(tag.opaque)] : []));
}

/** Versions count from 1, so no agreement is ever at this one: asking for it only checks that the agreement exists. */
const NO_VERSION = 0;

export type IfMatchRule = "required" | "optional";

/**
 * Runs `change` on agreement `agreementId` under the request's If-Match, passing the version it must be based on
 * (undefined: whatever is stored).
 * - No If-Match: 428 when `required`; else the change runs, and a write in between is problems.ts' 409.
 * - `*`: matches any version the agreement has.
 * - A list of entity-tags: matches when any of them is the current ETag. Otherwise 412, also for a well-formed tag
 *   that could never have been ours (`"stale-0"`); only a malformed value is 400. A 404 comes first: a condition
 *   on something that does not exist is not evaluated (RFC 9110 §13.2.1).
 */
export async function underIfMatch<T>(
  c: Context,
  agreementId: string,
  rule: IfMatchRule,
  change: (expectedVersion: number | undefined) => Promise<T>,
): Promise<T> {
  const condition = ifMatchOf(c);
  if (condition.kind === "absent" && rule === "required") {
    throw new ApiProblem(428, "If-Match required", 'Send If-Match with the ETag of the agreement as you read it, e.g. If-Match: "7"');
  }
  if (condition.kind !== "tags") return change(undefined);
  const { header } = condition;
  const versions = versionsNamed(condition.tags);
  const run = async (version: number) => {
    try {
      return await change(version);
    } catch (error) {
      if (error instanceof VersionConflictError && error.agreementId === agreementId) {
        throw preconditionFailed(`Agreement ${agreementId} was changed by someone else while this change was being saved`, header);
      }
      throw error;
    }
  };
  try {
    return await run(versions[0] ?? NO_VERSION);
  } catch (error) {
    if (!(error instanceof StaleVersionError)) throw error;
    // The list may name the current version further on.
    if (!versions.includes(error.currentVersion)) throw stale(error, header);
    try {
      return await run(error.currentVersion);
    } catch (again) {
      throw again instanceof StaleVersionError ? stale(again, header) : again;
    }
  }
}

function stale(error: StaleVersionError, header: string): ApiProblem {
  return preconditionFailed(`Agreement ${error.agreementId} is at version ${etagOf(error.currentVersion)}`, header);
}

function preconditionFailed(what: string, header: string): ApiProblem {
  return new ApiProblem(412, "Changed since you read it", `${what}, not one If-Match names (${header.slice(0, 40)}): reload it and try again`);
}
