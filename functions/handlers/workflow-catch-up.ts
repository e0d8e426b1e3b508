// Lambda entry point of the state machine's CatchUp task (functions/workflow/agreement.asl.json).
import { workflowTasks } from "./workflow-dependencies";

export const handler = (event: unknown) => workflowTasks().catchUp(event);
