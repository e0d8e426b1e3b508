// The dashboard and the agreement list in Chromium, on DynamoDB Local with agreements set up through the use cases
// as staff and the workflow would: every figure counts what it should and links to a list showing exactly what
// it counted; the list's filters, search and paging; both pages accessible in both languages and within budget.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { Role, StaffPrincipal } from "../../functions/api/auth/principal";
import { runCommand } from "../../functions/app/commands";
import { recordDeliveryEvent } from "../../functions/app/undeliverable";
import { DEFAULT_REMINDERS, type DraftContent } from "../../functions/domain/agreement";
import { luhnCheckDigit } from "../../functions/domain/organisation-number";
import { createReminderStore } from "../../functions/store/reminders";
import { createUndeliverableAddressStore } from "../../functions/store/undeliverable-addresses";
import { createWorkflowStateStore } from "../../functions/store/workflow-state";
import { LANGUAGES, type Language } from "../../web/i18n/catalogue";
import { TestClock } from "../support/api";
import { mammaUnitedContent, workflow } from "../support/agreements";
import { axeViolations, pageWeight, screenshot, signIn, startPageTestApp, watchPage, type PageTestApp } from "../support/browser";
import { storeSubmittedReport } from "../reports/fixtures";

const PAGE_BUDGET_BYTES = 60 * 1024;
/** The day the dashboard is looked at: the test clock's date in Stockholm. */
const NOW = "2026-03-01T10:00:00Z";
const BOUNCED = "kontakt@sprakcafe.example.se";

const as = (role: Role): StaffPrincipal => ({ subject: role, email: `${role}@example.se`, roles: [role], via: "session" });

/** A valid organisationsnummer of its own for each agreement, so no two overlap for one association. */
function organisationNumber(serial: number): string {
  const nine = `802${String(100_000 + serial).slice(1)}0`.slice(0, 9);
  return `${nine.slice(0, 6)}-${nine.slice(6)}${luhnCheckDigit(nine)}`;
}

interface Seed {
  title: string;
  stage: "draft" | "proposed" | "active";
  period: { start: string; end: string };
  noticePeriodMonths?: number;
  reportDueDates?: string[];
  contactEmail?: string;
}

const SEEDS: Seed[] = [
  { title: "Språkcafé Bäckby", stage: "active", period: { start: "2025-01-01", end: "2026-03-20" }, reportDueDates: ["2026-02-15", "2026-03-10"], contactEmail: BOUNCED },
  { title: "Läxhjälp Råby", stage: "active", period: { start: "2025-01-01", end: "2026-05-15" }, reportDueDates: ["2026-02-20"] },
  { title: "Idrott för alla", stage: "active", period: { start: "2025-01-01", end: "2026-08-01" } },
  { title: "Fritidsgård Skultuna", stage: "active", period: { start: "2025-01-01", end: "2026-12-31" }, noticePeriodMonths: 8 },
  { title: "Seniorträffar Vallby", stage: "active", period: { start: "2025-01-01", end: "2027-06-30" } },
  { title: "Kulturskola Hammarby", stage: "proposed", period: { start: "2026-07-01", end: "2027-06-30" } },
  { title: "Stadsodling Pettersberg", stage: "proposed", period: { start: "2026-09-01", end: "2028-08-31" } },
  { title: "Nattvandring Öster Mälarstrand", stage: "draft", period: { start: "2026-09-01", end: "2027-08-31" } },
];

function contentOf(seed: Seed, serial: number): DraftContent {
  const base = mammaUnitedContent();
  const [firstYear, lastYear] = [Number(seed.period.start.slice(0, 4)), Number(seed.period.end.slice(0, 4))];
  return {
    ...base,
    title: seed.title,
    associations: [
      {
        name: `Förening ${seed.title}`,
        organisationNumber: organisationNumber(serial),
        contact: { name: "Kontaktperson", email: seed.contactEmail ?? `kontakt${serial}@forening.example.se` },
      },
    ],
    period: seed.period,
    noticePeriodMonths: seed.noticePeriodMonths ?? null,
    budget: Array.from({ length: lastYear - firstYear + 1 }, (_, index) => ({ year: firstYear + index, amountSek: 100_000 })),
    // A final report on the last day unless the seed says otherwise: outside every window the dashboard looks at.
    reportingRequirements: [{ id: "verksamhet", kind: "activity", description: "", dueDates: seed.reportDueDates ?? [seed.period.end] }],
    reminders: DEFAULT_REMINDERS,
  };
}

let app: PageTestApp;
const ids = new Map<string, string>();
const idOf = (title: string) => ids.get(title)!;

beforeAll(async () => {
  const clock = new TestClock(new Date(NOW));
  app = await startPageTestApp({ clock });
  const { application, ports } = app.dependencies;
  const now = new Date(NOW);
  for (const [serial, seed] of SEEDS.entries()) {
    const { id } = await application.agreements.create(as("editor"), contentOf(seed, serial));
    ids.set(seed.title, id);
    if (seed.stage === "draft") continue;
    await application.agreements.submit(as("editor"), { agreementId: id });
    if (seed.stage === "proposed") continue;
    const decision = { outcome: "approved", date: "2026-03-01", body: "Kommunstyrelsen", diaryNumber: `KS 2024/${serial + 100}`, minuteReference: "§ 12" } as const;
    await application.agreements.decide(as("registrar"), { agreementId: id, decision });
    await runCommand(ports.store, { agreementId: id, command: { type: "activate" }, actor: workflow, now });
  }
  const tables = { client: app.table.documentClient, tableName: app.table.tableName };
  // The report of 2026-02-20 came in and waits for review; the one of 2026-02-15 never came.
  await storeSubmittedReport(ports.reporting.reports, { agreementId: idOf("Läxhjälp Råby"), requirementId: "verksamhet", dueDate: "2026-02-20" }, now);
  // The workflow of one agreement stopped on a fault.
  const workflowStates = createWorkflowStateStore(tables);
  await workflowStates.beginGeneration(idOf("Seniorträffar Vallby"), 0, now);
  await workflowStates.recordFailure(idOf("Seniorträffar Vallby"), { at: "2026-02-28T08:00:00Z", generation: 0, error: "States.TaskFailed", cause: "DynamoDB unavailable" });
  // One reminder's send was lost on the way; another's too, but staff have sent that one again since.
  const reminders = createReminderStore(tables);
  const expiry = { kind: "expiry", sendOn: "2026-02-01", concerns: "2026-08-01" } as const;
  const notice = { kind: "notice", sendOn: "2026-02-02", concerns: "2026-04-30" } as const;
  for (const [title, reminder] of [["Idrott för alla", expiry], ["Fritidsgård Skultuna", notice]] as const) {
    await reminders.claim(idOf(title), reminder, [], now);
    await reminders.markUncertain(idOf(title), reminder, "socket hang up", now);
  }
  await reminders.claimUncertain(idOf("Fritidsgård Skultuna"), notice, [], "editor@example.se", now);
  await recordDeliveryEvent(
    { addresses: createUndeliverableAddressStore(tables) },
    { eventType: "Bounce", bounce: { bounceType: "Permanent", timestamp: "2026-02-27T09:30:00Z", bouncedRecipients: [{ emailAddress: BOUNCED }] } },
  );
});
afterAll(() => app?.stop());

async function newPage(language: Language): Promise<Page> {
  const context = await app.browser.newContext({ locale: language === "sv" ? "sv-SE" : "en-GB" });
  return context.newPage();
}

/** The figure whose label is exactly `label`: its count and where it leads. */
async function figure(page: Page, label: string): Promise<{ count: string; href: string }> {
  const link = page.locator(".figure").filter({ has: page.locator(".figure__label", { hasText: new RegExp(`^${label}$`) }) });
  expect(await link.count(), label).toBe(1);
  return { count: (await link.locator(".figure__count").innerText()).trim(), href: (await link.getAttribute("href"))! };
}

/** The titles in the agreement list's table on the page as it is now. */
async function listedTitles(page: Page): Promise<string[]> {
  return page.locator("table tbody tr td:first-child").allInnerTexts();
}

/** The titles a figure's list shows: in `list`, every page (following "next"), or the table of its section below. */
async function titlesBehind(page: Page, list: Page, href: string): Promise<string[]> {
  if (href.startsWith("#")) {
    const section = page.locator(`${href} + p + table, ${href} + table`);
    return (await section.count()) === 0 ? [] : section.locator("tbody tr td:first-child").allInnerTexts();
  }
  const titles: string[] = [];
  let next: string | null = href;
  while (next !== null) {
    const response = await list.goto(new URL(next, app.origin).toString());
    expect(response?.status()).toBe(200);
    titles.push(...(await listedTitles(list)));
    const nextLink = list.locator('a[rel="next"]');
    next = (await nextLink.count()) === 0 ? null : await nextLink.getAttribute("href");
  }
  return titles.sort();
}

describe("the dashboard", () => {
  it("counts what needs attention, and each number leads to exactly what it counts", async () => {
    const page = await newPage("sv");
    await signIn(page, app, "viewer");
    const expected: [string, string[]][] = [
      ["förslag väntar på beslut", ["Kulturskola Hammarby", "Stadsodling Pettersberg"]],
      ["slutar inom 30 dagar", ["Språkcafé Bäckby"]],
      ["slutar inom 90 dagar", ["Läxhjälp Råby", "Språkcafé Bäckby"]],
      ["slutar inom 180 dagar", ["Idrott för alla", "Läxhjälp Råby", "Språkcafé Bäckby"]],
      ["Gäller", ["Fritidsgård Skultuna", "Idrott för alla", "Läxhjälp Råby", "Seniorträffar Vallby", "Språkcafé Bäckby"]],
      ["Väntar på beslut", ["Kulturskola Hammarby", "Stadsodling Pettersberg"]],
      ["Utkast", ["Nattvandring Öster Mälarstrand"]],
      ["Har gått ut", []],
      ["sista dagar att säga upp avtal inom 90 dagar", ["Fritidsgård Skultuna"]],
      ["rapporter ska lämnas inom 30 dagar", ["Språkcafé Bäckby"]],
      ["rapporter är försenade", ["Språkcafé Bäckby"]],
      ["rapporter väntar på granskning", ["Läxhjälp Råby"]],
      ["avtal där de automatiska stegen har stannat", ["Seniorträffar Vallby"]],
      ["påminnelser som kanske inte har skickats", ["Idrott för alla"]],
    ];
    const list = await page.context().newPage();
    for (const [label, titles] of expected) {
      const { count, href } = await figure(page, label);
      expect(count, label).toBe(String(titles.length));
      expect((await titlesBehind(page, list, href)).sort(), label).toEqual(titles);
    }
    const ending30 = await figure(page, "slutar inom 30 dagar");
    expect(ending30.href).toBe("/agreements?status=active&endsBefore=2026-04-01");

    const undeliverable = await figure(page, "e-postadresser som inte tar emot e-post");
    expect(undeliverable).toEqual({ count: "1", href: "#undeliverable" });
    const row = page.locator("#undeliverable + p + table tbody tr");
    expect(await row.locator("td").first().innerText()).toBe(BOUNCED);
    expect(await row.locator("td").last().innerText()).toBe("Språkcafé Bäckby");
    expect(await page.locator("#notice-dates + table tbody tr td").nth(1).innerText()).toBe("30 april 2026");
    await page.context().close();
    // A browser on this shared machine takes a while for the fourteen lists; nothing here is timed.
  }, 240_000);

  it.each(LANGUAGES)("passes axe in %s, under the CSP, within budget", async (language) => {
    const page = await newPage(language);
    await signIn(page, app, "editor");
    const watch = watchPage(page, app.origin);
    await page.goto(`${app.origin}/`);
    expect(await page.getAttribute("html", "lang")).toBe(language);
    expect(await page.locator("h1").innerText()).toBe(language === "sv" ? "Översikt" : "Overview");
    expect(await axeViolations(page)).toEqual([]);
    expect(await pageWeight(page)).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
    if (language === "sv") await screenshot(page, "dashboard");
    expect(watch.elsewhere).toEqual([]);
    expect(watch.problems).toEqual([]);
    await page.context().close();
  });

  it("shows the sign-in landing to someone not signed in", async () => {
    const page = await newPage("sv");
    await page.goto(`${app.origin}/`);
    expect(await page.locator(".figure").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Logga in" }).count()).toBe(1);
    await page.context().close();
  });
});

describe("the agreement list", () => {
  it("filters with the API's parameters from its form, searches, and keeps the filters in the CSV link", async () => {
    const page = await newPage("sv");
    await signIn(page, app, "viewer", "/agreements");
    expect((await listedTitles(page)).length).toBe(SEEDS.length);

    await page.selectOption("#status", "active");
    await page.fill("#endsBefore", "2026-06-01");
    await Promise.all([page.waitForURL(/\/agreements\?/), page.getByRole("button", { name: "Visa avtal" }).click()]);
    // The form sends its empty fields too; the list reads them as no filter.
    const sent = [...new URL(page.url()).searchParams].filter(([, value]) => value !== "");
    expect(sent).toEqual([["status", "active"], ["endsBefore", "2026-06-01"]]);
    expect(await listedTitles(page)).toEqual(["Språkcafé Bäckby", "Läxhjälp Råby"]);
    expect(await page.locator("#status").inputValue()).toBe("active");
    expect(await page.getByRole("link", { name: /CSV/ }).getAttribute("href")).toBe("/api/agreements.csv?status=active&endsBefore=2026-06-01");

    await page.goto(`${app.origin}/agreements?q=backby`);
    expect(await listedTitles(page)).toEqual(["Språkcafé Bäckby"]);
    await page.goto(`${app.origin}/agreements?association=${organisationNumber(3)}`);
    expect(await listedTitles(page)).toEqual(["Fritidsgård Skultuna"]);
    await page.goto(`${app.origin}/agreements?status=draft&lang=sv`);
    expect(await listedTitles(page)).toEqual(["Nattvandring Öster Mälarstrand"]);

    const csv = await page.context().request.get(`${app.origin}/api/agreements.csv?status=active&endsBefore=2026-06-01`);
    expect(csv.status()).toBe(200);
    const rows = (await csv.text()).trim().split("\r\n");
    expect(rows).toHaveLength(3);
    await page.context().close();
  });

  it("pages by the cursor, in end-date order, and the last page has no next link", async () => {
    const page = await newPage("en");
    await signIn(page, app, "viewer", "/agreements?status=active&limit=2");
    const pages: string[][] = [await listedTitles(page)];
    for (;;) {
      const next = page.locator('a[rel="next"]');
      if ((await next.count()) === 0) break;
      await Promise.all([page.waitForURL(/cursor=/), next.click()]);
      pages.push(await listedTitles(page));
      expect(await page.getByRole("link", { name: "Back to the first page" }).getAttribute("href")).toBe("/agreements?status=active&limit=2");
    }
    expect(pages).toEqual([
      ["Språkcafé Bäckby", "Läxhjälp Råby"],
      ["Idrott för alla", "Fritidsgård Skultuna"],
      ["Seniorträffar Vallby"],
    ]);
    await page.goto(`${app.origin}/agreements?status=active&cursor=forged`);
    expect(await page.locator("main").innerText()).toContain("This page can no longer be shown");
    await page.context().close();
  });

  it("sorts every agreement by end date without a filter, page by page, from the form", async () => {
    const page = await newPage("sv");
    await signIn(page, app, "viewer", "/agreements");
    await page.selectOption("#sort", "endDate");
    await Promise.all([page.waitForURL(/sort=endDate/), page.getByRole("button", { name: "Visa avtal" }).click()]);
    expect(await page.locator("main").innerText()).toContain("Sorterade efter slutdatum, det som slutar först överst.");
    const byEnd = [...SEEDS].sort((a, b) => `${a.period.end}#${idOf(a.title)}`.localeCompare(`${b.period.end}#${idOf(b.title)}`)).map((seed) => seed.title);
    expect(await listedTitles(page)).toEqual(byEnd);

    await page.goto(`${app.origin}/agreements?sort=endDate&limit=3`);
    const titles = await listedTitles(page);
    for (;;) {
      const next = page.locator('a[rel="next"]');
      if ((await next.count()) === 0) break;
      await Promise.all([page.waitForURL(/cursor=/), next.click()]);
      expect(new URL(page.url()).searchParams.get("sort")).toBe("endDate");
      titles.push(...(await listedTitles(page)));
    }
    expect(titles).toEqual(byEnd);
    expect(await page.getByRole("link", { name: /CSV/ }).getAttribute("href")).toBe("/api/agreements.csv?sort=endDate");

    const refused = await page.goto(`${app.origin}/agreements?q=backby&sort=endDate`);
    expect(refused?.status()).toBe(400);
    expect(await page.locator(".error-summary a").allInnerTexts()).toEqual([
      "Sortering: Det går inte att sortera efter slutdatum när du söker eller väljer en förening. Ta bort sökningen eller föreningen, eller välj standardsortering",
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it("shows what is wrong with a filter as an error summary, in the person's language, keeping what was typed", async () => {
    const page = await newPage("sv");
    await signIn(page, app, "viewer");
    const response = await page.goto(`${app.origin}/agreements?endsBefore=2026-02-30&q=a&association=123`);
    expect(response?.status()).toBe(400);
    expect(await page.title()).toMatch(/^Fel: Avtal/);
    expect(await page.locator(".error-summary a").allInnerTexts()).toEqual([
      "Sök: Skriv minst ett ord med minst 2 bokstäver eller siffror",
      "Slutar före: Skriv ett datum som finns, som år-månad-dag (till exempel 2026-12-31)",
      "Förening (organisationsnummer): Skriv ett giltigt organisationsnummer, till exempel 802012-3456",
    ]);
    expect(await page.locator("#endsBefore").inputValue()).toBe("2026-02-30");
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it.each(LANGUAGES)("passes axe in %s, under the CSP, within budget, and gives the calendar address", async (language) => {
    const page = await newPage(language);
    await signIn(page, app, "editor", "/agreements");
    const watch = watchPage(page, app.origin);
    expect(await axeViolations(page)).toEqual([]);
    expect(await pageWeight(page)).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
    await screenshot(page, `agreement-list-${language}`);
    await Promise.all([page.waitForURL(`${app.origin}/calendar-feed`), page.locator('form[action="/calendar-feed"] button').click()]);
    expect(await page.locator(".feed-address").innerText()).toMatch(new RegExp(`^${app.origin}/api/calendar/[\\w-]+\\.ics$`));
    expect(await axeViolations(page)).toEqual([]);
    expect(watch.elsewhere).toEqual([]);
    expect(watch.problems).toEqual([]);
    await page.context().close();
  });
});
