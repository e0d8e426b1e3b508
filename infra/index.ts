import type { App } from "sst/constructs";
import { useProject } from "sst/project.js";
import { Alarms } from "./Alarms";
import { Api } from "./Api";
import { defaultFunctionProps } from "./bundling";
import { isProductionStage } from "./config";
import { Email } from "./Email";
import { Storage } from "./Storage";

/**
 * Registers the app's stacks in dependency order. `sst.config.ts` and the infra tests both call this, so the
 * synthesized test stacks are the deployed ones.
 *
 * The agreement workflow (the Step Functions state machine and its task functions) becomes a stack between
 * Email and Api: it uses Storage, Email and Alarms, and the API uses it to start executions and complete
 * decision callbacks.
 */
export function registerStacks(app: App): void {
  app.setDefaultRemovalPolicy(isProductionStage(app.stage) ? "retain" : "destroy");
  app.setDefaultFunctionProps(defaultFunctionProps(useProject().paths.root));
  app.stack(Alarms).stack(Storage).stack(Email).stack(Api);
}

export { Alarms, Api, Email, Storage };
