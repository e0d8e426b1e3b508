/**
 * What the use cases need from outside, injected by the composition root (compose.ts): the stores, and small
 * ports for S3 (attachments), SES (mail), the workflow and the log. Lambda and the local runtime pass the same
 * implementations with different endpoints; tests pass the real local ones.
 */
import type { ByteRange } from "../domain/attachment-content";
import type { Clock } from "../domain/clock";
import type { Language } from "../email/reminder-message";
import type { Mailer } from "../email/sender";
import type { AgreementStore } from "../store/agreements";
import type { CalendarFeedStore } from "../store/calendar-feeds";
import type { FreshLinkRequestStore } from "../store/fresh-link-requests";
import type { RateLimitStore } from "../store/rate-limits";
import type { ReminderStore } from "../store/reminders";
import type { AddressLinks } from "../store/address-links";
import type { ReportSchedule } from "../store/report-schedule";
import type { ReportLinkStore } from "../store/report-links";
import type { ReportStore } from "../store/reports";
import type { UndeliverableAddressStore } from "../store/undeliverable-addresses";
import type { WorkflowOutboxStore } from "../store/workflow-outbox";
import type { WorkflowStateStore } from "../store/workflow-state";
import type { AgreementWorkflow } from "../workflow/port";

export interface LogRecord {
  level: "info" | "error";
  message: string;
  requestId?: string;
  [field: string]: unknown;
}

/** Where log records go: stdout as JSON lines in Lambda and locally, an array in tests. */
export type Log = (record: LogRecord) => void;

/** An uploaded object as stored. */
export interface StoredObject {
  size: number | undefined;
  contentType: string | undefined;
}

/** A form that posts a file straight to storage (S3's browser POST). */
export interface UploadForm {
  /** Where the form posts: the bucket. */
  url: string;
  /** Its hidden fields, before the file: the key, the signed policy and its signature. */
  fields: Record<string, string>;
}

/** Where association attachments are kept (S3: functions/store/attachments.ts). */
export interface AttachmentStorage {
  /** A URL the browser PUTs the file to; it works only with exactly this content type and size. */
  uploadUrl(object: { key: string; contentType: string; size: number }, expiresInSeconds: number): Promise<string>;
  /**
   * A form that posts a file straight to storage (S3's browser-based POST, the upload without JavaScript): under
   * `keyPrefix` followed by the file's name, of at most `maxBytes`, and then to `returnTo` with the key stored.
   */
  uploadForm(upload: { keyPrefix: string; maxBytes: number; returnTo: string }, expiresInSeconds: number): Promise<UploadForm>;
  /** What is stored at the key; null when nothing was uploaded. */
  describe(key: string): Promise<StoredObject | null>;
  /** The stored object's bytes from `range.start` to `range.end`, both inclusive. */
  readRange(key: string, range: ByteRange): Promise<Uint8Array>;
  /** Moves the object to another key (copy, then delete the original). */
  move(fromKey: string, toKey: string): Promise<void>;
  remove(key: string): Promise<void>;
  /**
   * A URL that downloads the object for `expiresInSeconds`, answered with `Content-Disposition: attachment` under
   * the file's name and the given content type.
   */
  downloadUrl(object: { key: string; fileName: string; contentType: string }, expiresInSeconds: number): Promise<string>;
}

/** Association reports: their links, the emails carrying them, and the attachments. */
export interface ReportingPorts {
  reports: ReportStore;
  links: ReportLinkStore;
  /** Fresh-link requests waiting to be sent (functions/store/fresh-link-requests.ts). */
  freshLinkRequests: FreshLinkRequestStore;
  rateLimits: RateLimitStore;
  attachments: AttachmentStorage;
  /** Emails to association contacts. */
  mailer: Mailer;
  /** The language of those emails unless a request says otherwise. */
  language: Language;
}

export interface ApplicationPorts {
  store: AgreementStore;
  calendarFeeds: CalendarFeedStore;
  /** What the workflow recorded of each reminder (functions/store/reminders.ts); staff send uncertain ones again. */
  reminders: ReminderStore;
  /** Gets every reminder in copy, also one sent again. */
  teamMailbox: string;
  /** Addresses SES reported as bouncing or complaining (functions/store/undeliverable-addresses.ts). */
  addresses: Pick<UndeliverableAddressStore, "get">;
  workflow: AgreementWorkflow;
  /** What the workflow still has to be told (functions/store/workflow-outbox.ts). */
  outbox: WorkflowOutboxStore;
  reporting: ReportingPorts;
  /** The workflows that failed (functions/store/workflow-state.ts). */
  workflowStates: Pick<WorkflowStateStore, "listFailed">;
  /** Addresses SES reported undeliverable (functions/store/undeliverable-addresses.ts). */
  undeliverable: Pick<UndeliverableAddressStore, "list">;
  /** Reports due, overdue and waiting for review, by due date (functions/store/report-schedule.ts). */
  reportSchedule: ReportSchedule;
  /** The agreements in force using an address (functions/store/address-links.ts). */
  addressLinks: AddressLinks;
  clock: Clock;
  /** Ids for new agreements. */
  newId(): string;
  log: Log;
  /** The site's public origin: links in emails and calendar feeds point here. */
  appOrigin: string;
}
