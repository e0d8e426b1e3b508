/**
 * Lambda entry point of the JSON API (behind the HTTP API's /api/* route). Builds the clients from the function's
 * environment once per container (site.ts) and hands them to the API's routes; the pages are another function
 * (web.ts), so none of web/ is bundled here.
 */
import { fileURLToPath } from "node:url";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { handle } from "hono/aws-lambda";
import { createApiApp } from "../api/app";
import { createStaffAuthentication } from "../api/auth/staff-auth";
import { LAMBDA_DOCS_ASSETS_DIR } from "../api/routes/docs";
import { readCursorSecret } from "./secrets";
import { lambdaSite } from "./site";

const { site, stores, dynamoDb, tableName, oidcSettings } = lambdaSite(await readCursorSecret(process.env));
const { authenticate } = createStaffAuthentication({ settings: oidcSettings(), sessions: stores.sessions, appOrigin: site.appOrigin });

const app = createApiApp({
  ...site,
  authenticate,
  // Copied next to the bundle when SST builds the function (infra/Api.ts), not bundled: see docs/api.md.
  docsAssetsDir: fileURLToPath(new URL(`../../${LAMBDA_DOCS_ASSETS_DIR}/`, import.meta.url)),
  async checkHealth() {
    try {
      const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
      const status = Table?.TableStatus ?? "UNKNOWN";
      return { ok: status === "ACTIVE", components: { dynamodb: { ok: status === "ACTIVE", detail: status } } };
    } catch (error) {
      const detail = error instanceof Error ? error.name : "unreachable";
      return { ok: false, components: { dynamodb: { ok: false, detail } } };
    }
  },
});

export const handler = handle(app);
