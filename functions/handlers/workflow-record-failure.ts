// Lambda entry point of the state machine's RecordFailure task (functions/workflow/agreement.asl.json).
import { workflowTasks } from "./workflow-dependencies";

export const handler = (event: unknown) => workflowTasks().recordFailure(event);
