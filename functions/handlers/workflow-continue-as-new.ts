// Lambda entry point of the state machine's ContinueAsNew task (functions/workflow/agreement.asl.json).
import { workflowTasks } from "./workflow-dependencies";

export const handler = (event: unknown) => workflowTasks().continueAsNew(event);
