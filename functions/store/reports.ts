/**
 * Reports and their submitted versions, in the agreement's partition: `REPORT#<reportId>` is the working copy
 * (its status, draft content and attachments), `REPORTVERSION#<reportId>#<number>` each immutable submission.
 * Every write of a report is conditioned on the version it read; a submission writes the report and its new version
 * in one transaction. The same transactions keep the report schedule (report-schedule.ts) in step: a submission
 * takes the report off the open ones and puts it on those waiting for review, a review takes it off those. The list
 * of an agreement's reports is `AgreementStore.reports` (paged like its other lists).
 */
import { TransactionCanceledException, ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { reportVersionSchema, storedReportSchema, type Report, type ReportVersion } from "../domain/reports";
import { agreementPartition, parseItem, type Item, type ItemKey } from "./items";
import { queryPartition } from "./query";
import { openReportKey, reviewEntry, reviewKey } from "./report-schedule";

export const REPORT_PREFIX = "REPORT#";
const VERSION_PREFIX = "REPORTVERSION#";
/** Wide enough that versions sort as numbers. */
const VERSION_DIGITS = 4;

export function reportKey(agreementId: string, reportId: string): ItemKey {
  return { pk: agreementPartition(agreementId), sk: `${REPORT_PREFIX}${reportId}` };
}

function versionKey(agreementId: string, reportId: string, number: number): ItemKey {
  return { pk: agreementPartition(agreementId), sk: `${VERSION_PREFIX}${reportId}#${String(number).padStart(VERSION_DIGITS, "0")}` };
}

/** A report write lost the optimistic lock: someone else saved the report since it was read; nothing was written. */
export class ReportConflictError extends Error {
  override readonly name = "ReportConflictError";

  constructor(agreementId: string, reportId: string, options?: ErrorOptions) {
    super(`Report ${reportId} of agreement ${agreementId} was changed by someone else at the same moment`, options);
  }
}

export function reportFromItem(item: Item): Report {
  return parseItem(item, storedReportSchema);
}

/** Domain objects are JSON data; the round trip drops `undefined` members, which DynamoDB cannot store. */
function asJsonData<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function reportItem(report: Report): Item {
  return { ...asJsonData(report), ...reportKey(report.agreementId, report.reportId) };
}

/** The report was just accepted or sent back: the save that leaves `submitted`, or a later save after it. */
function wasReviewed(report: Report): boolean {
  return report.status === "accepted" || report.status === "supplement-requested";
}

export interface ReportStore {
  get(agreementId: string, reportId: string): Promise<Report | null>;
  /**
   * Writes the report if it is still at the version it was read at (`report.version - 1`; 0 for a new one).
   * @throws ReportConflictError when someone else wrote it since
   */
  save(report: Report): Promise<void>;
  /** Writes a submission: the report (as `save`) and its new version, together or not at all. */
  saveSubmission(report: Report, version: ReportVersion): Promise<void>;
  /** Every submitted version of a report, oldest first. */
  versions(agreementId: string, reportId: string): Promise<ReportVersion[]>;
}

export interface ReportStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export function createReportStore({ client, tableName }: ReportStoreOptions): ReportStore {
  const lockOn = (report: Report) =>
    report.version === 1
      ? { ConditionExpression: "attribute_not_exists(pk)" }
      : {
          ConditionExpression: "#version = :readVersion",
          ExpressionAttributeNames: { "#version": "version" },
          ExpressionAttributeValues: { ":readVersion": report.version - 1 },
        };
  const conflict = (report: Report, error: unknown) => new ReportConflictError(report.agreementId, report.reportId, { cause: error });

  return {
    async get(agreementId, reportId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { ...reportKey(agreementId, reportId) }, ConsistentRead: true }));
      return Item === undefined ? null : reportFromItem(Item);
    },

    async save(report) {
      const put = { TableName: tableName, Item: reportItem(report), ...lockOn(report) };
      try {
        // A reviewed report leaves the review entries with the write that reviews it.
        if (wasReviewed(report)) {
          await client.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, { Delete: { TableName: tableName, Key: { ...reviewKey(report) } } }] }));
        } else await client.send(new PutCommand(put));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException) throw conflict(report, error);
        throw error;
      }
    },

    async saveSubmission(report, version) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: reportItem(report), ...lockOn(report) } },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...asJsonData(version), ...versionKey(version.agreementId, version.reportId, version.number) },
                  // A version, once written, is never replaced.
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              { Delete: { TableName: tableName, Key: { ...openReportKey(report) } } },
              { Put: { TableName: tableName, Item: reviewEntry(report) } },
            ],
          }),
        );
      } catch (error) {
        throw error instanceof TransactionCanceledException ? conflict(report, error) : error;
      }
    },

    async versions(agreementId, reportId) {
      const items = await queryPartition(client, tableName, agreementPartition(agreementId), `${VERSION_PREFIX}${reportId}#`);
      return items.map((item) => parseItem(item, reportVersionSchema));
    },
  };
}
