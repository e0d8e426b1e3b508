import { Aspects } from "aws-cdk-lib";
import type { App } from "sst/constructs";
import { useProject } from "sst/project.js";
import { Alarms } from "./Alarms";
import { Api } from "./Api";
import { Dashboard } from "./Dashboard";
import { defaultFunctionProps } from "./bundling";
import { isProductionStage } from "./config";
import { Email } from "./Email";
import { HelperFunctionLogGroups } from "./logs";
import { Storage } from "./Storage";
import { Workflow } from "./Workflow";

/**
 * Registers the app's stacks in dependency order. `sst.config.ts` and the infra tests both call this, so the
 * synthesized test stacks are the deployed ones.
 *
 * The agreement workflow (the Step Functions state machine and its task functions) comes after Api: its reminders
 * link to the API's URL, and it gives the site's functions what they need to drive executions, by ARNs built from the
 * state machine's name, so the Api stack does not depend on it. The dashboard comes last: it shows them all.
 */
export function registerStacks(app: App): void {
  app.setDefaultRemovalPolicy(isProductionStage(app.stage) ? "retain" : "destroy");
  app.setDefaultFunctionProps(defaultFunctionProps(useProject().paths.root));
  app.stack(Alarms).stack(Storage).stack(Email).stack(Api).stack(Workflow).stack(Dashboard);
  Aspects.of(app).add(new HelperFunctionLogGroups(isProductionStage(app.stage)));
}

export { Alarms, Api, Dashboard, Email, Storage, Workflow };
