import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { BuildOptions } from "esbuild";
import type { FunctionProps, NodeJSProps } from "sst/constructs";

/** The API's Lambda entry point, relative to the project root. */
export const API_HANDLER = "functions/handlers/api.handler";

/** The source file behind {@link API_HANDLER}. */
export const API_ENTRY = "functions/handlers/api.ts";

/** The pages' Lambda entry point (everything outside /api), relative to the project root. */
export const WEB_HANDLER = "functions/handlers/web.handler";

/** The source file behind {@link WEB_HANDLER}. */
export const WEB_ENTRY = "functions/handlers/web.ts";

/** Stands in for the SDK's default credential chain in Lambda bundles (see the file for why). */
export const LAMBDA_CREDENTIALS = "infra/lambda-credentials.ts";

/**
 * How every Lambda function of the app is bundled: minified ESM for Node 22, AWS SDK v3 included (the version
 * pinned in package.json, not the one the Lambda runtime happens to ship), with the credential chain reduced
 * to the Lambda environment. `root` is the project root (esbuild resolves aliases from the working directory,
 * which is not always the root).
 */
export function nodejsBundling(root: string) {
  return {
    format: "esm",
    minify: true,
    esbuild: {
      target: "node22",
      alias: { "@aws-sdk/credential-provider-node": path.join(root, LAMBDA_CREDENTIALS) },
    },
  } as const satisfies NodeJSProps;
}

/** The app's default function props: every function (the site's two, the workflow's) shares runtime and bundling. */
export function defaultFunctionProps(root: string) {
  return {
    runtime: "nodejs22.x",
    architecture: "arm_64",
    nodejs: nodejsBundling(root),
  } as const satisfies FunctionProps;
}

/**
 * The esbuild options SST 2.49.8 uses when it builds a Node.js function for `sst deploy` with
 * {@link nodejsBundling} (see `runtime/handlers/node.js` in the sst package: ESM with its
 * `createRequire`/`__dirname` banner, `module` before `main`, kept names, an external source map).
 * Run them with {@link sstEsbuild} to get the deployed bytes; `scripts/bench.ts` does, and the infra synth
 * test checks the result against the artifact SST built.
 */
export function deployedEsbuildOptions(root: string, entry: string, outfile: string): BuildOptions {
  const { minify, esbuild } = nodejsBundling(root);
  const sstOptions: BuildOptions = {
    entryPoints: [entry],
    platform: "node",
    external: ["sharp", "pg-native"],
    keepNames: true,
    bundle: true,
    logLevel: "silent",
    metafile: true,
    format: "esm",
    target: "esnext",
    mainFields: ["module", "main"],
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
        "",
      ].join("\n"),
    },
    outfile,
    sourcemap: true,
    minify,
  };
  return { ...sstOptions, ...esbuild };
}

/**
 * The esbuild that sst runs for `sst deploy` (sst pins its own, older than the project's), so a build with
 * {@link deployedEsbuildOptions} produces the bytes that are deployed.
 */
export async function sstEsbuild(): Promise<typeof import("esbuild")> {
  const sstPackage = createRequire(import.meta.url).resolve("sst/package.json");
  const entry = createRequire(sstPackage).resolve("esbuild");
  const module = (await import(pathToFileURL(entry).href)) as typeof import("esbuild") & {
    default?: typeof import("esbuild");
  };
  return module.default ?? module;
}
