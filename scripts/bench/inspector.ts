/**
 * The Chrome DevTools Protocol of a runtime started with `--inspect`: for what the benchmarks need to see inside
 * it without stopping it, a CPU profile of just the measured window (a `--cpu-prof` profile would be mostly the
 * start) and its heap after a full collection (what is in use, not what V8 has not yet given back).
 */
export interface Inspector {
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

/** Connects to the first target of the inspector listening on `port`. */
export async function connectInspector(port: number): Promise<Inspector> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const target = targets[0];
  if (target === undefined) throw new Error(`No inspector target on port ${port}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error(`Could not connect to the inspector on port ${port}`)), { once: true });
  });
  let lastId = 0;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiting = message.id === undefined ? undefined : pending.get(message.id);
    if (waiting === undefined) return;
    pending.delete(message.id!);
    if (message.error !== undefined) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result);
  });
  return {
    send<T>(method: string, params: Record<string, unknown> = {}) {
      const id = ++lastId;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}

/** What the process's heap holds after a full collection, in MB. */
export async function liveHeapMb(inspector: Inspector): Promise<number> {
  await inspector.send("HeapProfiler.collectGarbage");
  const { usedSize } = await inspector.send<{ usedSize: number }>("Runtime.getHeapUsage");
  return usedSize / 2 ** 20;
}

/** A CPU profile of the process while `work` runs. */
export async function profileWhile<P>(inspector: Inspector, work: () => Promise<unknown>): Promise<P> {
  await inspector.send("Profiler.enable");
  await inspector.send("Profiler.start");
  await work();
  const { profile } = await inspector.send<{ profile: P }>("Profiler.stop");
  return profile;
}
