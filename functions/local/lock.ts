import { link, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { StartupError } from "./errors";

export class DataDirectoryLockedError extends StartupError {
  override readonly name = "DataDirectoryLockedError";

  constructor(directory: string, holderPid: number) {
    super(
      `Data directory ${directory} is in use by another IOP Lifecycle process (pid ${holderPid}): stop it or set DATA_DIR to another directory`,
    );
  }
}

export interface DirectoryLock {
  /** Removes the lock file if it is still ours. */
  release(): Promise<void>;
}

/**
 * Makes this process the only user of `directory`, via a lock file holding our pid. A lock left by a process
 * that no longer runs (crash, SIGKILL) is taken over.
 */
export async function lockDirectory(directory: string): Promise<DirectoryLock> {
  const lockFile = path.join(directory, "runtime.lock");
  const ownPid = String(process.pid);
  // Written aside and hard-linked into place, so the lock file never exists without its pid in it.
  const draft = `${lockFile}.${ownPid}`;
  await writeFile(draft, `${ownPid}\n`);
  try {
    for (;;) {
      try {
        await link(draft, lockFile);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = await readHolderPid(lockFile);
      if (holder !== null && isProcessRunning(holder)) throw new DataDirectoryLockedError(directory, holder);
      await rm(lockFile, { force: true });
    }
  } finally {
    await rm(draft, { force: true });
  }
  return {
    async release() {
      if ((await readHolderPid(lockFile)) === process.pid) await rm(lockFile, { force: true });
    },
  };
}

export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readHolderPid(lockFile: string): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(lockFile, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
