/**
 * Offline synthesis of every stack, shared by `npm run synth` (scripts/synth.ts) and the infrastructure tests:
 * SST builds the function bundles as `sst deploy` does, and with NODE_ENV=test skips only the steps that call AWS
 * (its bootstrap lookups, which add the grants for uploading source maps). The CloudFormation templates are
 * otherwise the ones a deploy submits.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { App } from "sst/constructs";
import { useProject } from "sst/project.js";
import { registerStacks } from "./index";

/** Where `npm run synth` writes the templates (ignored by git). */
export const SYNTH_DIR = ".synth";

/** Builds the app's stacks for `stage`; the project must have been initialised (`initProject`) first. */
export async function synthesizeApp(stage: string): Promise<App> {
  if (process.env.NODE_ENV !== "test") throw new Error("Offline synthesis needs NODE_ENV=test, or SST looks up its bootstrap stack in AWS");
  const { config } = useProject();
  const app = new App({ mode: "deploy", stage, name: config.name, region: config.region });
  registerStacks(app);
  await app.finish();
  return app;
}

export function stacksOf(app: App): Stack[] {
  return app.node.children.filter((child): child is Stack => Stack.isStack(child));
}

/**
 * Writes each stack's template to `<dir>/<stack name>.template.json` (replacing what was there) and returns one
 * summary line per stack: its name, how many resources of which types, and the file.
 */
export async function writeTemplates(app: App, dir: string): Promise<string[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const lines: string[] = [];
  for (const stack of stacksOf(app)) {
    const template = Template.fromStack(stack).toJSON() as { Resources?: Record<string, { Type: string }> };
    const file = path.join(dir, `${stack.stackName}.template.json`);
    await writeFile(file, `${JSON.stringify(template, null, 2)}\n`);
    const resources = Object.values(template.Resources ?? {});
    const byType = new Map<string, number>();
    for (const { Type } of resources) byType.set(Type, (byType.get(Type) ?? 0) + 1);
    const types = [...byType].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => `${count} ${type.replace(/^AWS::/, "")}`);
    lines.push(`${stack.stackName}: ${resources.length} resources (${types.join(", ")}) -> ${path.relative(process.cwd(), file)}`);
  }
  return lines;
}
