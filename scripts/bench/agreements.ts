/**
 * Tables full of agreements for the benchmarks: made from the demo agreement, brought to their status through the
 * lifecycle's own rules, and written as the store writes them, but in batches, so 10,000 load in seconds.
 */
import { BatchWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Agreement, DraftContent, Status } from "../../functions/domain/agreement";
import { createDraft, transition } from "../../functions/domain/lifecycle";
import { mammaUnited } from "../../functions/local/demo-agreements";
import { agreementItem, agreementKey, associationLinkItem } from "../../functions/store/items";
import { textIndexEntries, textItem } from "../../functions/store/search";
import { counterUpdates } from "../../functions/store/status-counts";

/** The statuses a benchmark agreement can be brought to, each by the demo agreement's steps up to it. */
export type BenchStatus = Extract<Status, "draft" | "proposed" | "approved" | "active">;
const STEPS_TO: Record<BenchStatus, number> = { draft: 0, proposed: 1, approved: 2, active: 3 };

/** The demo agreement's content with another title and end date (the period still starts 2024-02-01). */
export function benchAgreement(id: string, changes: { title: string; end?: string; status: BenchStatus }): Agreement {
  const content: DraftContent = { ...structuredClone(mammaUnited.content), title: changes.title };
  if (changes.end !== undefined) content.period = { start: content.period!.start, end: changes.end };
  const created = createDraft(id, content, mammaUnited.steps[0]!.actor, new Date(mammaUnited.createdAt));
  if (!created.ok) throw new Error(created.error.message);
  let agreement = created.agreement;
  for (const step of mammaUnited.steps.slice(0, STEPS_TO[changes.status])) {
    const result = transition(agreement, step.command, step.actor, new Date(step.at));
    if (!result.ok) throw new Error(`${step.command.type} refused: ${result.error.message}`);
    agreement = result.agreement;
  }
  return agreement;
}

/**
 * Writes the agreements as the store does (the agreement, its association links, its text index entries) and adds
 * them to the counters.
 */
export async function writeAgreements(client: DynamoDBDocumentClient, tableName: string, agreements: readonly Agreement[]): Promise<void> {
  const items = agreements.flatMap((agreement) => [
    agreementItem(agreement),
    ...(agreement.associations ?? []).map((association) => associationLinkItem(association.organisationNumber, agreement.id)),
    ...[...textIndexEntries(agreement)].map(([word, shared]) => textItem(word, agreement.id, shared, agreement.version)),
  ]);
  await batchWriteItems(client, tableName, items);
  const created = agreements.map((agreement) => ({ before: null, after: agreement }));
  for (const { Update } of counterUpdates(tableName, created)) await client.send(new UpdateCommand(Update));
}

/** Items written with BatchWriteItem, 25 a call, 8 calls at a time: for loading a table fast. */
export async function batchWriteItems(client: DynamoDBDocumentClient, tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
  const batches = [];
  for (let offset = 0; offset < items.length; offset += 25) batches.push(items.slice(offset, offset + 25));
  const write = async (batch: Record<string, unknown>[]) => {
    let requests = batch.map((item) => ({ PutRequest: { Item: item } }));
    while (requests.length > 0) {
      const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (output.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  };
  for (let offset = 0; offset < batches.length; offset += 8) await Promise.all(batches.slice(offset, offset + 8).map(write));
}

/** The agreement's key as a raw GetItem sends it. */
export function rawAgreementKey(agreementId: string): Record<string, { S: string }> {
  const { pk, sk } = agreementKey(agreementId);
  return { pk: { S: pk }, sk: { S: sk } };
}
