// Lambda entry point of the state machine's AwaitDecision task (functions/workflow/agreement.asl.json).
import { workflowTasks } from "./workflow-dependencies";

export const handler = (event: unknown) => workflowTasks().awaitDecision(event);
