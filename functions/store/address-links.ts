/**
 * Address links: which agreements in force (`active`) an email address is used in (as the responsible officer, a
 * contact or an association's contact), so the dashboard can name the agreements behind an undeliverable address
 * without reading every agreement. One small item per address and agreement, keyed by the SHA-256 of the address
 * (as report contacts are, so no address sits in a key). Derived from the agreement and written after its
 * transaction (derived-entries.ts); docs/data-model.md describes the item.
 */
import { createHash } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { agreementAddresses, type Agreement } from "../domain/agreement";
import type { Change } from "../domain/lifecycle";
import { derivedEntryWrites, lostKeys, sameKeys } from "./derived-entries";
import { parseItem, type ItemKey } from "./items";
import { queryPartition } from "./query";

const ADDRESS_PREFIX = "ADDRESS#";
const AGREEMENT_PREFIX = "AGREEMENT#";

function addressPartition(address: string): string {
  return `${ADDRESS_PREFIX}${createHash("sha256").update(address.toLowerCase()).digest("hex")}`;
}

function linkKey(address: string, agreementId: string): ItemKey {
  return { pk: addressPartition(address), sk: `${AGREEMENT_PREFIX}${agreementId}` };
}

/** The links an agreement has: one per address, while it is in force. */
function linkKeys(agreement: Agreement): ItemKey[] {
  return agreement.status === "active" ? agreementAddresses(agreement).map((address) => linkKey(address, agreement.id)) : [];
}

/** Keeps the links in line with agreements just written (applyChanges, after its transaction). */
export async function syncAddressLinks(client: DynamoDBDocumentClient, tableName: string, changes: readonly Change[]): Promise<void> {
  await Promise.all(
    changes.flatMap(({ before, after }) => {
      const previous = before === null ? [] : linkKeys(before);
      const current = linkKeys(after);
      if (sameKeys(previous, current)) return [];
      const links = current.map((key) => ({ ...key, agreementId: after.id }));
      return derivedEntryWrites(client, tableName, after.version, links, lostKeys(previous, current));
    }),
  );
}

/** Writes the links of an agreement as it is now: for agreements written before the links existed. */
export async function writeAddressLinks(client: DynamoDBDocumentClient, tableName: string, agreement: Agreement): Promise<void> {
  const links = linkKeys(agreement).map((key) => ({ ...key, agreementId: agreement.id }));
  await Promise.all(derivedEntryWrites(client, tableName, agreement.version, links, []));
}

const linkSchema = z.object({ agreementId: z.string() });

export interface AddressLinks {
  /** The ids of the agreements in force that use the address: one Query. */
  agreementsUsing(address: string): Promise<string[]>;
}

export function createAddressLinks({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): AddressLinks {
  return {
    async agreementsUsing(address) {
      const items = await queryPartition(client, tableName, addressPartition(address), AGREEMENT_PREFIX);
      return items.map((item) => parseItem(item, linkSchema).agreementId);
    },
  };
}
