// The message catalogues: the same keys and placeholders in both languages, every page of the frame rendered in
// each language with no string of the other, the language chosen as people expect, and dates, times and amounts
// in each language's format.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../functions/site";
import { CATALOGUES, LANGUAGES, messagesFor, type Language, type MessageKey } from "../../web/i18n/catalogue";
import { fromAcceptLanguage } from "../../functions/api/accept-language";
import { LANGUAGE_COOKIE } from "../../web/i18n/language";
import { ANONYMOUS_CSRF_COOKIE } from "../../web/csrf";
import { mammaUnited } from "../../functions/local/demo-agreements";
import { replayDemoAgreement } from "../../functions/local/demo-data";
import { appDependenciesForTests, RecordingMailer } from "../support/api";
import { runCommand } from "../../functions/app/commands";
import type { ApplicationPorts } from "../../functions/app/ports";
import type { Agreement } from "../../functions/domain/agreement";
import { approval, mammaUnitedContent, workflow } from "../support/agreements";
import { completeReportContent } from "../reports/fixtures";
import { createTestTable, type TestTable } from "../support/dynamo";
import { signInWithBrowser, staffPrincipal, startTestAuth, TEST_APP_ORIGIN, type TestAuth } from "../support/tokens";

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("the catalogues", () => {
  it("have the same keys, none empty, with the same placeholders", () => {
    const keys = Object.keys(CATALOGUES.sv) as MessageKey[];
    expect(Object.keys(CATALOGUES.en).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      for (const language of LANGUAGES) expect(CATALOGUES[language][key].trim(), `${language} ${key}`).not.toBe("");
      expect(placeholders(CATALOGUES.en[key]), key).toEqual(placeholders(CATALOGUES.sv[key]));
    }
  });

  it("write dates, times and amounts as each language does, times in Stockholm", () => {
    const [sv, en] = [messagesFor("sv"), messagesFor("en")];
    expect(sv.date("2026-12-31")).toBe("31 december 2026");
    expect(en.date("2026-12-31")).toBe("31 December 2026");
    // 23:30 UTC on 31 March is already 1 April in Stockholm (summer time, UTC+2).
    expect(sv.dateTime(new Date("2026-03-31T23:30:00Z"))).toBe("1 april 2026 kl. 01:30");
    expect(en.dateTime(new Date("2026-03-31T23:30:00Z"))).toBe("1 April 2026 at 01:30");
    expect(sv.amount(12500)).toBe("12\u00a0500\u00a0kr");
    expect(en.amount(12500)).toBe("SEK\u00a012,500");
    expect(sv.amount(12500.5)).toBe("12\u00a0500,50\u00a0kr");
  });
});

describe("the language of a page", () => {
  it("follows Accept-Language by quality, Swedish or English of any region", () => {
    expect(fromAcceptLanguage("en-US,en;q=0.9")).toBe("en");
    expect(fromAcceptLanguage("de-DE, sv;q=0.5, en;q=0.4")).toBe("sv");
    expect(fromAcceptLanguage("fi-FI, sv-FI;q=0.8")).toBe("sv");
    expect(fromAcceptLanguage("en;q=0, sv;q=0.1")).toBe("sv");
    expect(fromAcceptLanguage("de, fr")).toBeNull();
    expect(fromAcceptLanguage(undefined)).toBeNull();
  });

  it("is Swedish unless asked; a lang in the address wins and is remembered over Accept-Language", async () => {
    expect((await request("/help")).headers.get("Content-Language")).toBe("sv");
    const switched = await request("/help?lang=en", { headers: { "Accept-Language": "sv" } });
    expect(switched.headers.get("Content-Language")).toBe("en");
    expect(switched.headers.get("Set-Cookie")).toMatch(new RegExp(`^${LANGUAGE_COOKIE}=en;`));
    const next = await request("/accessibility", { headers: { "Accept-Language": "sv", Cookie: `${LANGUAGE_COOKIE}=en` } });
    expect(next.headers.get("Content-Language")).toBe("en");
    expect((await request("/help?lang=fi")).headers.get("Content-Language")).toBe("sv");
  });
});

let table: TestTable;
let auth: TestAuth;
let app: ReturnType<typeof createApp>;
/** An approved agreement and a proposed one, for the agreement page and its forms. */
let approvedId: string;
let proposedId: string;
/** A complete draft, one lacking its reporting requirements, and an active agreement to renew. */
const agreements = { draft: "", incomplete: "", active: "catalogue-active" };
let ports: ApplicationPorts;
/** A report link left as a draft (the form's pages), one submitted (its receipt and staff's review page). */
const report = { agreementId: "", draftToken: "", submittedToken: "" };
beforeAll(async () => {
  table = await createTestTable();
  auth = await startTestAuth(table);
  const dependencies = appDependenciesForTests(table, { authenticate: auth.auth.authenticate, signInRoutes: auth.auth.routes });
  app = createApp(dependencies);
  const useCases = dependencies.application.agreements;
  const [editor, registrar] = [staffPrincipal("editor"), staffPrincipal("registrar")];
  // Data in neither language's words, so that what the test finds is the pages' own.
  const reportingRequirements = mammaUnitedContent().reportingRequirements!.map((requirement) => ({ ...requirement, description: "" }));
  const content = { ...mammaUnitedContent(), reportingRequirements, noticePeriodMonths: 3 };
  const propose = async (title: string) => (await useCases.submit(editor, { agreementId: (await useCases.create(editor, { ...content, title })).id })).id;
  approvedId = await propose("IOP 1");
  await useCases.decide(registrar, { agreementId: approvedId, decision: { outcome: "approved", date: "2026-02-12", body: "KS", diaryNumber: "KS 2026/17", minuteReference: "§ 9" } });
  proposedId = await propose("IOP 2");
  const { reportingRequirements: demoRequirements, ...demoContent } = mammaUnited.content;
  const requirements = demoRequirements!.map((requirement) => ({ ...requirement, description: "" }));
  agreements.draft = (await useCases.create(editor, { ...demoContent, reportingRequirements: requirements })).id;
  agreements.incomplete = (await useCases.create(editor, { ...demoContent, title: "Utan rapportering" })).id;
  const active = { ...mammaUnited, id: agreements.active, content: { ...demoContent, title: "Att förnya", reportingRequirements: requirements } };
  for (const changes of replayDemoAgreement(active, new Date("2026-03-01T10:00:00Z"))) await dependencies.ports.store.applyChanges(changes);
  ports = dependencies.ports;
  const api = async (path: string, body?: unknown, role: "editor" | "registrar" = "editor") =>
    request(path, {
      method: "POST",
      headers: { ...(await auth.bearer(role)), ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const { id } = (await (await api("/api/agreements", { ...mammaUnitedContent(), title: "Katalog: Mamma United" })).json()) as Agreement;
  await api(`/api/agreements/${id}/submit`);
  await api(`/api/agreements/${id}/decision`, approval, "registrar");
  await runCommand(ports.store, { agreementId: id, command: { type: "activate" }, actor: workflow, now: ports.clock.now() });
  // The association's own words are theirs, not the catalogue's: none of these is a phrase of either catalogue.
  const invite = async (dueDate: string) => {
    await api(`/api/agreements/${id}/invitations`, { requirementId: "verksamhet", dueDate, email: "kassor@katalog.example.se" });
    return /\/report\/([\w-]{43})/.exec((ports.reporting.mailer as RecordingMailer).sent.at(-1)!.text)![1]!;
  };
  report.agreementId = id;
  report.draftToken = await invite("2026-03-31");
  report.submittedToken = await invite("2027-03-31");
  const json = { "Content-Type": "application/json" };
  await request(`/api/report-links/${report.draftToken}/draft`, { method: "PUT", headers: json, body: JSON.stringify({ peopleReached: 12 }) });
  await request(`/api/report-links/${report.submittedToken}/draft`, { method: "PUT", headers: json, body: JSON.stringify({ ...completeReportContent(), activities: [{ description: "Läxhjälp två kvällar i veckan" }] }) });
  await request(`/api/report-links/${report.submittedToken}/submit`, { method: "POST" });
});
afterAll(async () => {
  await auth.stop();
  await table.dispose();
});

const request = async (path: string, init: RequestInit = {}) => app.request(new URL(path, TEST_APP_ORIGIN).toString(), init);

/**
 * The page's text as a person reads it, leaving out what is marked as another language (the language switch) and
 * email addresses, which are data ("registrar@…" is not the English role).
 */
function visibleText(html: string, language: Language): string {
  const other = LANGUAGES.filter((candidate) => candidate !== language).join("|");
  return html
    .replace(/[\w.+-]+@[\w.-]+/g, " ")
    .replace(new RegExp(`<(\\w+)[^>]* lang="(?:${other})"[^>]*>[\\s\\S]*?</\\1>`, "g"), " ")
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);|&amp;|&quot;|&lt;|&gt;/g, (entity, code: string | undefined) => (code === undefined ? ({ "&amp;": "&", "&quot;": '"', "&lt;": "<", "&gt;": ">" } as Record<string, string>)[entity]! : String.fromCharCode(Number(code))))
    .replace(/\s+/g, " ");
}

/** Each catalogue entry of the other language that differs from this one's, split at its placeholders. */
function foreignPhrases(language: Language): string[] {
  const own = CATALOGUES[language];
  const foreign = CATALOGUES[language === "sv" ? "en" : "sv"];
  return (Object.keys(own) as MessageKey[])
    .filter((key) => own[key] !== foreign[key])
    .flatMap((key) => foreign[key].split(/\{\w+\}/))
    .map((phrase) => phrase.trim())
    .filter((phrase) => phrase.length >= 4 && !Object.values(own).some((message) => message.includes(phrase)));
}

describe.each(LANGUAGES)("every page in %s", (language) => {
  const pages: [string, () => Promise<Response>][] = [
    ["/", () => request("/", { headers: { "Accept-Language": language } })],
    ["/help", () => request("/help", { headers: { "Accept-Language": language } })],
    ["/help/reminder-dates", () => request("/help/reminder-dates", { headers: { "Accept-Language": language } })],
    ["/accessibility", () => request("/accessibility", { headers: { "Accept-Language": language } })],
    ["a page that is not there", () => request("/no-such-page", { headers: { "Accept-Language": language, Accept: "text/html" } })],
    [
      "/help/reminder-dates with errors",
      async () => {
        const page = await request("/help/reminder-dates", { headers: { "Accept-Language": language } });
        const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!;
        return request("/help/reminder-dates", {
          method: "POST",
          headers: { "Accept-Language": language, Origin: TEST_APP_ORIGIN, Cookie: `${ANONYMOUS_CSRF_COOKIE}=${token}`, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ csrf_token: token, endDate: "2026-02-30", noticeMonths: "1.5" }).toString(),
        });
      },
    ],
    [
      "/help/reminder-dates with a refused post",
      () => request("/help/reminder-dates", { method: "POST", headers: { "Accept-Language": language, Origin: TEST_APP_ORIGIN, "Content-Type": "application/x-www-form-urlencoded" }, body: "endDate=2026-12-31" }),
    ],
    ["/ signed in", async () => request("/", { headers: { "Accept-Language": language, ...(await auth.bearer("admin")) } })],
    ...(["", "/terminate", "/invite"].map((page) => [
      `/agreements/{approved}${page}`,
      async () => request(`/agreements/${approvedId}${page}`, { headers: { "Accept-Language": language, ...(await auth.bearer("admin")) } }),
    ]) satisfies [string, () => Promise<Response>][]),
    ...(["", "/decision", "/withdraw"].map((page) => [
      `/agreements/{proposed}${page}`,
      async () => request(`/agreements/${proposedId}${page}`, { headers: { "Accept-Language": language, ...(await auth.bearer("admin")) } }),
    ]) satisfies [string, () => Promise<Response>][]),
    [
      "/agreements/{approved}/terminate with errors",
      async () => {
        const { browser, csrfToken } = await signInWithBrowser(app, "editor");
        return browser.postForm(
          `/agreements/${approvedId}/terminate`,
          { csrf_token: csrfToken, ground: "municipality-notice", givenOn: "2026-03-01", effectiveDate: "2026-04-30" },
          { Origin: TEST_APP_ORIGIN, "Accept-Language": language },
        );
      },
    ],
    ["a missing agreement", async () => request("/agreements/no-such-agreement", { headers: { "Accept-Language": language, ...(await auth.bearer("admin")) } })],
    ...draftPages().map(([name, path]): [string, () => Promise<Response>] => [
      name,
      async () => answered(200, await request(path(), { headers: { "Accept-Language": language, ...(await auth.bearer("editor")) } })),
    ]),
    ["/agreements/new with errors", async () => answered(400, await postAs(language, "/agreements/new", { title: "", "associations.0.organisationNumber": "123" }))],
    [
      "a draft's period with errors",
      async () => answered(400, await postAs(language, `/agreements/${agreements.draft}/edit/period`, { version: "1", "period.start": "2026-02-30", "period.end": "" })),
    ],
    ["a draft's stale save", async () => answered(409, await postAs(language, `/agreements/${agreements.draft}/edit/assessment`, { version: "0", procurementAssessment: "Ny bedömning" }))],
    ["check your answers refused", async () => answered(400, await postAs(language, `/agreements/${agreements.incomplete}/check`, { version: "1" }))],
    ...["", "/activities", "/people", "/outcomes", "/money", "/comments", "/attachments", "/attachments?refused=content", "/check"].map(
      (page): [string, () => Promise<Response>] => [`/report/{token}${page}`, () => request(`/report/${report.draftToken}${page}`, { headers: { "Accept-Language": language } })],
    ),
    [
      "/report/{token}/check with errors",
      async () => {
        const page = await request(`/report/${report.draftToken}/check`, { headers: { "Accept-Language": language } });
        const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!;
        return request(`/report/${report.draftToken}/submit`, {
          method: "POST",
          headers: { "Accept-Language": language, Origin: TEST_APP_ORIGIN, Cookie: `${ANONYMOUS_CSRF_COOKIE}=${token}`, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ csrf_token: token }).toString(),
        });
      },
    ],
    ["/report/{token}/receipt", () => request(`/report/${report.submittedToken}/receipt`, { headers: { "Accept-Language": language } })],
    ["/report/{token} of a link that does not work", () => request(`/report/${"A".repeat(43)}`, { headers: { "Accept-Language": language } })],
    [
      "/report/new-link with errors",
      async () => {
        const page = await request(`/report/${"A".repeat(43)}`, { headers: { "Accept-Language": language } });
        const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!;
        return request("/report/new-link", {
          method: "POST",
          headers: { "Accept-Language": language, Origin: TEST_APP_ORIGIN, Cookie: `${ANONYMOUS_CSRF_COOKIE}=${token}`, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ csrf_token: token, email: "nej" }).toString(),
        });
      },
    ],
    [
      "/reports/{reportId} signed in",
      async () => request(`/reports/2027-03-31_verksamhet?agreement=${report.agreementId}`, { headers: { "Accept-Language": language, ...(await auth.bearer("admin")) } }),
    ],
    ["/agreements", async () => request("/agreements", { headers: { "Accept-Language": language, ...(await auth.bearer("viewer")) } })],
    [
      "/agreements with errors",
      async () => request("/agreements?q=a&endsBefore=2026-02-30&status=x", { headers: { "Accept-Language": language, ...(await auth.bearer("viewer")) } }),
    ],
  ];

  it.each(pages)("%s has no string of the other language", async (_name, load) => {
    const response = await load();
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(response.headers.get("Content-Language")).toBe(language);
    const html = await response.text();
    expect(html).toMatch(new RegExp(`^<!DOCTYPE html><html lang="${language}">`));
    const text = visibleText(html, language);
    const leaked = foreignPhrases(language).filter((phrase) => text.includes(phrase));
    expect(leaked).toEqual([]);
    // A key that reached the page instead of its message.
    expect(text).not.toMatch(/\b(layout|help|statement|validation|error|home|signIn|agreement|timeline|draft|dashboard|report|review)\.\w+/);
  });
});

/** The draft forms' pages; their addresses are known once beforeAll has created the agreements. */
function draftPages(): [string, () => string][] {
  const sections = ["parties", "purpose", "period", "money", "follow-up", "assessment"];
  return [
    ["/agreements/new", () => "/agreements/new"],
    ["a draft's task list", () => `/agreements/${agreements.draft}/edit`],
    ...sections.map((section): [string, () => string] => [`a draft's ${section} section`, () => `/agreements/${agreements.draft}/edit/${section}`]),
    ["check your answers", () => `/agreements/${agreements.draft}/check`],
    ["start a renewal", () => `/agreements/${agreements.active}/renew`],
  ];
}

/** The response, once it is known to be the page meant (not an error page, which passes the language check too). */
function answered(status: number, response: Response): Response {
  expect(response.status).toBe(status);
  return response;
}

/** A form post by staff with a token (no CSRF proof needed), in the language. */
async function postAs(language: Language, path: string, fields: Record<string, string>): Promise<Response> {
  return request(path, {
    method: "POST",
    headers: { "Accept-Language": language, "Content-Type": "application/x-www-form-urlencoded", ...(await auth.bearer("editor")) },
    body: new URLSearchParams(fields).toString(),
  });
}

describe("the reminder-dates form", () => {
  it("shows the domain's field errors from the catalogue and keeps what was typed", async () => {
    const page = await request("/help/reminder-dates");
    const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!;
    const post = (language: Language) =>
      request("/help/reminder-dates", {
        method: "POST",
        headers: { "Accept-Language": language, Origin: TEST_APP_ORIGIN, Cookie: `${ANONYMOUS_CSRF_COOKIE}=${token}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf_token: token, endDate: "", noticeMonths: "1,5" }).toString(),
      });
    const swedish = await post("sv");
    expect(swedish.status).toBe(400);
    const html = await swedish.text();
    expect(html).toContain("<title>Fel: Räkna ut när påminnelserna skickas – IOP-avtal</title>");
    expect(html).toContain('<a href="#endDate">Avtalets slutdatum: Obligatoriskt</a>');
    expect(html).toContain('<a href="#noticeMonths">Uppsägningstid i månader: Skriv ett tal</a>');
    expect(html).toMatch(/<p id="endDate-error" class="error-message"><span class="visually-hidden">Fel: <\/span>Obligatoriskt<\/p>/);
    expect(html).toContain('value="1,5"');
    expect(await (await post("en")).text()).toContain('<a href="#endDate">End date of the agreement: Required</a>');
  });

  it("refuses a post without the form's token, or from another site, with a page that says what to do", async () => {
    const page = await request("/help/reminder-dates");
    const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!;
    const cookie = page.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(new RegExp(`^${ANONYMOUS_CSRF_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Lax`));
    const post = (headers: Record<string, string>, body: Record<string, string>) =>
      request("/help/reminder-dates", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(body).toString() });
    const withCookie = { Cookie: `${ANONYMOUS_CSRF_COOKIE}=${token}` };
    expect((await post({ ...withCookie, Origin: TEST_APP_ORIGIN }, { csrf_token: token, endDate: "2026-12-31" })).status).toBe(200);
    const refusals = [
      await post({ ...withCookie, Origin: TEST_APP_ORIGIN }, { endDate: "2026-12-31" }),
      await post({ ...withCookie, Origin: TEST_APP_ORIGIN }, { csrf_token: "x".repeat(43), endDate: "2026-12-31" }),
      await post({ ...withCookie, Origin: "https://elsewhere.example" }, { csrf_token: token, endDate: "2026-12-31" }),
      await post({ Origin: TEST_APP_ORIGIN }, { csrf_token: token, endDate: "2026-12-31" }),
    ];
    for (const refused of refusals) {
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain("<h1>Formuläret kunde inte skickas</h1>");
    }
  });

  it("carries the session's token for signed-in staff, which the authenticator demands", async () => {
    const { browser, csrfToken } = await signInWithBrowser(app, "editor");
    const page = await (await browser.request("/help/reminder-dates")).text();
    expect(page).toContain(`name="csrf_token" value="${csrfToken}"`);
    const sent = await browser.postForm("/help/reminder-dates", { csrf_token: csrfToken, endDate: "2026-12-31" }, { Origin: TEST_APP_ORIGIN });
    expect(sent.status).toBe(200);
    const forged = await browser.postForm("/help/reminder-dates", { csrf_token: "forged", endDate: "2026-12-31" }, { Origin: TEST_APP_ORIGIN });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("<h1>Formuläret kunde inte skickas</h1>");
  });
});

describe("the assets", () => {
  it("are one stylesheet and one script under /assets/, kept for a year, and the pages name nothing else", async () => {
    const html = await (await request("/help")).text();
    const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(2);
    for (const path of assets) {
      const response = await request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    }
    expect(html).not.toMatch(/ style=|<style|<script>/);
    expect(html).not.toMatch(/(?:href|src)="(?:https?:)?\/\/(?!www\.digg\.se)/);
    expect((await request("/assets/site-stale.css")).status).toBe(404);
  });

  it("answers a browser's unknown page with a page, a program's with a problem", async () => {
    expect((await request("/nowhere", { headers: { Accept: "text/html" } })).headers.get("Content-Type")).toMatch(/^text\/html/);
    expect((await request("/nowhere")).headers.get("Content-Type")).toBe("application/problem+json");
    expect((await request("/api/nowhere", { headers: { Accept: "text/html" } })).headers.get("Content-Type")).toBe("application/problem+json");
  });
});

