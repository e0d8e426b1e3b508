// Lambda entry point of the state machine's ContinueAsNew task (functions/workflow/agreement.asl.json).
import { taskHandler } from "./workflow-dependencies";

export const handler = taskHandler("continueAsNew");
