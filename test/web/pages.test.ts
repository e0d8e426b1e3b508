// The pages of the web frame in Chromium, in Swedish and English: accessible (axe-core, zero violations), under
// the app's CSP with nothing fetched from elsewhere, within the weight budget, usable by keyboard, and with the
// GOV.UK error pattern on a real form. Screenshots go to test-output/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANGUAGES, type Language } from "../../web/i18n/catalogue";
import { checkPage, focused, newPageIn, signIn, startPageTestApp, watchPage, type PageTestApp } from "../support/browser";

let app: PageTestApp;
beforeAll(async () => {
  app = await startPageTestApp();
});
afterAll(() => app?.stop());

/** A fresh browser context in a language, as a person whose browser asks for it. */
const newPage = (language: Language) => newPageIn(app, language);

describe.each(LANGUAGES)("the pages in %s", (language) => {
  const other = language === "sv" ? "en" : "sv";

  it("the sign-in landing, the help page and the accessibility statement pass axe, under the CSP, within budget", async () => {
    const page = await newPage(language);
    const watch = watchPage(page, app.origin);
    for (const [name, path] of [
      ["sign-in", "/"],
      ["help", "/help"],
      ["reminder-dates", "/help/reminder-dates"],
      ["accessibility", "/accessibility"],
    ] as const) {
      const response = await page.goto(`${app.origin}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await page.getAttribute("html", "lang")).toBe(language);
      await checkPage(page, `${name}-${language}`);
    }
    expect(watch.elsewhere).toEqual([]);
    expect(watch.problems).toEqual([]);
    await page.context().close();
  });

  it("the signed-in start page shows the person and role, passes axe, and signs out through its form", async () => {
    const page = await newPage(language);
    await signIn(page, app, "editor");
    const watch = watchPage(page, app.origin);
    await page.goto(`${app.origin}/`);
    expect(await page.locator("header").innerText()).toContain(language === "sv" ? "handläggare" : "case officer");
    await checkPage(page, `start-${language}`);
    await page.getByRole("button", { name: language === "sv" ? "Logga ut" : "Sign out" }).click();
    await page.waitForURL(`${app.origin}/`);
    expect(await page.locator("h1").innerText()).toBe(language === "sv" ? "IOP-avtal" : "IOP agreements");
    expect(await page.locator("header form").count()).toBe(0);
    expect(watch.elsewhere).toEqual([]);
    expect(watch.problems).toEqual([]);
    await page.context().close();
  });

  it("the reminder-dates form shows errors the GOV.UK way: title prefix, summary focused, links move focus, input kept", async () => {
    const page = await newPage(language);
    const watch = watchPage(page, app.origin);
    await page.goto(`${app.origin}/help/reminder-dates`);
    await page.fill("#noticeMonths", "tre");
    await page.locator("#noticeMonths").press("Enter");
    await page.waitForSelector(".error-summary");
    expect(await page.title()).toMatch(language === "sv" ? /^Fel: / : /^Error: /);
    expect((await focused(page)).className).toBe("error-summary");
    const links = page.locator(".error-summary a");
    expect(await links.allInnerTexts()).toEqual(
      language === "sv"
        ? ["Avtalets slutdatum: Obligatoriskt", "Uppsägningstid i månader: Skriv ett tal"]
        : ["End date of the agreement: Required", "Notice period in months: Write a number"],
    );
    expect(await page.locator("#endDate-error").innerText()).toContain(language === "sv" ? "Obligatoriskt" : "Required");
    expect(await page.inputValue("#noticeMonths")).toBe("tre");
    await checkPage(page, `reminder-dates-errors-${language}`);
    await links.nth(1).click();
    expect((await focused(page)).id).toBe("noticeMonths");
    await links.nth(0).focus();
    await page.keyboard.press("Enter");
    expect((await focused(page)).id).toBe("endDate");

    await page.fill("#endDate", "2026-12-31");
    await page.fill("#noticeMonths", "6");
    await page.locator("#endDate").press("Enter");
    await page.waitForSelector("table");
    expect(await page.title()).not.toMatch(/^(Fel|Error): /);
    const dates = await page.locator("table tbody td:nth-child(2)").allInnerTexts();
    expect(dates).toEqual(
      language === "sv"
        ? ["31 maj 2026", "4 juli 2026", "2 oktober 2026", "1 december 2026"]
        : ["31 May 2026", "4 July 2026", "2 October 2026", "1 December 2026"],
    );
    expect(watch.elsewhere).toEqual([]);
    expect(watch.problems).toEqual([]);
    await page.context().close();
  });

  it(`switches to ${other} on the same page, and keeps the choice on the next page`, async () => {
    const page = await newPage(language);
    await page.goto(`${app.origin}/help`);
    await page.locator(`header a[hreflang=${other}]`).click();
    await page.waitForURL(`${app.origin}/help?lang=${other}`);
    expect(await page.getAttribute("html", "lang")).toBe(other);
    await page.locator("footer a[href='/accessibility']").click();
    await page.waitForURL(`${app.origin}/accessibility`);
    expect(await page.getAttribute("html", "lang")).toBe(other);
    await page.context().close();
  });
});

describe("by keyboard", () => {
  it("the first Tab shows the skip link, which moves focus to the main content; focus is always visible", async () => {
    const page = await newPage("sv");
    await page.goto(`${app.origin}/help`);
    await page.keyboard.press("Tab");
    const skip = page.locator(".skip-link");
    expect((await focused(page)).className).toBe("skip-link");
    expect(await skip.isVisible()).toBe(true);
    expect((await skip.boundingBox())!.width).toBeGreaterThan(50);
    await page.keyboard.press("Enter");
    expect((await focused(page)).id).toBe("main");

    // From the top, every control reached by Tab looks different when focused: an outline, a shadow or a new
    // background. The walk ends where focus leaves the page.
    await page.goto(`${app.origin}/help/reminder-dates`);
    const seen: string[] = [];
    for (let step = 0; step < 40; step += 1) {
      await page.keyboard.press("Tab");
      const focus = await page.evaluate<{ key: string; focused: string; plain: string } | null>(`(() => {
        const element = document.activeElement;
        if (element === null || element === document.body) return null;
        const look = () => { const s = getComputedStyle(element); return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor].join(" "); };
        const focused = look();
        element.blur();
        const plain = look();
        element.focus();
        return { key: element.tagName + "#" + element.id + ":" + element.textContent.trim().slice(0, 30), focused, plain };
      })()`);
      if (focus === null) break;
      seen.push(focus.key);
      expect(focus.focused, focus.key).not.toBe(focus.plain);
    }
    // Skip link, product, language, the form's two fields and button, the link back, the footer's two links.
    expect(seen).toHaveLength(9);
    await page.context().close();
  });
});
