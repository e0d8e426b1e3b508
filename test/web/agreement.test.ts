// The agreement page and its forms in Chromium, on DynamoDB Local, with agreements set up through the use cases:
// the terms, the board after the Umeå activity plan, the timeline with actors and from → to, the undeliverable
// contact; a registrar recording a decision through the form (by keyboard alone), the GOV.UK error pattern, the
// notice-period refusal naming the earliest date, a stale save keeping the input, and a viewer seeing no actions.
// axe-core and the weight budget on the page, each form and an error state, in both languages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { Agreement, DraftContent } from "../../functions/domain/agreement";
import { umea } from "../../functions/local/demo-agreements";
import { createReminderStore } from "../../functions/store/reminders";
import { createUndeliverableAddressStore } from "../../functions/store/undeliverable-addresses";
import { LANGUAGES, type Language } from "../../web/i18n/catalogue";
import { mammaUnitedContent } from "../support/agreements";
import { axeViolations, focused, pageWeight, screenshot, signIn, startPageTestApp, watchPage, type PageTestApp } from "../support/browser";
import { staffPrincipal } from "../support/tokens";

const PAGE_BUDGET_BYTES = 60 * 1024;

let app: PageTestApp;
beforeAll(async () => {
  app = await startPageTestApp();
});
afterAll(() => app?.stop());

const editor = staffPrincipal("editor");
const registrar = staffPrincipal("registrar");

/**
 * The Umeå activity plan (seed 004) as an agreement of the test's today (2026-03-01): its five focus areas as
 * sub-efforts, green, yellow and red, over 2026–2027.
 */
function umeaContent(title: string): DraftContent {
  return {
    ...structuredClone(umea.content),
    title,
    period: { start: "2026-01-01", end: "2027-12-31" },
    budget: [
      { year: 2026, amountSek: 650_000 },
      { year: 2027, amountSek: 650_000 },
    ],
    reportingRequirements: [{ id: "aktivitetsplan", kind: "activity", description: "Aktivitetsplan med status grön / gul / röd", dueDates: ["2026-06-30", "2026-12-31"] }],
  };
}

/** Created, submitted and approved through the use cases, as staff would. */
async function approvedAgreement(content: DraftContent): Promise<Agreement> {
  const proposed = await proposedAgreement(content);
  return app.application.agreements.decide(registrar, {
    agreementId: proposed.id,
    decision: { outcome: "approved", date: "2026-02-12", body: "Kommunstyrelsen", diaryNumber: "KS 2026/17", minuteReference: "Protokoll 2026-02-12 § 9" },
  });
}

async function proposedAgreement(content: DraftContent): Promise<Agreement> {
  const draft = await app.application.agreements.create(editor, content);
  return app.application.agreements.submit(editor, { agreementId: draft.id });
}

async function newPage(language: Language): Promise<Page> {
  const context = await app.browser.newContext({ locale: language === "sv" ? "sv-SE" : "en-GB" });
  return context.newPage();
}

/** Each change an element's timeline shows, as "field from → to" (the words said to screen readers left out). */
async function changesIn(page: Page, selector: string): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll(${JSON.stringify(`${selector} .timeline__changes li`)})].map((item) =>
    item.querySelector(".timeline__field").textContent + " " + item.querySelector(".timeline__from").textContent + " → " + item.querySelector(".timeline__to").textContent)`);
}

/** Where each of the page's action links goes. */
async function actionHrefs(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll(".agreement__actions a")].map((link) => link.getAttribute("href"))`);
}

async function checkPage(page: Page, name: string) {
  expect(await axeViolations(page), `${name}: axe`).toEqual([]);
  expect(await pageWeight(page), `${name}: weight`).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
}

describe("the agreement page", () => {
  let umeaAgreement: Agreement;
  beforeAll(async () => {
    const approved = await approvedAgreement(umeaContent("Umeå växer – tryggt och säkert 2026–2027"));
    // The parents' focus area gets going: a change of one sub-effort's status, told in the timeline.
    const subEfforts = approved.subEfforts!.map((effort) => (effort.name === "Stärka föräldrar" ? { ...effort, activityStatus: "started" as const } : effort));
    umeaAgreement = await app.application.agreements.update(editor, { agreementId: approved.id, changes: { subEfforts } });
    await createUndeliverableAddressStore({ client: app.table.documentClient, tableName: app.table.tableName }).mark({
      address: "kansli@youngboys.example.se",
      reason: "bounce",
      reportedAt: "2026-02-20T08:00:00Z",
      detail: "smtp; 550 5.1.1 user unknown",
    });
  });

  it.each(LANGUAGES)("shows the terms, the board with words, the timeline with actor and from → to, and the undeliverable contact (%s)", async (language) => {
    const page = await newPage(language);
    await signIn(page, app, "editor");
    const watch = watchPage(page, app.origin);
    const response = await page.goto(`${app.origin}/agreements/${umeaAgreement.id}`);
    expect(response?.status()).toBe(200);
    const sv = language === "sv";
    expect(await page.locator("h1").innerText()).toBe("Umeå växer – tryggt och säkert 2026–2027");
    const terms = await page.locator(".summary-list").first().innerText();
    expect(terms).toContain(sv ? "1 januari 2026 till och med 31 december 2027" : "1 January 2026 to 31 December 2027 inclusive");
    // 2026-03-01 to the end of 2027-12-31.
    expect(terms).toContain(sv ? "670 dagar kvar" : "670 days left");
    expect(await page.locator("main").innerText()).toContain(sv ? "650\u00a0000\u00a0kr" : "SEK\u00a0650,000");
    expect(await page.locator("main").innerText()).toContain("KS 2026/17");

    // The board: green, yellow, red in that order, each with its word, each sub-effort in its column.
    const columns = page.locator(".board__column");
    expect(await columns.locator(".board__title .tag").allInnerTexts()).toEqual(sv ? ["Genomförs", "Påbörjad", "Inte påbörjad"] : ["Being carried out", "Started", "Not started"]);
    expect(await columns.nth(0).locator(".board__card-title").allInnerTexts()).toEqual(["Öka förutsättningar för en meningsfull fritid"]);
    expect(await columns.nth(1).locator(".board__card-title").allInnerTexts()).toEqual(["Förebygga droger och kriminell livsstil", "Stärka föräldrar", "Förebygga utanförskap"]);
    expect(await columns.nth(2).locator(".board__card-title").allInnerTexts()).toEqual(["Utveckla samverkan"]);

    // The timeline: every event with its actor, the status change and the sub-effort's from → to.
    const entries = page.locator(".timeline__entry");
    expect(await entries.count()).toBe(4);
    expect(await entries.nth(2).locator(".timeline__meta").innerText()).toContain(registrar.email);
    expect((await changesIn(page, ".timeline__entry:nth-child(3)"))[0]).toBe(sv ? "Status: Väntar på beslut → Beslutat" : "Status: Awaiting decision → Approved");
    expect(await entries.nth(3).locator(".timeline__meta").innerText()).toContain(editor.email);
    expect(await changesIn(page, ".timeline__entry:nth-child(4)")).toEqual([
      sv ? "Delinsatser: Stärka föräldrar: status: Inte påbörjad → Påbörjad" : "Sub-efforts: Stärka föräldrar: status: Not started → Started",
    ]);
    expect(await entries.nth(3).locator(".visually-hidden").allInnerTexts()).toContain(sv ? "ändrades till" : "changed to");

    // The association's contact bounced: marked where the address is shown.
    const parties = await page.locator(".summary-list").nth(1).innerText();
    expect(parties).toMatch(sv ? /kansli@youngboys\.example\.se\s*Når inte fram/ : /kansli@youngboys\.example\.se\s*Undeliverable/);

    // An editor may change, invite and terminate an approved agreement; not decide or withdraw it.
    expect(await actionHrefs(page)).toEqual(
      ["edit", "invite", "terminate"].map((action) => `/agreements/${umeaAgreement.id}/${action}`),
    );
    await checkPage(page, `agreement-${language}`);
    if (sv) await screenshot(page, "agreement");
    expect(watch.elsewhere).toEqual([]);
    expect(watch.problems).toEqual([]);
    await page.context().close();
  });

  it("shows a viewer no actions, and refuses them the forms with a page in their language", async () => {
    const page = await newPage("sv");
    await signIn(page, app, "viewer");
    await page.goto(`${app.origin}/agreements/${umeaAgreement.id}`);
    expect(await page.locator("h1").innerText()).toBe("Umeå växer – tryggt och säkert 2026–2027");
    expect(await page.locator(".agreement__actions").count()).toBe(0);
    expect(await page.locator("main form").count()).toBe(0);
    const refused = await page.goto(`${app.origin}/agreements/${umeaAgreement.id}/terminate`);
    expect(refused?.status()).toBe(403);
    expect(await page.locator("h1").innerText()).toBe("Du har inte behörighet");
    await checkPage(page, "forbidden-sv");
    await page.context().close();
  });

  it("answers a missing agreement with a not-found page, and sends a visitor who is not signed in to sign in", async () => {
    const page = await newPage("sv");
    await signIn(page, app, "editor");
    const missing = await page.goto(`${app.origin}/agreements/no-such-agreement`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator("h1").innerText()).toBe("Sidan finns inte");
    await page.context().close();

    const anonymous = await newPage("sv");
    await anonymous.goto(`${app.origin}/agreements/${umeaAgreement.id}`);
    await anonymous.locator("main a[href^='/auth/login'], main button").first().click();
    await anonymous.fill("#email", staffPrincipal("viewer").email);
    await Promise.all([anonymous.waitForURL(`${app.origin}/agreements/${umeaAgreement.id}`), anonymous.click("button[type=submit]")]);
    expect(await anonymous.locator("h1").innerText()).toBe("Umeå växer – tryggt och säkert 2026–2027");
    await anonymous.context().close();
  });
});

describe("recording a decision", () => {
  it("a registrar records an approval by keyboard alone, and the page shows it approved with the decision", async () => {
    const proposed = await proposedAgreement({ ...mammaUnitedContent(), title: "Mammagrupper i Bäckby" });
    const page = await newPage("sv");
    await signIn(page, app, "registrar", `/agreements/${proposed.id}`);
    expect(await page.locator(".agreement__actions a").allInnerTexts()).toEqual(["Registrera beslut"]);
    await page.goto(`${app.origin}/agreements/${proposed.id}/decision`);
    await checkPage(page, "decision-sv");

    // From the top of the page: skip link, then Tab to the form's first field.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    const tabTo = async (id: string) => {
      for (let step = 0; step < 15 && (await focused(page)).id !== id; step++) await page.keyboard.press("Tab");
      expect((await focused(page)).id).toBe(id);
    };
    await tabTo("outcome");
    await page.keyboard.press("Space");
    await tabTo("body");
    expect(await page.inputValue("#body")).toBe("Kultur-, idrotts- och fritidsnämnden");
    await tabTo("date");
    await page.keyboard.type("2026-02-26");
    await tabTo("diaryNumber");
    await page.keyboard.type("KIFN 2026/88");
    await tabTo("minuteReference");
    await page.keyboard.type("Protokoll 2026-02-26 § 4");
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement.textContent.trim()")).toBe("Registrera beslutet");
    await Promise.all([page.waitForURL(`${app.origin}/agreements/${proposed.id}?done=decided`), page.keyboard.press("Enter")]);

    expect(await page.locator(".notification-banner--success").innerText()).toContain("Beslutet är registrerat.");
    expect(await page.locator(".agreement__caption .tag").innerText()).toBe("Beslutat");
    const main = await page.locator("main").innerText();
    expect(main).toContain("KIFN 2026/88");
    expect(main).toContain("Protokoll 2026-02-26 § 4");
    expect(main).toContain("26 februari 2026");
    expect(await page.locator(".timeline__entry").last().innerText()).toContain(`av ${registrar.email}`);
    expect((await app.application.agreements.read(registrar, proposed.id)).status).toBe("approved");
    await page.context().close();
  });

  it.each(LANGUAGES)("shows errors the GOV.UK way: title prefix, summary whose links move focus, input kept (%s)", async (language) => {
    const proposed = await proposedAgreement({ ...mammaUnitedContent(), title: `Föräldrastöd (${language})` });
    const page = await newPage(language);
    await signIn(page, app, "registrar", `/agreements/${proposed.id}/decision`);
    const watch = watchPage(page, app.origin);
    await page.fill("#body", "");
    await page.fill("#date", "2026-02-30");
    await page.fill("#diaryNumber", "KS 2026/5");
    await page.locator("#diaryNumber").press("Enter");
    await page.waitForSelector(".error-summary");
    const sv = language === "sv";
    expect(await page.title()).toMatch(sv ? /^Fel: / : /^Error: /);
    expect((await focused(page)).className).toBe("error-summary");
    const links = page.locator(".error-summary a");
    expect(await links.allInnerTexts()).toEqual(
      sv
        ? ["Beslut: Välj ett av alternativen", "Beslutande organ: Obligatoriskt", "Beslutsdatum: Skriv ett datum som finns, som år-månad-dag (till exempel 2026-12-31)", "Protokoll och paragraf: Obligatoriskt"]
        : ["Decision: Choose one of the options", "Deciding body: Required", "Date of the decision: Write a real date as year-month-day (for example 2026-12-31)", "Minutes and paragraph: Required"],
    );
    expect(await page.inputValue("#date")).toBe("2026-02-30");
    expect(await page.inputValue("#diaryNumber")).toBe("KS 2026/5");
    expect(await page.locator("#date-error").innerText()).toContain(sv ? "Skriv ett datum som finns" : "Write a real date");
    await checkPage(page, `decision-errors-${language}`);
    if (sv) await screenshot(page, "form-errors");
    await links.nth(2).click();
    expect((await focused(page)).id).toBe("date");
    await links.nth(0).focus();
    await page.keyboard.press("Enter");
    expect((await focused(page)).id).toBe("outcome");
    expect(watch.elsewhere).toEqual([]);
    expect(watch.problems).toEqual([]);
    await page.context().close();
  });
});

describe("terminating", () => {
  it.each(LANGUAGES)("refuses a date before the notice period is over, naming the earliest date, and keeps the input (%s)", async (language) => {
    const approved = await approvedAgreement({ ...mammaUnitedContent(), title: `Uppsägningstid (${language})`, noticePeriodMonths: 3 });
    const page = await newPage(language);
    await signIn(page, app, "editor", `/agreements/${approved.id}/terminate`);
    await checkPage(page, `terminate-${language}`);
    expect(await page.inputValue("#givenOn")).toBe("2026-03-01");
    await page.check("#ground");
    await page.fill("#effectiveDate", "2026-04-30");
    await page.fill("#reason", "Verksamheten flyttar");
    await page.locator("#effectiveDate").press("Enter");
    await page.waitForSelector(".error-summary");
    const sv = language === "sv";
    const message = sv
      ? "Med 3 månaders uppsägningstid och uppsägning den 2026-03-01 kan avtalet sluta tidigast 2026-06-01"
      : "With 3 months' notice, notice given on 2026-03-01 takes effect on 2026-06-01 at the earliest";
    expect(await page.locator("#effectiveDate-error").innerText()).toContain(message);
    expect(await page.locator(".error-summary a").allInnerTexts()).toEqual([`${sv ? "Sista dagen avtalet gäller" : "Last day the agreement is in force"}: ${message}`]);
    expect(await page.inputValue("#reason")).toBe("Verksamheten flyttar");
    expect(await page.isChecked("#ground")).toBe(true);
    await checkPage(page, `terminate-errors-${language}`);

    await page.fill("#effectiveDate", "2026-06-01");
    await Promise.all([page.waitForURL(`${app.origin}/agreements/${approved.id}?done=terminated`), page.locator("#effectiveDate").press("Enter")]);
    expect(await page.locator(".notification-banner--success").innerText()).toContain(sv ? "Uppsägningen är registrerad." : "The termination is recorded.");
    expect(await page.locator(".agreement__actions a").allInnerTexts()).not.toContain(sv ? "Säg upp avtalet" : "Terminate the agreement");
    await page.context().close();
  });

  it("keeps the input when someone else saved first, shows what they changed, and saves on the second send", async () => {
    const approved = await approvedAgreement({ ...mammaUnitedContent(), title: "Samtidiga ändringar" });
    const page = await newPage("sv");
    await signIn(page, app, "editor", `/agreements/${approved.id}/terminate`);
    await page.check("#ground-3");
    await page.fill("#effectiveDate", "2026-09-30");
    await page.fill("#reason", "Parterna är överens");
    // Meanwhile a colleague marks a sub-effort as started.
    const subEfforts = approved.subEfforts!.map((effort, index) => (index === 1 ? { ...effort, activityStatus: "done" as const } : effort));
    await app.application.agreements.update(editor, { agreementId: approved.id, changes: { subEfforts } });

    const [response] = await Promise.all([page.waitForResponse((candidate) => candidate.request().method() === "POST"), page.locator("#effectiveDate").press("Enter")]);
    expect(response.status()).toBe(409);
    await page.waitForSelector(".notification-banner");
    const banner = await page.locator(".notification-banner").innerText();
    expect(banner).toContain("Någon annan ändrade avtalet");
    expect(await changesIn(page, ".notification-banner")).toEqual(["Delinsatser: Pilot för pappor: status: Påbörjad → Genomförs"]);
    expect(await page.inputValue("#effectiveDate")).toBe("2026-09-30");
    expect(await page.inputValue("#reason")).toBe("Parterna är överens");
    expect(await page.isChecked("#ground-3")).toBe(true);
    expect(await page.title()).toMatch(/^Fel: /);
    await checkPage(page, "terminate-stale-sv");

    await Promise.all([page.waitForURL(`${app.origin}/agreements/${approved.id}?done=terminated`), page.getByRole("button", { name: "Registrera uppsägningen" }).click()]);
    const terminated = await app.application.agreements.read(editor, approved.id);
    expect(terminated.termination).toMatchObject({ ground: "mutual-agreement", effectiveDate: "2026-09-30", reason: "Parterna är överens" });
    expect(terminated.subEfforts![1]!.activityStatus).toBe("done");
    await page.context().close();
  });
});

describe("the reminders", () => {
  it("lists them planned, sent, skipped with why and uncertain; an editor sends the uncertain one again, a viewer cannot", async () => {
    const agreement = await approvedAgreement({ ...mammaUnitedContent(), title: "Påminnelser på sidan" });
    // As the workflow leaves them: the 180-day reminder sent, the 90-day one uncertain, an old report reminder skipped.
    const reminders = createReminderStore({ client: app.table.documentClient, tableName: app.table.tableName });
    const expiry = (sendOn: string) => ({ kind: "expiry" as const, sendOn, concerns: "2026-12-31" });
    await reminders.claim(agreement.id, expiry("2026-07-04"), ["editor@example.se"], new Date("2026-07-04T00:00:00+02:00"));
    await reminders.markSent(agreement.id, expiry("2026-07-04"), "message-1", new Date("2026-07-04T00:00:01+02:00"));
    await reminders.claim(agreement.id, expiry("2026-10-02"), ["editor@example.se"], new Date("2026-10-02T00:00:00+02:00"));
    await reminders.markUncertain(agreement.id, expiry("2026-10-02"), "socket hang up", new Date("2026-10-02T00:00:15+02:00"));
    await reminders.skip(agreement.id, { kind: "report-due", sendOn: "2025-03-17", concerns: "2025-03-31", requirementId: "verksamhet", reason: "woke-late" }, new Date("2025-04-02T00:00:00+02:00"));

    const viewer = await newPage("sv");
    await signIn(viewer, app, "viewer", `/agreements/${agreement.id}`);
    expect(await viewer.locator("#reminders + table button").count()).toBe(0);
    await viewer.context().close();

    const page = await newPage("sv");
    await signIn(page, app, "editor", `/agreements/${agreement.id}`);
    const rows = page.locator("#reminders + table tbody tr");
    const rowOf = (text: string | RegExp) => rows.filter({ hasText: text });
    const expiryOn = (sendOn: string) => rowOf(new RegExp(`^Avtalet slutar 31 december 2026\\s*${sendOn}`));
    expect(await rowOf("Dagen passerade medan tjänsten inte var igång.").innerText()).toMatch(/^Rapport ska lämnas 31 mars 2025\s+17 mars 2025\s+Skickas inte/);
    expect(await expiryOn("4 juli 2026").innerText()).toContain("Skickad");
    expect(await expiryOn("2 oktober 2026").innerText()).toContain("Osäkert om den kom fram");
    expect(await expiryOn("1 december 2026").innerText()).toContain("Planerad");
    const buttons = await page.locator("#reminders + table button").allInnerTexts();
    expect(buttons.map((text) => text.replace(/\s+/g, " "))).toEqual(["Skicka igen Avtalet slutar 31 december 2026"]);
    await checkPage(page, "agreement-reminders-sv");

    await Promise.all([page.waitForURL(`${app.origin}/agreements/${agreement.id}?done=resent`), page.locator("#reminders + table button").click()]);
    expect(await page.locator(".notification-banner--success").innerText()).toContain("Påminnelsen är skickad igen.");
    expect(await expiryOn("2 oktober 2026").innerText()).toContain("Skickad");
    expect(await page.locator("#reminders + table button").count()).toBe(0);
    await page.context().close();
  });
});

describe("inviting an association to report", () => {
  it.each(LANGUAGES)("sends the invitation and lists it on the page (%s)", async (language) => {
    const approved = await approvedAgreement(umeaContent(`Inbjudan (${language})`));
    const page = await newPage(language);
    await signIn(page, app, "editor", `/agreements/${approved.id}/invite`);
    expect(await page.inputValue("#email")).toBe("kansli@youngboys.example.se");
    await checkPage(page, `invite-${language}`);
    await page.fill("#email", "inte en adress");
    await page.locator("#email").press("Enter");
    await page.waitForSelector(".error-summary");
    expect(await page.inputValue("#email")).toBe("inte en adress");
    await checkPage(page, `invite-errors-${language}`);
    await page.check("#report-2");
    await page.fill("#email", "rapport@youngboys.example.se");
    await Promise.all([page.waitForURL(`${app.origin}/agreements/${approved.id}?done=invited`), page.locator("#email").press("Enter")]);
    const invitations = await page.locator("table").last().innerText();
    expect(invitations).toContain("rapport@youngboys.example.se");
    expect(invitations).toContain(language === "sv" ? "31 december 2026" : "31 December 2026");
    await page.context().close();
  });
});
