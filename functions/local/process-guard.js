// Runs one command and ends it when the parent process goes away, however the parent died.
//
//   node process-guard.js <command> [args...]    (spawned with an IPC channel as fd 3)
//
// Linux does not end a child when its parent dies, and SIGKILL gives the parent no chance to clean up.
// The IPC channel, however, is closed by the kernel together with the parent, so "disconnect" is the one
// signal that always arrives. Plain JavaScript on purpose: it runs on bare `node`, without the TypeScript loader.
//
// Messages to the parent: { type: "spawned", pid } once the command runs; { type: "spawn-error", code, message }.
// Exit code: the command's own, 128 + signal number if a signal ended it, 127 if it could not be started.
import { spawn } from "node:child_process";
import { constants } from "node:os";

const FORCE_KILL_AFTER_MS = 10_000;

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  process.stderr.write("usage: node process-guard.js <command> [args...]\n");
  process.exit(2);
}

const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
let terminating = false;

function terminateChild() {
  if (terminating) return;
  terminating = true;
  child.kill("SIGTERM");
  setTimeout(() => child.kill("SIGKILL"), FORCE_KILL_AFTER_MS).unref();
}

function tellParent(message) {
  if (process.connected) process.send(message);
}

child.once("spawn", () => tellParent({ type: "spawned", pid: child.pid }));
child.once("error", (error) => {
  // After a successful spawn an "error" only means a signal could not be delivered; "exit" still follows.
  if (child.pid !== undefined) return;
  tellParent({ type: "spawn-error", code: error.code, message: error.message });
  process.exit(127);
});
child.once("exit", (code, signal) => {
  process.exit(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
});

process.once("disconnect", terminateChild);
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, terminateChild);
// The parent may already be gone by the time this script runs.
if (!process.connected) terminateChild();
