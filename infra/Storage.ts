import { Duration } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Bucket, Table, type StackContext, type TableProps } from "sst/constructs";
import { readDeployConfig } from "./config";
import { PENDING_UPLOAD_PREFIX } from "../functions/domain/reports";
import { TIME_TO_LIVE_ATTRIBUTE } from "../functions/store/sessions";
import { TABLE_DEFINITION, type GlobalIndexDefinition, type TableDefinition } from "../functions/store/table";

/**
 * Data that outlives deployments: the single DynamoDB table (keys and indexes as the store defines them in
 * functions/store/table.ts, the same definition the local runtime creates) and the attachments bucket.
 * Both are retained (and the table protected against deletion) on production stages.
 */
export function Storage({ app, stack }: StackContext) {
  const config = readDeployConfig(app.stage, process.env);

  const table = new Table(stack, "Data", {
    fields: tableFields(TABLE_DEFINITION),
    primaryIndex: {
      partitionKey: TABLE_DEFINITION.partitionKey,
      sortKey: TABLE_DEFINITION.sortKey,
    },
    globalIndexes: Object.fromEntries(
      Object.entries<GlobalIndexDefinition>(TABLE_DEFINITION.globalIndexes).map(([name, index]) => [
        name,
        { partitionKey: index.partitionKey, sortKey: index.sortKey, projection: index.projection },
      ]),
    ),
    // Sign-in sessions carry their expiry here; DynamoDB deletes them some time after it passes.
    timeToLiveAttribute: TIME_TO_LIVE_ATTRIBUTE,
    // On-demand billing and point-in-time recovery are the Table construct's defaults; asserted in test/infra.
    cdk: { table: { deletionProtection: config.production } },
  });

  const attachments = new Bucket(stack, "Attachments", {
    blockPublicACLs: true,
    // Browsers upload report attachments straight to S3 with a presigned PUT from pages served by the API (the
    // report form's presigned POST without JavaScript is a plain form post, which CORS does not govern).
    cors: [
      {
        allowedMethods: ["PUT"],
        allowedOrigins: attachmentOrigins(app.region, config.appUrl),
        allowedHeaders: ["*"],
        exposedHeaders: ["ETag"],
        maxAge: "1 hour",
      },
    ],
    cdk: {
      bucket: {
        encryption: s3.BucketEncryption.S3_MANAGED,
        versioned: true,
        lifecycleRules: [
          { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
          { id: "expire-replaced-versions", noncurrentVersionExpiration: Duration.days(90) },
          // Uploads land under this prefix and confirming moves them out: what is left was never confirmed.
          {
            id: "expire-unconfirmed-uploads",
            prefix: PENDING_UPLOAD_PREFIX,
            expiration: Duration.days(1),
            noncurrentVersionExpiration: Duration.days(1),
          },
        ],
      },
    },
  });

  stack.addOutputs({
    TableName: table.tableName,
    AttachmentsBucket: attachments.bucketName,
  });

  return { table, attachments };
}

/** Every attribute that is a key of the table or of an index; all are strings. */
function tableFields(definition: TableDefinition): NonNullable<TableProps["fields"]> {
  const keys = [definition, ...Object.values(definition.globalIndexes)];
  const names = keys.flatMap(({ partitionKey, sortKey }) => [partitionKey, sortKey]);
  return Object.fromEntries(names.map((name) => [name, "string" as const]));
}

/**
 * Pages are served by the HTTP API: from its execute-api address in the region and, when configured,
 * from the app's custom domain. A presigned URL still authorises each upload; CORS only lets the page see the reply.
 */
function attachmentOrigins(region: string, appUrl: string | undefined): string[] {
  const origins = [`https://*.execute-api.${region}.amazonaws.com`];
  if (appUrl !== undefined) origins.unshift(appUrl);
  return origins;
}
