/**
 * Environment variables the stacks give the API function. The runtime reads them by these names
 * (functions/handlers/api.ts); test/infra/synth.test.ts checks the deployed function has each of them.
 */
export const API_ENVIRONMENT = {
  /** The single DynamoDB table. */
  tableName: "TABLE_NAME",
  /** The attachments bucket presigned URLs point into. */
  attachmentsBucket: "ATTACHMENTS_BUCKET",
  /** The From address of outgoing email. */
  emailSender: "EMAIL_SENDER",
  /** The team mailbox that receives every reminder. */
  teamMailbox: "TEAM_MAILBOX",
  /** The public origin of the app, for links in email (custom domain, or the HTTP API's URL). */
  appUrl: "APP_URL",
} as const;
