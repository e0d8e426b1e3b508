// `npm start`: the embedded runtime in the foreground until Ctrl+C or SIGTERM.
import { inspect } from "node:util";
import { StartupError } from "./errors";
import { runtimeSettingsFromEnv, startRuntime, type Runtime } from "./runtime";

const progress = (line: string) => process.stdout.write(`${line}\n`);
const problem = (line: string) => process.stderr.write(`${line}\n`);

let starting: Promise<Runtime> | null = null;
let stopping = false;

function describeFailure(error: unknown): string {
  // Expected failures are one line the user can act on; anything else keeps its stack for whoever debugs it.
  return error instanceof StartupError ? error.message : `IOP Lifecycle failed: ${inspect(error)}`;
}

/** Stops a started runtime (waiting for a start in progress) and exits. A second request exits at once. */
async function stopAndExit(exitCode: number): Promise<void> {
  if (stopping) {
    problem("Stopping again: exiting without waiting for components to stop");
    process.exit(1);
  }
  stopping = true;
  if (starting === null) process.exit(exitCode);
  // A start that fails is reported, and exits, where it was started.
  const runtime = await starting.catch(() => null);
  if (runtime === null) return;
  try {
    await runtime.stop();
  } catch (error) {
    problem(describeFailure(error));
    exitCode = 1;
  }
  process.exit(exitCode);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void stopAndExit(0));
}
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (error: unknown) => {
    problem(describeFailure(error));
    void stopAndExit(1);
  });
}

try {
  starting = startRuntime({ ...runtimeSettingsFromEnv(process.env), progress, warn: problem });
  await starting;
} catch (error) {
  problem(describeFailure(error));
  process.exit(1);
}
