// The app in-process for API tests: real stores on a fresh DynamoDB Local table, real staff tokens from the local
// OpenID Connect provider (test/support/tokens.ts), a clock the test sets, and a workflow that records its calls.
// The use cases are built from the same ports as in Lambda and the local runtime (functions/app/application.ts).
import { createRequire } from "node:module";
import path from "node:path";
import { ScanCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { createApp, type AppDependencies } from "../../functions/site";
import type { Role } from "../../functions/api/auth/principal";
import type { LogRecord } from "../../functions/api/logging";
import { createApplication } from "../../functions/app/application";
import type { ApplicationPorts, ReportingPorts } from "../../functions/app/ports";
import type { Clock } from "../../functions/domain/clock";
import type { HeaderField, Mailer, OutgoingEmail } from "../../functions/email/sender";
import { createAgreementStore, type AgreementStore } from "../../functions/store/agreements";
import { createCalendarFeedStore, type CalendarFeedStore } from "../../functions/store/calendar-feeds";
import { createRateLimitStore } from "../../functions/store/rate-limits";
import { createReminderStore } from "../../functions/store/reminders";
import { createFreshLinkRequestStore } from "../../functions/store/fresh-link-requests";
import { createReportLinkStore } from "../../functions/store/report-links";
import { createReportStore } from "../../functions/store/reports";
import { createS3Attachments } from "../../functions/store/attachments";
import { createReportSchedule } from "../../functions/store/report-schedule";
import { createAddressLinks } from "../../functions/store/address-links";
import { createUndeliverableAddressStore } from "../../functions/store/undeliverable-addresses";
import { createWorkflowOutboxStore } from "../../functions/store/workflow-outbox";
import { createWorkflowStateStore } from "../../functions/store/workflow-state";
import type { AgreementWorkflow } from "../../functions/workflow/port";
import { createTestTable, type TestTable } from "./dynamo";
import { startTestAuth, TEST_APP_ORIGIN, type TestAuth } from "./tokens";

export const TEST_CURSOR_SECRET = "api-test-cursor-secret-0123456789abcdef";

/** What the API told the workflow, in order: "ensureRunning agr-1", "decisionRecorded agr-1", … */
export class RecordingWorkflow implements AgreementWorkflow {
  readonly calls: string[] = [];
  async ensureRunning(agreementId: string) {
    this.calls.push(`ensureRunning ${agreementId}`);
  }
  async decisionRecorded(agreementId: string) {
    this.calls.push(`decisionRecorded ${agreementId}`);
  }
  async agreementChanged(agreementId: string) {
    this.calls.push(`agreementChanged ${agreementId}`);
  }
}

export class TestClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

/** Keeps what would have been emailed; for tests that do not start the mail catcher. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { messageId: `recorded-${this.sent.length}` };
  }
  async findSent({ name, value }: HeaderField) {
    const index = this.sent.findIndex((email) => email.headers?.[name] === value);
    return index === -1 ? null : `recorded-${index + 1}`;
  }
}

/** The client address the rate limits see in tests: this header, or one fixed documentation address. */
export const TEST_CLIENT_ADDRESS_HEADER = "X-Test-Client-Address";

/**
 * Reports on the test table, emails recorded, and an S3 client for a bucket nobody listens at: tests of
 * attachments pass one for a local S3 (test/reports/).
 */
export function reportingForTests(table: TestTable, overrides: Partial<ReportingPorts> = {}): ReportingPorts {
  const stores = { client: table.documentClient, tableName: table.tableName };
  return {
    reports: createReportStore(stores),
    links: createReportLinkStore(stores),
    freshLinkRequests: createFreshLinkRequestStore(stores),
    rateLimits: createRateLimitStore(stores),
    attachments: createS3Attachments({
      client: new S3Client({ endpoint: "http://127.0.0.1:9", region: "eu-north-1", forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } }),
      bucket: "attachments",
    }),
    mailer: new RecordingMailer(),
    language: "sv",
    ...overrides,
  };
}

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** What a test may replace: any port of the use cases, or anything else createApp takes. */
export type TestAppOverrides = Partial<ApplicationPorts & Omit<AppDependencies, "application">>;

/**
 * Everything createApp needs, on the test table, for tests of any part of the app; `overrides` replaces parts.
 * Anonymous unless `authenticate` is overridden. `ports` are what the use cases were built from.
 */
export function appDependenciesForTests(table: TestTable, overrides: TestAppOverrides = {}): AppDependencies & { ports: ApplicationPorts } {
  let nextId = 1;
  const stores = { client: table.documentClient, tableName: table.tableName };
  const ports: ApplicationPorts = {
    store: overrides.store ?? createAgreementStore({ ...stores, cursorSecret: TEST_CURSOR_SECRET }),
    calendarFeeds: overrides.calendarFeeds ?? createCalendarFeedStore(stores),
    reminders: overrides.reminders ?? createReminderStore(stores),
    teamMailbox: overrides.teamMailbox ?? "iop-team@example.se",
    addresses: overrides.addresses ?? createUndeliverableAddressStore(stores),
    workflow: overrides.workflow ?? new RecordingWorkflow(),
    outbox: overrides.outbox ?? createWorkflowOutboxStore(stores),
    reporting: overrides.reporting ?? reportingForTests(table),
    workflowStates: overrides.workflowStates ?? createWorkflowStateStore(stores),
    undeliverable: overrides.undeliverable ?? createUndeliverableAddressStore(stores),
    reportSchedule: overrides.reportSchedule ?? createReportSchedule(stores),
    addressLinks: overrides.addressLinks ?? createAddressLinks(stores),
    clock: overrides.clock ?? new TestClock(new Date("2026-03-01T10:00:00Z")),
    newId: overrides.newId ?? (() => `agr-${nextId++}`),
    log: overrides.log ?? (() => {}),
    appOrigin: overrides.appOrigin ?? TEST_APP_ORIGIN,
  };
  return {
    checkHealth: overrides.checkHealth ?? (async () => ({ ok: true, components: {} })),
    appOrigin: ports.appOrigin,
    ...(overrides.uploadOrigin === undefined ? {} : { uploadOrigin: overrides.uploadOrigin }),
    authenticate: overrides.authenticate ?? (async () => null),
    clientAddress: overrides.clientAddress ?? ((c) => c.req.header(TEST_CLIENT_ADDRESS_HEADER) ?? "192.0.2.1"),
    log: ports.log,
    docsAssetsDir: overrides.docsAssetsDir ?? swaggerUiDir,
    ...(overrides.signInRoutes === undefined ? {} : { signInRoutes: overrides.signInRoutes }),
    ...(overrides.devTokenRoutes === undefined ? {} : { devTokenRoutes: overrides.devTokenRoutes }),
    ...(overrides.devClockRoutes === undefined ? {} : { devClockRoutes: overrides.devClockRoutes }),
    ...(overrides.afterResponse === undefined ? {} : { afterResponse: overrides.afterResponse }),
    application: createApplication(ports),
    ports,
  };
}

export interface RequestOptions {
  method?: string;
  /** Signed in with a real Bearer token of the seeded user with this role; anonymous without. */
  as?: Role;
  /** Sent as JSON (Content-Type application/json unless `headers` says otherwise); a string or bytes as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestApi {
  app: ReturnType<typeof createApp>;
  table: TestTable;
  store: AgreementStore;
  calendarFeeds: CalendarFeedStore;
  workflow: RecordingWorkflow;
  reporting: ReportingPorts;
  clock: TestClock;
  /** Every log record the app wrote. */
  logs: LogRecord[];
  /** Runs the work requests left for after their answers (held until now, so tests see what happened before). */
  runAfterResponse(): Promise<void>;
  auth: TestAuth;
  request(path: string, options?: RequestOptions): Promise<Response>;
  /** Every item in the table, marshalled as DynamoDB returns it, in key order: to compare before and after. */
  dump(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the app on a fresh table; `stop` in afterAll. Today is 2026-03-01 unless the test moves the clock.
 * `reporting` replaces parts of the report dependencies (e.g. a local S3, the mail catcher).
 */
export async function startTestApi(reporting: Partial<ReportingPorts> = {}): Promise<TestApi> {
  const table = await createTestTable();
  const auth = await startTestAuth(table);
  const logs: LogRecord[] = [];
  const workflow = new RecordingWorkflow();
  const clock = new TestClock(new Date("2026-03-01T10:00:00Z"));
  const afterResponse: (() => Promise<unknown>)[] = [];
  const dependencies = appDependenciesForTests(table, {
    afterResponse: (work) => afterResponse.push(work),
    authenticate: auth.auth.authenticate,
    signInRoutes: auth.auth.routes,
    workflow,
    reporting: reportingForTests(table, reporting),
    clock,
    log: (record) => logs.push(record),
  });
  const app = createApp(dependencies);
  const tokens = new Map<Role, Promise<Record<string, string>>>();
  const bearer = (role: Role) => {
    let headers = tokens.get(role);
    if (headers === undefined) tokens.set(role, (headers = auth.bearer(role)));
    return headers;
  };

  return {
    app,
    table,
    store: dependencies.ports.store,
    calendarFeeds: dependencies.ports.calendarFeeds,
    workflow,
    reporting: dependencies.ports.reporting,
    clock,
    logs,
    auth,
    async runAfterResponse() {
      for (let work = afterResponse.shift(); work !== undefined; work = afterResponse.shift()) await work();
    },
    async request(target, { method = "GET", as, body, headers = {} } = {}) {
      const sent: Record<string, string> = { ...(as === undefined ? {} : await bearer(as)) };
      const asIs = typeof body === "string" || body instanceof Uint8Array;
      if (body !== undefined && !asIs) sent["Content-Type"] = "application/json";
      Object.assign(sent, headers);
      const payload = body === undefined ? undefined : asIs ? body : JSON.stringify(body);
      return app.request(new URL(target, TEST_APP_ORIGIN).toString(), { method, headers: sent, body: payload });
    },
    async dump() {
      const items: Record<string, AttributeValue>[] = [];
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await table.client.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start, ConsistentRead: true }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      const key = (item: Record<string, AttributeValue>) => `${item.pk?.S}\u0000${item.sk?.S}`;
      return canonicalJson(items.sort((a, b) => key(a).localeCompare(key(b))));
    },
    async stop() {
      await auth.stop();
      await table.dispose();
    },
  };
}

/** JSON with object members in name order at every level, so equal data always gives equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const members = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${members.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
