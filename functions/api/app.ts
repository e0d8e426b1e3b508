import { Hono } from "hono";

export interface ComponentStatus {
  ok: boolean;
  detail?: string;
}

export interface HealthReport {
  ok: boolean;
  /** Keyed by component name, e.g. "dynamodb". */
  components: Record<string, ComponentStatus>;
}

/** Everything the API needs from outside; injected so the same app runs in Lambda and in the local runtime. */
export interface AppDependencies {
  checkHealth(): Promise<HealthReport>;
}

export function createApp(dependencies: AppDependencies) {
  const app = new Hono();

  app.get("/api/health", async (c) => {
    const report = await dependencies.checkHealth();
    c.header("Cache-Control", "no-store");
    return c.json(
      { status: report.ok ? "ok" : "unavailable", components: report.components },
      report.ok ? 200 : 503,
    );
  });

  return app;
}
