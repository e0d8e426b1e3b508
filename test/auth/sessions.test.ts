// Sign-in sessions in DynamoDB Local: expiry, revocation, hashed keys.
import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CorruptItemError } from "../../functions/store/errors";
import { createSessionStore, TIME_TO_LIVE_ATTRIBUTE, type SessionStore } from "../../functions/store/sessions";
import { createTestTable, type TestTable } from "../support/dynamo";

const user = { subject: "local-editor", email: "editor@example.se", name: "Erik Editor", roles: ["editor"] };
const now = new Date("2026-03-02T08:00:00Z");
const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

let table: TestTable;
let sessions: SessionStore;

beforeAll(async () => {
  table = await createTestTable();
  sessions = createSessionStore({ client: table.documentClient, tableName: table.tableName });
});

afterAll(async () => {
  await table?.dispose();
});

describe("sessions", () => {
  it("opens with its token until it expires", async () => {
    const { token, session } = await sessions.create(user, { now, expiresAt: later(480) });

    expect(await sessions.find(token, later(479))).toEqual(session);
    expect(session).toMatchObject({
      ...user,
      createdAt: now,
      expiresAt: later(480),
      csrfToken: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(await sessions.find(token, later(480))).toBeNull();
    expect(await sessions.find(`${token}x`, now)).toBeNull();
  });

  it("gives every session its own token and CSRF token", async () => {
    const first = await sessions.create(user, { now, expiresAt: later(60) });
    const second = await sessions.create(user, { now, expiresAt: later(60) });

    expect(first.token).not.toBe(second.token);
    expect(first.session.csrfToken).not.toBe(second.session.csrfToken);
  });

  it("ends when deleted", async () => {
    const { token } = await sessions.create(user, { now, expiresAt: later(60) });

    await sessions.delete(token);
    await sessions.delete(token);

    expect(await sessions.find(token, now)).toBeNull();
  });

  it("stores only a hash of the token, with an expiry DynamoDB's time-to-live can act on", async () => {
    const expiresAt = new Date("2026-03-02T17:30:00.250Z");
    const { token } = await sessions.create(user, { now, expiresAt });

    const { Items = [] } = await table.documentClient.send(new ScanCommand({ TableName: table.tableName }));

    expect(JSON.stringify(Items)).not.toContain(token);
    const item = Items.find((candidate) => candidate.expiresAt === expiresAt.toISOString());
    expect(item?.pk).toMatch(/^SESSION#[\w-]{43}$/);
    // Whole seconds, rounded up: DynamoDB's time-to-live never deletes a session before it has expired.
    expect(item?.[TIME_TO_LIVE_ATTRIBUTE]).toBe(Date.parse("2026-03-02T17:30:01Z") / 1000);
  });

  it("refuses a stored session that does not fit the schema", async () => {
    const { token } = await sessions.create(user, { now, expiresAt: later(60) });
    const { Items = [] } = await table.documentClient.send(new ScanCommand({ TableName: table.tableName }));
    const stored = Items.filter((item) => String(item.pk).startsWith("SESSION#"));
    for (const item of stored) {
      await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: { ...item, roles: "editor" } }));
    }

    await expect(sessions.find(token, now)).rejects.toThrow(CorruptItemError);
  });
});
