// Lambda entry point of the state machine's CatchUp task (functions/workflow/agreement.asl.json).
import { taskHandler } from "./workflow-dependencies";

export const handler = taskHandler("catchUp");
