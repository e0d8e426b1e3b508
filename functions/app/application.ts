/**
 * Every use case, built once from the ports: what the JSON routes, the pages and the Lambda handlers call. Each
 * takes the acting principal (or, for an association, the link token) and plain input, and returns a result or
 * throws a typed error (errors.ts).
 */
import { agreementUseCases } from "./agreements";
import { dashboardUseCases } from "./dashboard";
import { exportUseCases } from "./exports";
import { invitationUseCases, reportLinkSender } from "./invitations";
import type { ApplicationPorts } from "./ports";
import { reminderUseCases } from "./reminders";
import { reportLinkUseCases } from "./report-links";
import { reportUseCases } from "./reports";
import { deliveryUseCases } from "./undeliverable";
import { createWorkflowNotices } from "./workflow-notices";

export function createApplication(ports: ApplicationPorts) {
  const notices = createWorkflowNotices(ports);
  const sendReportLink = reportLinkSender(ports);
  return {
    agreements: agreementUseCases(ports, notices),
    reminders: reminderUseCases(ports),
    reports: reportUseCases(ports, sendReportLink),
    invitations: invitationUseCases(ports, sendReportLink),
    reportLinks: reportLinkUseCases(ports, sendReportLink),
    exports: exportUseCases(ports),
    deliveries: deliveryUseCases(ports),
    /** What time it is for the use cases: the pages count days left by it (movable locally and in tests). */
    now: () => ports.clock.now(),
    dashboard: dashboardUseCases(ports),
    /** The reconciler: tells the workflow every notice still in the outbox (workflow-notices.ts). */
    reconcileWorkflow: notices.reconcile,
  };
}

export type Application = ReturnType<typeof createApplication>;
