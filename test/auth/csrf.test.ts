// CSRF protection of cookie-authenticated changes, JSON included: the session's token and a same-origin request
// are both needed; Bearer requests need neither.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../../functions/api/auth/csrf";
import { startTestApi, type TestApi } from "../support/api";
import { signInWithBrowser, TEST_APP_ORIGIN, type BrowserSession } from "../support/tokens";

let api: TestApi;
let editor: BrowserSession;
let otherEditor: BrowserSession;

beforeAll(async () => {
  api = await startTestApi();
  editor = await signInWithBrowser(api.app, "editor");
  otherEditor = await signInWithBrowser(api.app, "editor");
});

afterAll(async () => {
  await api?.stop();
});

/** Creating a draft: a JSON state change that needs the edit permission. */
function createDraft(session: BrowserSession, headers: Record<string, string>): Promise<Response> {
  return session.browser.request("/api/agreements", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ title: "Läxhjälp i Bäckby" }),
  });
}

async function expectRefused(response: Response, detail: RegExp): Promise<void> {
  expect(response.status).toBe(403);
  expect(response.headers.get("Content-Type")).toBe("application/problem+json");
  expect(await response.json()).toMatchObject({
    status: 403,
    title: "Cross-site request refused",
    detail: expect.stringMatching(detail),
  });
}

describe("a change with the session cookie", () => {
  it("passes with the session's token from our own origin, as the signed-in person", async () => {
    const response = await createDraft(editor, {
      Origin: TEST_APP_ORIGIN,
      "Sec-Fetch-Site": "same-origin",
      [CSRF_HEADER]: editor.csrfToken,
    });

    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string };
    const { items: events } = await api.store.events(created.id);
    expect(events[0]?.actor).toMatchObject({ email: "editor@example.se" });
  });

  it("is refused without the token", async () => {
    await expectRefused(await createDraft(editor, { Origin: TEST_APP_ORIGIN }), /needs the CSRF token/);
  });

  it("is refused with the token of another session", async () => {
    await expectRefused(
      await createDraft(editor, { Origin: TEST_APP_ORIGIN, [CSRF_HEADER]: otherEditor.csrfToken }),
      /does not belong to this session/,
    );
  });

  it("is refused from another origin, even with the right token", async () => {
    const token = { [CSRF_HEADER]: editor.csrfToken };

    const cases: [Record<string, string>, RegExp][] = [
      [{ Origin: "https://attacker.example" }, /must come from http:\/\/localhost/],
      [{ Origin: "null" }, /Origin: null/],
      [{ Origin: TEST_APP_ORIGIN, "Sec-Fetch-Site": "same-site" }, /Sec-Fetch-Site: same-site/],
    ];
    for (const [headers, detail] of cases) await expectRefused(await createDraft(editor, { ...token, ...headers }), detail);
  });

  it("is refused when the request says nothing about where it comes from", async () => {
    await expectRefused(await createDraft(editor, { [CSRF_HEADER]: editor.csrfToken }), /Origin: missing/);
  });

  it("passes with Sec-Fetch-Site alone when a browser leaves out Origin", async () => {
    const response = await createDraft(editor, { "Sec-Fetch-Site": "same-origin", [CSRF_HEADER]: editor.csrfToken });

    expect(response.status).toBe(201);
  });

  it("passes a page's own form post, which says Origin: null under the site's no-referrer policy", async () => {
    const response = await createDraft(editor, { Origin: "null", "Sec-Fetch-Site": "same-origin", [CSRF_HEADER]: editor.csrfToken });

    expect(response.status).toBe(201);
    await expectRefused(await createDraft(editor, { Origin: "null", "Sec-Fetch-Site": "cross-site", [CSRF_HEADER]: editor.csrfToken }), /Sec-Fetch-Site: cross-site/);
  });

  it("writes nothing when refused", async () => {
    const before = await api.dump();

    await createDraft(editor, { Origin: "https://attacker.example" });

    expect(await api.dump()).toBe(before);
  });
});

describe("without a change or without the cookie", () => {
  it("reads with the session cookie alone", async () => {
    const response = await editor.browser.request("/api/agreements");

    expect(response.status).toBe(200);
  });

  it("exempts Bearer requests, which no browser sends on its own", async () => {
    const response = await api.request("/api/agreements", {
      method: "POST",
      as: "editor",
      body: { title: "Från ett skript" },
      headers: { Origin: "https://elsewhere.example" },
    });

    expect(response.status).toBe(201);
  });

  it("treats a forged request without the cookie as anonymous", async () => {
    const response = await api.app.request("/api/agreements", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://attacker.example" },
      body: JSON.stringify({ title: "x" }),
    });

    expect(response.status).toBe(401);
  });
});
