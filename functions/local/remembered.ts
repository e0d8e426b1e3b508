/**
 * Values the local runtime chooses once and keeps in its data directory, so that what was handed out before a
 * restart still works after it: the ports people bookmark and tokens name, the provider's signing key, the secrets.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { findFreePort, isPortFree } from "./ports";

/** The text in `file`, or what `create` makes (then written there, readable by the owner only). */
export async function loadOrCreate(file: string, create: () => Promise<string> | string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const value = await create();
    await writeAtomically(file, `${value}\n`);
    return value;
  }
}

/**
 * A port for a component that asked for "any free one": the one it had last time when that is still free, else a
 * new one, remembered from then on. `warn` says when the remembered port had to be given up.
 */
export async function rememberedPort(file: string, host: string, warn: (line: string) => void): Promise<number> {
  const remembered = Number(await loadOrCreate(file, async () => String(await findFreePort(host))));
  if (Number.isInteger(remembered) && remembered > 0 && remembered < 65_536 && (await isPortFree(remembered, host))) {
    return remembered;
  }
  const port = await findFreePort(host);
  warn(`Port ${remembered} (remembered in ${file}) is taken; using ${port} from now on`);
  await writeAtomically(file, `${port}\n`);
  return port;
}

/** Whole or not at all: a runtime killed mid-write leaves the previous version, never half a file. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, file);
}
