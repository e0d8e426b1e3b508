/**
 * `npm run synth [-- --stage <name>]`: synthesizes every stack offline, with no AWS credentials, and writes the
 * CloudFormation templates to .synth/, so what `sst deploy --stage <name>` would create can be reviewed first.
 * The stage's configuration is read as a deploy reads it (.env, .env.<stage>, ...; docs/deploy.md).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { initProject, useProject } from "sst/project.js";
import { DeployConfigError } from "../infra/config";
import { synthesizeApp, SYNTH_DIR, writeTemplates } from "../infra/synth";

const { values } = parseArgs({ options: { stage: { type: "string", default: "prod" } } });
const stage = values.stage;
process.env.NODE_ENV = "test";

try {
  await initProject({ stage });
  const app = await synthesizeApp(stage);
  const lines = await writeTemplates(app, path.join(useProject().paths.root, SYNTH_DIR));
  process.stdout.write(`${lines.join("\n")}\n`);
} catch (error) {
  if (!(error instanceof DeployConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
