// The draft forms in Chromium, in Swedish and English: a staff member starts an agreement, fills in every section of
// its task list (with "add another" rows, sv-SE amounts), checks the answers and submits it for decision; errors the
// GOV.UK way (summary, focus, values kept), a stale save that keeps what was typed, the domain's refusal on submit
// linked to the section that needs it, a renewal landing on its pre-filled successor, and one section completed by
// keyboard alone. Every step passes axe-core and the page budget. The data is the demo agreements' (Mamma United,
// Västerås; Balltorp, Mölndal) from functions/local/demo-agreements.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { StaffPrincipal } from "../../functions/api/auth/principal";
import { balltorp, mammaUnited } from "../../functions/local/demo-agreements";
import { replayDemoAgreement } from "../../functions/local/demo-data";
import { LANGUAGES, type Language } from "../../web/i18n/catalogue";
import { checkPage, focused, newPageIn, signIn, startPageTestApp, watchPage, type PageTestApp, type PageWatch } from "../support/browser";

/** The walk through every section loads some thirty pages, each checked by axe; a shared machine needs the room. */
const WHOLE_DRAFT_TIMEOUT_MS = 300_000;
const editor: StaffPrincipal = { subject: "draft-test", email: "editor@example.se", roles: ["editor"], via: "bearer" };

let app: PageTestApp;
beforeAll(async () => {
  app = await startPageTestApp();
});
afterAll(() => app?.stop());

/** A fresh browser context in a language, as a person whose browser asks for it. */
const newPage = (language: Language) => newPageIn(app, language);

function expectClean(watch: PageWatch) {
  expect(watch.elsewhere).toEqual([]);
  expect(watch.problems).toEqual([]);
}

/** Clicks a button that posts the form and waits for the page it answers with. */
async function press(page: Page, name: string | RegExp) {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name, exact: typeof name === "string" }).click()]);
}

const words = {
  sv: { save: "Spara och gå tillbaka", completed: "Klar", notStarted: "Inte påbörjad", check: "Kontrollera dina svar", submit: "Skicka till beslut", addSubEffort: "Lägg till en delinsats", addYear: "Lägg till ett år", change: "Ändra", create: "Skapa utkast", renew: "Skapa förnyelsen", error: /^Fel: / },
  en: { save: "Save and go back", completed: "Completed", notStarted: "Not started", check: "Check your answers", submit: "Send for decision", addSubEffort: "Add a sub-effort", addYear: "Add a year", change: "Change", create: "Create draft", renew: "Create the renewal", error: /^Error: / },
};

function agreementIdOf(page: Page): string {
  return /\/agreements\/([^/]+)\/edit/.exec(page.url())![1]!;
}

/** The section's status as the task list shows it, in words. */
async function statusOf(page: Page, section: string): Promise<string> {
  return (await page.locator(`#task-${section}-status`).innerText()).trim();
}

describe.each(LANGUAGES)("the draft forms in %s", (language) => {
  const say = words[language];
  const content = mammaUnited.content;
  const title = `${content.title!} (${language})`;

  it("a staff member creates an agreement through the task list, checks the answers and submits it", async () => {
    const page = await newPage(language);
    await signIn(page, app, "editor", "/agreements/new");
    const watch = watchPage(page, app.origin);
    await checkPage(page, `draft-new-${language}`);
    const association = content.associations![0]!;
    await page.fill("#title", title);
    await page.fill("#associations-0-name", association.name);
    await page.fill("#associations-0-organisationNumber", association.organisationNumber);
    await press(page, say.create);
    expect(page.url()).toMatch(/\/agreements\/[^/]+\/edit$/);
    const id = agreementIdOf(page);
    expect(await statusOf(page, "period")).toBe(say.notStarted);
    await checkPage(page, `draft-tasks-${language}`);

    // Parties: the association came from the start; the municipality and the responsible officer are added here.
    await page.goto(`${app.origin}/agreements/${id}/edit/parties`);
    await checkPage(page, `draft-parties-${language}`);
    expect(await page.inputValue("#associations-0-name")).toBe(association.name);
    await page.fill("#municipality-organisation", content.municipality!.organisation);
    await page.fill("#municipality-decidingBody", content.municipality!.decidingBody);
    await page.fill("#associations-0-contact-name", association.contact!.name);
    await page.fill("#associations-0-contact-email", association.contact!.email!);
    await page.fill("#responsibleOfficer-name", content.responsibleOfficer!.name);
    await page.fill("#responsibleOfficer-email", content.responsibleOfficer!.email);
    await press(page, say.save);
    expect(await statusOf(page, "parties")).toBe(say.completed);

    // Purpose and sub-efforts: "add another" keeps what was typed and adds an empty row, without any script.
    await page.goto(`${app.origin}/agreements/${id}/edit/purpose`);
    await page.fill("#purpose", content.purpose!);
    await page.fill("#subEfforts-0-name", content.subEfforts![0]!.name);
    await press(page, say.addSubEffort);
    expect(await page.inputValue("#purpose")).toBe(content.purpose);
    expect(await page.inputValue("#subEfforts-0-name")).toBe(content.subEfforts![0]!.name);
    expect(await page.inputValue("#subEfforts-1-name")).toBe("");
    await page.fill("#subEfforts-1-name", content.subEfforts![1]!.name);
    await page.selectOption("#subEfforts-1-activityStatus", "started");
    await checkPage(page, `draft-purpose-${language}`);
    await press(page, say.save);
    expect(await statusOf(page, "purpose")).toBe(say.completed);

    await page.goto(`${app.origin}/agreements/${id}/edit/period`);
    await checkPage(page, `draft-period-${language}`);
    await page.fill("#period-start", content.period!.start);
    await page.fill("#period-end", content.period!.end);
    await press(page, say.save);
    expect(await statusOf(page, "period")).toBe(say.completed);

    // Money: amounts as people write them, and a row removed again.
    await page.goto(`${app.origin}/agreements/${id}/edit/money`);
    const amounts = language === "sv" ? ["450 000", "450 000,00", "450000"] : ["450,000", "450,000.00", "450000"];
    for (const [index, year] of [2024, 2025, 2026, 2027].entries()) {
      if (index > 0) await press(page, say.addYear);
      await page.fill(`#budget-${index}-year`, String(year));
      await page.fill(`#budget-${index}-amountSek`, amounts[index] ?? "1");
    }
    await press(page, new RegExp(language === "sv" ? "Ta bort År 4" : "Remove Year 4"));
    expect(await page.locator("#budget-3-year").count()).toBe(0);
    expect(await page.inputValue("#budget-1-amountSek")).toBe(amounts[1]);
    await page.fill("#coFinancing-description", content.coFinancing!.description);
    await page.fill("#coFinancing-amountSek", language === "sv" ? "120 000" : "120,000");
    await checkPage(page, `draft-money-${language}`);
    await press(page, say.save);
    expect(await statusOf(page, "money")).toBe(say.completed);

    await page.goto(`${app.origin}/agreements/${id}/edit/follow-up`);
    const requirement = content.reportingRequirements![0]!;
    await page.selectOption("#reportingRequirements-0-kind", requirement.kind);
    await page.fill("#reportingRequirements-0-description", requirement.description);
    await page.fill("#reportingRequirements-0-dueDates", requirement.dueDates.join(", "));
    await checkPage(page, `draft-follow-up-${language}`);
    await press(page, say.save);
    expect(await statusOf(page, "follow-up")).toBe(say.completed);

    await page.goto(`${app.origin}/agreements/${id}/edit/assessment`);
    await page.fill("#procurementAssessment", content.procurementAssessment!);
    await checkPage(page, `draft-assessment-${language}`);
    await press(page, say.save);
    expect(await statusOf(page, "assessment")).toBe(say.completed);
    await checkPage(page, `draft-tasks-complete-${language}`);

    await page.getByRole("button", { name: say.check }).click();
    await page.waitForURL(`${app.origin}/agreements/${id}/check`);
    const answers = await page.locator("main").innerText();
    expect(answers).toContain(title);
    expect(answers).toMatch(language === "sv" ? /2024: 450\s000\skr/ : /2024: SEK\s450,000/);
    expect(await page.getByRole("link", { name: new RegExp(`^${say.change}`) }).count()).toBeGreaterThanOrEqual(13);
    await checkPage(page, `draft-check-${language}`);
    await press(page, say.submit);
    expect(page.url()).toBe(`${app.origin}/agreements/${id}`);

    const proposed = await app.application.agreements.read(editor, id);
    expect(proposed.status).toBe("proposed");
    expect(proposed.budget).toEqual([
      { year: 2024, amountSek: 450_000 },
      { year: 2025, amountSek: 450_000 },
      { year: 2026, amountSek: 450_000 },
    ]);
    expect(proposed.coFinancing).toEqual({ description: content.coFinancing!.description, amountSek: 120_000 });
    expect(proposed.subEfforts!.map((effort) => [effort.name, effort.activityStatus])).toEqual([
      [content.subEfforts![0]!.name, "planned"],
      [content.subEfforts![1]!.name, "started"],
    ]);
    expect(proposed.reportingRequirements).toEqual([{ ...requirement, id: "activity-1" }]);
    expect(proposed.associations).toEqual([{ name: association.name, organisationNumber: association.organisationNumber, contact: { name: association.contact!.name, email: association.contact!.email } }]);
    expectClean(watch);
    await page.context().close();
   }, WHOLE_DRAFT_TIMEOUT_MS);

  it("a section with an invalid date shows the summary, its link moves focus to the field, and nothing typed is lost", async () => {
    const draft = await app.application.agreements.create(editor, { title: `Felaktigt datum (${language})` });
    const page = await newPage(language);
    await signIn(page, app, "editor", `/agreements/${draft.id}/edit/period`);
    const watch = watchPage(page, app.origin);
    await page.fill("#period-start", "2026-02-30");
    await page.fill("#period-end", "2026-12-31");
    await page.fill("#noticePeriodMonths", "3");
    await press(page, say.save);
    expect(await page.title()).toMatch(say.error);
    expect((await focused(page)).className).toBe("error-summary");
    const link = page.locator(".error-summary a");
    expect(await link.allInnerTexts()).toEqual([
      language === "sv"
        ? "Startdatum: Skriv ett datum som finns, som år-månad-dag (till exempel 2026-12-31)"
        : "Start date: Write a real date as year-month-day (for example 2026-12-31)",
    ]);
    expect(await page.locator("#period-start-error").innerText()).toContain(language === "sv" ? "Skriv ett datum som finns" : "Write a real date");
    expect(await page.inputValue("#period-start")).toBe("2026-02-30");
    expect(await page.inputValue("#period-end")).toBe("2026-12-31");
    expect(await page.inputValue("#noticePeriodMonths")).toBe("3");
    await checkPage(page, `draft-period-error-${language}`);
    await link.click();
    expect((await focused(page)).id).toBe("period-start");
    expect((await app.application.agreements.read(editor, draft.id)).period).toBeUndefined();
    expectClean(watch);
    await page.context().close();
  });

  it("a stale save shows what changed next to what was typed, keeps the input, and saves on the second try", async () => {
    const draft = await app.application.agreements.create(editor, { title: `Samtidiga ändringar (${language})`, procurementAssessment: "Första bedömningen" });
    const page = await newPage(language);
    await signIn(page, app, "editor", `/agreements/${draft.id}/edit/assessment`);
    const watch = watchPage(page, app.origin);
    await app.application.agreements.update(editor, { agreementId: draft.id, changes: { procurementAssessment: "Kollegans bedömning" } });
    await page.fill("#procurementAssessment", "Min bedömning");
    await press(page, say.save);
    expect(page.url()).toBe(`${app.origin}/agreements/${draft.id}/edit/assessment`);
    expect(await page.inputValue("#procurementAssessment")).toBe("Min bedömning");
    const comparison = await page.locator(".notification-banner table").innerText();
    expect(comparison).toContain("Kollegans bedömning");
    expect(comparison).toContain("Min bedömning");
    await checkPage(page, `draft-stale-${language}`);
    await press(page, say.save);
    expect((await app.application.agreements.read(editor, draft.id)).procurementAssessment).toBe("Min bedömning");
    expectClean(watch);
    await page.context().close();
  });

  it("submitting a draft without a reporting requirement shows the refusal, linked to the section that needs it", async () => {
    const { reportingRequirements: _none, ...rest } = mammaUnited.content;
    const draft = await app.application.agreements.create(editor, { ...rest, title: `Utan rapportering (${language})` });
    const page = await newPage(language);
    await signIn(page, app, "editor", `/agreements/${draft.id}/check`);
    const watch = watchPage(page, app.origin);
    await press(page, say.submit);
    expect(await page.title()).toMatch(say.error);
    const link = page.locator(".error-summary a");
    expect(await link.allInnerTexts()).toEqual([
      language === "sv"
        ? "Rapporteringskrav: Lägg till minst ett rapporteringskrav: hur föreningen rapporterar om sitt arbete"
        : "Reporting requirements: At least one reporting requirement: how the association reports on its work",
    ]);
    expect(await link.getAttribute("href")).toBe(`/agreements/${draft.id}/edit/follow-up#reportingRequirements-0-kind`);
    await checkPage(page, `draft-check-error-${language}`);
    await link.click();
    await page.waitForURL(`${app.origin}/agreements/${draft.id}/edit/follow-up#reportingRequirements-0-kind`);
    expect((await app.application.agreements.read(editor, draft.id)).status).toBe("draft");
    expectClean(watch);
    await page.context().close();
  });

  it("a renewal starts from a confirmation and lands on the successor's task list, pre-filled a period on", async () => {
    const predecessor = { ...balltorp, id: `balltorp-${language}`, content: { ...balltorp.content, title: `Områdesarbete i Balltorp 2021–2027 (${language})` } };
    for (const changes of replayDemoAgreement(predecessor, new Date("2026-03-01T10:00:00Z"))) await app.store.applyChanges(changes);
    const page = await newPage(language);
    await signIn(page, app, "editor", `/agreements/${predecessor.id}/renew`);
    const watch = watchPage(page, app.origin);
    expect(await page.locator("main").innerText()).toContain(language === "sv" ? "1 oktober 2027" : "1 October 2027");
    await checkPage(page, `draft-renew-${language}`);
    await press(page, say.renew);
    expect(page.url()).toMatch(/\/agreements\/[^/]+\/edit$/);
    const successorId = agreementIdOf(page);
    expect(successorId).not.toBe(predecessor.id);
    expect(await page.locator("h1").innerText()).toContain(`Områdesarbete i Balltorp 2027–2033 (${language})`);
    expect(await statusOf(page, "period")).toBe(say.completed);
    await checkPage(page, `draft-renewal-tasks-${language}`);
    await page.goto(`${app.origin}/agreements/${successorId}/edit/period`);
    expect(await page.inputValue("#period-start")).toBe("2027-10-01");
    expect(await page.inputValue("#period-end")).toBe("2033-09-30");
    const successor = await app.application.agreements.read(editor, successorId);
    expect(successor.renewalOf).toBe(predecessor.id);
    expect(successor.status).toBe("draft");
    expectClean(watch);
    await page.context().close();
  });
});

/** Presses Tab until `reached` says focus is where it should be; fails after a page's worth of presses. */
async function tabTo(page: Page, reached: () => Promise<boolean>) {
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press("Tab");
    if (await reached()) return;
  }
  throw new Error("Tab never reached the element");
}

describe("the draft forms by keyboard", () => {
  it("one section is completed by keyboard alone: tab to each field, type, save with Enter", async () => {
    const draft = await app.application.agreements.create(editor, { title: "Tangentbord" });
    const page = await newPage("sv");
    await signIn(page, app, "editor", `/agreements/${draft.id}/edit`);
    // From the task list: tab to the period section's link and follow it.
    await tabTo(page, async () => (await page.evaluate<string>("document.activeElement.textContent || ''")).trim() === "Period och uppsägning");
    await Promise.all([page.waitForURL(`${app.origin}/agreements/${draft.id}/edit/period`), page.keyboard.press("Enter")]);
    for (const [id, value] of [
      ["period-start", "2025-01-01"],
      ["period-end", "2027-12-31"],
      ["noticePeriodMonths", "6"],
    ] as const) {
      await tabTo(page, async () => (await focused(page)).id === id);
      await page.keyboard.type(value);
    }
    await Promise.all([page.waitForURL(`${app.origin}/agreements/${draft.id}/edit?saved=period`), page.keyboard.press("Enter")]);
    expect(await statusOf(page, "period")).toBe("Klar");
    const saved = await app.application.agreements.read(editor, draft.id);
    expect(saved.period).toEqual({ start: "2025-01-01", end: "2027-12-31" });
    expect(saved.noticePeriodMonths).toBe(6);
    await page.context().close();
  });
});
