/**
 * The one composition root: from the clients of a place (AWS, or the local runtime's emulators) and the stores on
 * its table (functions/store/stores.ts) to the use cases. functions/handlers/api.ts and functions/local/runtime.ts both build through here, so
 * the wiring is the same everywhere and only the clients and endpoints differ.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { createApplication, type Application } from "./app/application";
import type { Log } from "./app/ports";
import type { Clock } from "./domain/clock";
import type { Language } from "./email/reminder-message";
import { createSesMailer, type SesConnection } from "./email/sender";
import { createS3Attachments } from "./store/attachments";
import type { Stores } from "./store/stores";
import type { AgreementWorkflow } from "./workflow/port";

export interface PlaceClients {
  /** Presigns uploads into `bucket`: at an address browsers reach. */
  attachments: { client: S3Client; bucket: string };
  /** Sends the emails to association contacts and reminders sent again, from `from`; `teamMailbox` gets reminders in copy. */
  email: SesConnection & { from: string; configurationSet?: string | undefined; language: Language; teamMailbox: string };
  clock: Clock;
  /** The site's public origin: links in emails and calendar feeds point here. */
  appOrigin: string;
  log: Log;
  newId(): string;
}

/** `stores` and `workflow` come first: the place's workflow (Step Functions, or the local engine) is built on the stores. */
export function composeApplication(clients: PlaceClients, stores: Stores, workflow: AgreementWorkflow): Application {
  return createApplication({
    store: stores.agreements,
    calendarFeeds: stores.calendarFeeds,
    reminders: stores.reminders,
    teamMailbox: clients.email.teamMailbox,
    addresses: stores.undeliverableAddresses,
    workflow,
    outbox: stores.workflowOutbox,
    reporting: {
      reports: stores.reports,
      links: stores.reportLinks,
      freshLinkRequests: stores.freshLinkRequests,
      rateLimits: stores.rateLimits,
      attachments: createS3Attachments(clients.attachments),
      mailer: createSesMailer(clients.email),
      language: clients.email.language,
    },
    workflowStates: stores.workflowState,
    undeliverable: stores.undeliverableAddresses,
    reportSchedule: stores.reportSchedule,
    addressLinks: stores.addressLinks,
    clock: clients.clock,
    newId: clients.newId,
    log: clients.log,
    appOrigin: clients.appOrigin,
  });
}
