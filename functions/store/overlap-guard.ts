/**
 * Makes the overlap rule (findOverlap in functions/domain/lifecycle.ts) hold under concurrent submissions. The rule
 * is checked on a read of the agreements sharing an association; two submissions reading at the same instant would
 * each see the other still a draft and both pass. So there is one *guard* item per (association, title as the rule
 * compares it): reading for a submission reads the guards first, and the submission's transaction increments each
 * guard conditioned on the version read. Of two submissions that could overlap (they share an association and a
 * title, so a guard) only the first to write succeeds; the other's transaction is cancelled and the command is run
 * again on a fresh read, where the rule now sees the winner.
 *
 * A guard holds no periods and no agreements, only a counter: the rule itself decides on the agreements read, so
 * withdrawing, rejecting or ending an agreement needs no guard write, and nothing is ever blocked by a guard.
 */
import { createHash } from "node:crypto";
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Agreement } from "../domain/agreement";
import { overlapTitle, underOverlapRule, type Change } from "../domain/lifecycle";
import { associationNumbers, type ItemKey } from "./items";
import { TABLE_DEFINITION } from "./table";

const GUARD_PARTITION = "OVERLAP_GUARD#";
const GUARD_SORT_KEY = "OVERLAP_GUARD";

/** The versions of an agreement's guards as read before the rule was checked, by guard partition; 0 for none yet. */
export type OverlapGuardRead = ReadonlyMap<string, number>;

/** The title is hashed: it may be long and hold any character, and a key needs neither. */
function guardKey(organisationNumber: string, agreement: Pick<Agreement, "title">): ItemKey {
  const title = createHash("sha256").update(overlapTitle(agreement)).digest("hex");
  return { pk: `${GUARD_PARTITION}${organisationNumber}#${title}`, sk: GUARD_SORT_KEY };
}

function guardKeys(agreement: Agreement): ItemKey[] {
  return [...associationNumbers(agreement)].map((organisationNumber) => guardKey(organisationNumber, agreement));
}

/** Whether writing the change brings the agreement under the overlap rule: its submission. */
function entersOverlapRule({ before, after }: Change): boolean {
  return underOverlapRule(after) && (before === null || !underOverlapRule(before));
}

/**
 * Reads the guards a submission of `agreement` would write, consistently; before anything the rule reads. Only a
 * draft can be submitted, so for any other agreement there is nothing to read.
 */
export async function readOverlapGuard(client: DynamoDBDocumentClient, tableName: string, agreement: Agreement): Promise<OverlapGuardRead> {
  if (agreement.status !== "draft") return new Map();
  const versions = await Promise.all(
    guardKeys(agreement).map(async (key) => {
      const output = await client.send(new GetCommand({ TableName: tableName, Key: { ...key }, ConsistentRead: true }));
      return [key.pk, typeof output.Item?.version === "number" ? output.Item.version : 0] as const;
    }),
  );
  return new Map(versions);
}

/**
 * The transaction items that increment the guards of an agreement the change submits (none for any other change):
 * each conditioned on the version in `read`. A guard missing from `read` (a writer that checked no rule, such as
 * loading the demo data) is incremented without a condition, which still makes a concurrent checked submission
 * read again.
 */
export function overlapGuardWrites(tableName: string, change: Change, read: OverlapGuardRead = new Map()) {
  if (!entersOverlapRule(change)) return [];
  return guardKeys(change.after).map((key) => {
    const version = read.get(key.pk);
    const condition =
      version === undefined
        ? {}
        : version === 0
          ? { ConditionExpression: `attribute_not_exists(${TABLE_DEFINITION.partitionKey})` }
          : { ConditionExpression: "#version = :read", ExpressionAttributeValues: { ":one": 1, ":read": version } };
    return {
      Update: {
        TableName: tableName,
        Key: { ...key },
        UpdateExpression: "ADD #version :one",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":one": 1 },
        ...condition,
      },
    };
  });
}
