// The workflow's task handlers on a test table, with the settings every workflow test shares; each test brings the
// ports it is about (the mailer, the launcher, the callbacks, the alarms).
import type { Clock } from "../../functions/domain/clock";
import type { Mailer } from "../../functions/email/sender";
import { createReminderStore } from "../../functions/store/reminders";
import { createWorkflowStateStore } from "../../functions/store/workflow-state";
import { createWorkflowTasks, type WorkflowTaskDependencies, type WorkflowTasks } from "../../functions/workflow/tasks";
import { DEFAULT_WORKFLOW_TIMING } from "../../functions/workflow/timing";
import type { TestTable } from "./dynamo";

export const TEST_MAIL_SETTINGS = { teamMailbox: "iop-team@kommun.example", appUrl: "http://127.0.0.1:3000", language: "sv" } as const;

export function createTestWorkflowTasks(
  table: TestTable,
  ports: { clock: Clock; mailer: Mailer } & Pick<WorkflowTaskDependencies, "launcher" | "decisions"> & Partial<Pick<WorkflowTaskDependencies, "alarms">>,
): WorkflowTasks {
  const tableOptions = { client: table.documentClient, tableName: table.tableName };
  return createWorkflowTasks({
    agreements: table.agreements,
    reminders: createReminderStore(tableOptions),
    workflowState: createWorkflowStateStore(tableOptions),
    mail: TEST_MAIL_SETTINGS,
    timing: DEFAULT_WORKFLOW_TIMING,
    alarms: { raise: async () => undefined },
    ...ports,
  });
}
