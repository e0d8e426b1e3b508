// The dashboard on DynamoDB Local reads a fixed number of times whatever the number of agreements stored: with the
// demo agreements and with 80 more agreements in force beside them, it makes the same DynamoDB calls and shows the
// same figures. Every figure is backed by an index or a registry kept by the writes (docs/data-model.md).
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import { createApplication } from "../../functions/app/application";
import type { Dashboard } from "../../functions/app/dashboard";
import { luhnCheckDigit } from "../../functions/domain/organisation-number";
import { replayDemoAgreement, seedDemoAgreements } from "../../functions/local/demo-data";
import { mammaUnited } from "../../functions/local/demo-agreements";
import { rebuildDashboardEntriesIfOutdated } from "../../functions/store/dashboard-entries";
import { agreementItem } from "../../functions/store/items";
import type { PageRequest } from "../../functions/store/paging";
import { createReminderStore } from "../../functions/store/reminders";
import { createUndeliverableAddressStore } from "../../functions/store/undeliverable-addresses";
import { createWorkflowStateStore } from "../../functions/store/workflow-state";
import { countReads, type ReadCount } from "../../scripts/bench/read-count";
import { storeSubmittedReport } from "../reports/fixtures";
import { appDependenciesForTests, TestClock } from "../support/api";
import { createTestTable, type TestTable } from "../support/dynamo";

const NOW = new Date("2026-03-01T10:00:00Z");
const viewer: StaffPrincipal = { subject: "viewer", email: "viewer@example.se", roles: ["viewer"], via: "session" };

let table: TestTable;
let overview: () => Promise<Dashboard>;
let reads: { take(): ReadCount };

/**
 * An agreement in force like Mamma United's, for another association, with nothing on the dashboard: its workflow
 * runs, as every agreement in force's does.
 */
async function addQuietAgreements(count: number): Promise<void> {
  for (let serial = 0; serial < count; serial++) {
    const nine = `80${String(900_000 + serial).padStart(7, "0")}`;
    const association = { ...mammaUnited.content.associations![0]!, contact: undefined, organisationNumber: `${nine.slice(0, 6)}-${nine.slice(6)}${luhnCheckDigit(nine)}` };
    const quiet = {
      ...mammaUnited,
      id: `quiet-${serial}`,
      content: {
        ...mammaUnited.content,
        title: `Tyst avtal ${serial}`,
        associations: [association],
        contacts: [],
        responsibleOfficer: { name: "Handläggare", email: `handlaggare${serial}@example.se` },
        reportingRequirements: [{ id: "verksamhet", kind: "activity" as const, description: "", dueDates: ["2026-12-31"] }],
      },
    };
    for (const changes of replayDemoAgreement(quiet, NOW)) await table.agreements.applyChanges(changes);
    await createWorkflowStateStore({ client: table.documentClient, tableName: table.tableName }).beginGeneration(quiet.id, 0, NOW);
  }
}

/** The dashboard and the DynamoDB calls it took. */
async function measured(): Promise<{ dashboard: Dashboard; calls: Omit<ReadCount, "items" | "units">; items: number }> {
  reads.take();
  const dashboard = await overview();
  const { queries, batchGets, gets, items } = reads.take();
  return { dashboard, calls: { queries, batchGets, gets }, items };
}

beforeAll(async () => {
  table = await createTestTable();
  const { ports } = appDependenciesForTests(table, { clock: new TestClock(NOW) });
  const application = createApplication(ports);
  overview = () => application.dashboard.overview(viewer);
  reads = countReads(table.client);
  await seedDemoAgreements(table.agreements, NOW);
  const tables = { client: table.documentClient, tableName: table.tableName };
  // Something in every figure: a report in review, an uncertain reminder, a failed workflow, a bounced address.
  await storeSubmittedReport(ports.reporting.reports, { agreementId: mammaUnited.id, requirementId: "verksamhet", dueDate: "2025-03-31" }, NOW);
  const reminders = createReminderStore(tables);
  const expiry = { kind: "expiry", sendOn: "2026-02-01", concerns: "2026-12-31" } as const;
  await reminders.claim(mammaUnited.id, expiry, [], NOW);
  await reminders.markUncertain(mammaUnited.id, expiry, "socket hang up", NOW);
  const workflowStates = createWorkflowStateStore(tables);
  await workflowStates.beginGeneration(mammaUnited.id, 0, NOW);
  await workflowStates.recordFailure(mammaUnited.id, { at: "2026-02-28T08:00:00Z", generation: 0, error: "States.TaskFailed", cause: "DynamoDB unavailable" });
  await createUndeliverableAddressStore(tables).mark({ address: "kontakt@mammaunited.example.se", reason: "bounce", reportedAt: "2026-02-27T09:30:00Z" });
}, 120_000);

afterAll(() => table?.dispose());

describe("the dashboard's reads", () => {
  it("are the same few calls with 80 more agreements in force, and show the same figures", async () => {
    const small = await measured();
    const mamma = { id: mammaUnited.id, title: mammaUnited.content.title! };
    expect(small.dashboard.reports.awaitingReview).toEqual([{ agreement: mamma, reportId: "2025-03-31_verksamhet", requirementId: "verksamhet", dueDate: "2025-03-31" }]);
    expect(small.dashboard.reports.overdue).toContainEqual({ agreement: mamma, reportId: "2025-03-31_ekonomi", requirementId: "ekonomi", dueDate: "2025-03-31" });
    expect(small.dashboard.reports.due).toContainEqual({ agreement: mamma, reportId: "2026-03-31_verksamhet", requirementId: "verksamhet", dueDate: "2026-03-31" });
    expect(small.dashboard.uncertainReminders.map((entry) => entry.agreement)).toEqual([mamma]);
    expect(small.dashboard.failedWorkflows.map((entry) => entry.agreement)).toEqual([mamma]);
    expect(small.dashboard.undeliverable.map((address) => address.agreements)).toEqual([[mamma]]);

    await addQuietAgreements(80);
    const large = await measured();
    expect(large.dashboard.byStatus.active).toBe(small.dashboard.byStatus.active + 80);
    expect({ ...large.dashboard, byStatus: undefined }).toEqual({ ...small.dashboard, byStatus: undefined });
    expect(large.calls).toEqual(small.calls);
    // Not one item more either: none of the 80 workflows failed, so none of their states is read.
    expect(large.items).toBe(small.items);
    // The status counters; the end-date counters up to the furthest horizon; notice dates; the open and the in-review reports; the open
    // workflows and their states; the uncertain reminders; the undeliverable addresses and each one's links; one
    // BatchGetItem of the agreements named.
    const perAddress = small.dashboard.undeliverable.length;
    expect(small.calls).toEqual({ queries: 1 + 1 + 1 + 2 + 1 + 1 + 1 + perAddress, batchGets: 2, gets: 0 });
  }, 240_000);

  it("are filled in, once, for agreements written before the indexes existed", async () => {
    const nine = "808000001";
    const association = { ...mammaUnited.content.associations![0]!, organisationNumber: `${nine.slice(0, 6)}-${nine.slice(6)}${luhnCheckDigit(nine)}` };
    const before = { ...mammaUnited, id: "written-before", content: { ...mammaUnited.content, title: "Skrivet förut", associations: [association] } };
    const agreement = replayDemoAgreement(before, NOW).at(-1)!.at(-1)!.after;
    // The agreement item alone, as an older version wrote it: no report schedule, no address links.
    await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: agreementItem(agreement) }));
    const overdueOf = (dashboard: Dashboard) => dashboard.reports.overdue.filter((report) => report.agreement.id === agreement.id).map((report) => report.reportId);
    expect(overdueOf(await overview())).toEqual([]);

    const listActive = (request: PageRequest) => table.agreements.listByStatus("active", request);
    expect(await rebuildDashboardEntriesIfOutdated(table.documentClient, table.tableName, listActive)).toBeGreaterThan(80);
    const dashboard = await overview();
    expect(overdueOf(dashboard)).toEqual(["2025-03-31_ekonomi", "2025-03-31_verksamhet"]);
    expect(dashboard.undeliverable[0]!.agreements.map((used) => used.id).sort()).toEqual([mammaUnited.id, agreement.id].sort());
    expect(await rebuildDashboardEntriesIfOutdated(table.documentClient, table.tableName, listActive)).toBe(0);
  }, 240_000);
});
