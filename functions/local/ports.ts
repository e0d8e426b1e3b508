import { createServer } from "node:net";
import { StartupError } from "./errors";

export class PortInUseError extends StartupError {
  override readonly name = "PortInUseError";

  constructor(readonly port: number) {
    super(`Port ${port} is already in use: stop the process using it or set PORT to another port`);
  }
}

/** A port nobody listens on right now, chosen by the OS (it may be taken again before it is used). */
export async function findFreePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("Could not determine a free TCP port");
  return address.port;
}

/** Fails fast with {@link PortInUseError}, before slower components are started for nothing. */
export async function assertPortAvailable(port: number, host: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, resolve);
    });
  } catch (error) {
    if (isAddressInUse(error)) throw new PortInUseError(port);
    throw error;
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "EADDRINUSE";
}

/** Whether nobody listens on `port` right now. */
export async function isPortFree(port: number, host: string): Promise<boolean> {
  try {
    await assertPortAvailable(port, host);
    return true;
  } catch (error) {
    if (error instanceof PortInUseError) return false;
    throw error;
  }
}
