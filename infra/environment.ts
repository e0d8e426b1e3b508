/**
 * Environment variables the stacks give the site's functions (the JSON API's and the pages'). The runtime reads them
 * by these names (functions/handlers/site.ts, secrets.ts); test/infra/synth.test.ts checks the deployed functions
 * have those they use.
 */
import { OIDC_ENVIRONMENT } from "../functions/api/auth/settings";
import { SECRET_ENVIRONMENT } from "../functions/handlers/secrets";

export const API_ENVIRONMENT = {
  /** The single DynamoDB table. */
  tableName: "TABLE_NAME",
  /** The attachments bucket presigned URLs point into. */
  attachmentsBucket: "ATTACHMENTS_BUCKET",
  /** The From address of outgoing email. */
  emailSender: "EMAIL_SENDER",
  /** The SES configuration set every email is sent through, which reports bounces and complaints (infra/Email.ts). */
  emailConfigurationSet: "EMAIL_CONFIGURATION_SET",
  /** The team mailbox that receives every reminder. */
  teamMailbox: "TEAM_MAILBOX",
  /** The public origin of the app, for links in email (custom domain, or the HTTP API's URL). */
  appUrl: "APP_URL",
  /** The id of the secret that signs list paging cursors; the function reads its value when it starts. */
  cursorSecretId: SECRET_ENVIRONMENT.cursorSecretId,
  /** The id of the secret that seals the browser's sign-in state cookie (functions/api/auth/sign-in-state.ts). */
  signInSecretId: SECRET_ENVIRONMENT.signInSecretId,
  /** Staff sign-in: the OpenID Connect issuer and how its tokens are read (functions/api/auth/settings.ts). */
  oidcIssuer: OIDC_ENVIRONMENT.issuer,
  oidcClientId: OIDC_ENVIRONMENT.clientId,
  /** The name of the secret holding the OIDC client secret, when the client is confidential. */
  oidcClientSecretId: SECRET_ENVIRONMENT.oidcClientSecretId,
  oidcAudience: OIDC_ENVIRONMENT.audience,
  oidcRolesClaim: OIDC_ENVIRONMENT.rolesClaim,
  oidcRoleMap: OIDC_ENVIRONMENT.roleMap,
  oidcScopes: OIDC_ENVIRONMENT.scopes,
  oidcEmailClaim: OIDC_ENVIRONMENT.emailClaim,
  oidcEmailVerifiedByIssuer: OIDC_ENVIRONMENT.emailVerifiedByIssuer,
  /** The agreement workflow's state machine (functions/workflow/step-functions.ts); set by infra/Workflow.ts. */
  workflowStateMachineArn: "WORKFLOW_STATE_MACHINE_ARN",
} as const;

/** Environment variables the Workflow stack gives the task functions (functions/handlers/workflow-dependencies.ts). */
export const WORKFLOW_ENVIRONMENT = {
  tableName: API_ENVIRONMENT.tableName,
  /** ContinueAsNew starts executions of it; alarms name it. */
  stateMachineArn: API_ENVIRONMENT.workflowStateMachineArn,
  emailSender: API_ENVIRONMENT.emailSender,
  emailConfigurationSet: API_ENVIRONMENT.emailConfigurationSet,
  teamMailbox: API_ENVIRONMENT.teamMailbox,
  /** Reminders link to `<APP_URL>/agreements/<id>`. */
  appUrl: API_ENVIRONMENT.appUrl,
  /** "sv" (default) or "en": the language of reminder emails. */
  emailLanguage: "EMAIL_LANGUAGE",
} as const;

/** Environment variables of the function that records SES bounces and complaints (functions/handlers/email-events.ts). */
export const EMAIL_EVENTS_ENVIRONMENT = {
  tableName: API_ENVIRONMENT.tableName,
} as const;

/** Environment variables of the reconciler (functions/handlers/reconcile.ts), which composes the application. */
export const RECONCILER_ENVIRONMENT = {
  tableName: API_ENVIRONMENT.tableName,
  /** The executions it describes, starts and stops; its metrics name it. */
  stateMachineArn: API_ENVIRONMENT.workflowStateMachineArn,
  attachmentsBucket: API_ENVIRONMENT.attachmentsBucket,
  emailSender: API_ENVIRONMENT.emailSender,
  emailConfigurationSet: API_ENVIRONMENT.emailConfigurationSet,
  teamMailbox: API_ENVIRONMENT.teamMailbox,
  /** Report links in the emails it sends point here. */
  appUrl: API_ENVIRONMENT.appUrl,
  emailLanguage: WORKFLOW_ENVIRONMENT.emailLanguage,
} as const;
