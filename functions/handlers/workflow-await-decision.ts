// Lambda entry point of the state machine's AwaitDecision task (functions/workflow/agreement.asl.json).
import { taskHandler } from "./workflow-dependencies";

export const handler = taskHandler("awaitDecision");
