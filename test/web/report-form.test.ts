// The association's report form in Chromium, on DynamoDB Local, s3rver and the aws-ses-v2-local mail catcher: the
// whole path from the emailed link to the receipt and a supplement, by mouse and by keyboard alone on a phone-wide
// screen, every page and error state checked with axe-core; the upload without JavaScript, straight to S3, and its
// refusals; and a token, id or upload key that does not open a report never showing another report's data.
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../functions/api/auth/principal";
import { runCommand } from "../../functions/app/commands";
import type { Agreement } from "../../functions/domain/agreement";
import { createSesMailer } from "../../functions/email/sender";
import { caughtEmails, MailCatcherComponent } from "../../functions/local/mail";
import { LocalS3Component } from "../../functions/local/s3";
import { createS3Attachments } from "../../functions/store/attachments";
import { messagesFor } from "../../web/i18n/catalogue";
import { fileSize } from "../../web/pages/report-answers";
import { approval, mammaUnitedContent, workflow } from "../support/agreements";
import { axeViolations, screenshot, signIn, startPageTestApp, watchPage, type PageTestApp } from "../support/browser";
import { openLinkFromMailView } from "../support/mail-view";

/** A whole path in a browser takes minutes on a busy shared machine; nothing here is timed. */
const BROWSER_TEST_TIMEOUT = 300_000;
const PDF_PATH = path.resolve("test/fixtures/attachments/verksamhetsberattelse.pdf");
const { t } = messagesFor("sv");

let app: PageTestApp;
let mailUrl = "";
let s3Endpoint = "";
let s3Client: S3Client;

beforeAll(async () => {
  app = await startPageTestApp({
    emulators: async (origin) => {
      const directory = await mkdtemp(path.join(tmpdir(), "iop-report-form-"));
      const s3 = new LocalS3Component({ directory, bucket: "attachments", allowedOrigin: origin, resetOnClose: true });
      const mail = new MailCatcherComponent({ port: 0, host: "127.0.0.1" });
      await s3.start();
      await mail.start();
      mailUrl = mail.url;
      s3Endpoint = s3.endpoint;
      s3Client = s3.createClient();
      return {
        reporting: {
          attachments: createS3Attachments({ client: s3.createClient(), bucket: s3.bucket }),
          mailer: createSesMailer({ ...mail.sesConnection(), from: "iop-noreply@example.se" }),
        },
        uploadOrigin: s3.endpoint,
        async stop() {
          s3Client.destroy();
          await s3.stop();
          await mail.stop();
          await rm(directory, { recursive: true, force: true });
        },
      };
    },
  });
});
afterAll(() => app?.stop());

/** The objects the local S3 holds under the prefix, by key and size. */
async function storedObjects(prefix: string): Promise<{ key: string; size: number }[]> {
  const listed = await s3Client.send(new ListObjectsV2Command({ Bucket: "attachments", Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => ({ key: object.Key ?? "", size: object.Size ?? 0 }));
}

/** A PDF of exactly `bytes` bytes: the fixture's header and trailer around comment lines that pad it. */
function largePdf(bytes: number): Buffer {
  const fixture = readFileSync(PDF_PATH);
  const headerEnd = fixture.indexOf(0x0a) + 1;
  const padding = Buffer.alloc(bytes - fixture.byteLength, "%".padEnd(63, " ") + "\n");
  padding[padding.byteLength - 1] = 0x0a;
  return Buffer.concat([fixture.subarray(0, headerEnd), padding, fixture.subarray(headerEnd)]);
}

async function api(target: string, { method = "GET", as, body }: { method?: string; as?: Role; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(as === undefined ? {} : await app.auth.bearer(as)), ...(body === undefined ? {} : { "Content-Type": "application/json" }) };
  return fetch(`${app.origin}${target}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** An approved, active Mamma United agreement with this title: reports due 2026-03-31 under "verksamhet". */
async function activeAgreement(title: string): Promise<Agreement> {
  const { id } = (await (await api("/api/agreements", { method: "POST", as: "editor", body: { ...mammaUnitedContent(), title } })).json()) as Agreement;
  await api(`/api/agreements/${id}/submit`, { method: "POST", as: "editor" });
  await api(`/api/agreements/${id}/decision`, { method: "POST", as: "registrar", body: approval });
  return (await runCommand(app.ports.store, { agreementId: id, command: { type: "activate" }, actor: workflow, now: app.ports.clock.now() })).agreement;
}

/** The report link in the latest email the mail catcher holds for the address. */
async function linkMailedTo(address: string): Promise<string> {
  const emails = (await caughtEmails(mailUrl)).filter((email) => email.destination.to.includes(address));
  const link = new RegExp(`${app.origin}/report/[A-Za-z0-9_-]{43}`).exec(emails.at(-1)?.body.text ?? "")?.[0];
  if (link === undefined) throw new Error(`No report link mailed to ${address}`);
  return link;
}

async function subjectsMailedTo(address: string): Promise<string[]> {
  return (await caughtEmails(mailUrl)).filter((email) => email.destination.to.includes(address)).map((email) => email.subject);
}

/** Staff invite the contact to the 2026-03-31 activity report; the link from the email they got. */
async function invite(agreement: Agreement, email: string): Promise<string> {
  const response = await api(`/api/agreements/${agreement.id}/invitations`, { method: "POST", as: "editor", body: { requirementId: "verksamhet", dueDate: "2026-03-31", email } });
  expect(response.status).toBe(201);
  return linkMailedTo(email);
}

const REPORT_ID = "2026-03-31_verksamhet";
const reviewAddress = (agreement: Agreement) => `/reports/${REPORT_ID}?agreement=${agreement.id}`;

async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, `report-${name}`);
  expect(await axeViolations(page), name).toEqual([]);
}

/** Runs what leads to a new page (a click, a key) and waits for that page to load. */
async function loads(page: Page, action: () => Promise<unknown>): Promise<void> {
  await Promise.all([page.waitForEvent("load"), action()]);
}

/** A browser whose person reads Swedish, the form's default language. */
const swedishContext = (options: BrowserContextOptions = {}) => app.browser.newContext({ locale: "sv-SE", ...options });

const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

describe("the association's report, by mouse", () => {
  it("goes from the emailed link through a saved draft, an attachment and a supplement to two versions", async () => {
    const agreement = await activeAgreement("Formulär: Mamma United");
    const contact = "kassor@formular.example.se";
    const firstLink = await invite(agreement, contact);
    // The association opens the invitation in the mail catcher's own web view and clicks its link.
    const context = await swedishContext();
    const page = await openLinkFromMailView(context, mailUrl, { to: contact, subject: "Dags att lämna rapport: Formulär: Mamma United", link: "Öppna rapportformuläret" });
    expect(page.url()).toBe(firstLink);
    const watch = watchPage(page, app.origin, [s3Endpoint]);

    expect((await page.locator("h1").innerText()).trim()).toBe("Verksamhetsrapport för Formulär: Mamma United");
    expect(await page.locator(".summary-list").innerText()).toContain("31 mars 2026");
    expect(await page.locator(".summary-list").innerText()).toContain("Eva Handläggare");
    await expectAccessible(page, "start");

    await loads(page, () => button(page, t("report.start.begin")).click());
    await expectAccessible(page, "activities");
    await page.fill("#activities-0-description", "Språkcafé varje tisdag i Bäckby");
    await loads(page, () => button(page, t("report.activities.add")).click());
    expect(await page.locator("#activities-0-description").inputValue()).toBe("Språkcafé varje tisdag i Bäckby");
    await page.fill("#activities-1-description", "Föräldragrupper med 8 träffar");
    await loads(page, () => button(page, t("report.step.next")).click());

    expect(new URL(page.url()).pathname).toMatch(/\/people$/);
    await expectAccessible(page, "people");
    await page.fill("#peopleReached", "214");
    await loads(page, () => button(page, t("report.step.next")).click());
    await expectAccessible(page, "outcomes");
    await page.fill("#outcomes-0-goal", "Fler mammor i arbete eller studier");
    await page.fill("#outcomes-0-outcome", "17 deltagare började studera eller fick arbete");
    await loads(page, () => button(page, t("report.step.next")).click());
    await expectAccessible(page, "money");
    await page.fill("#money-receivedSek", "450 000");
    await page.fill("#money-spentSek", "431 250,00");
    await loads(page, () => button(page, t("report.step.later")).click());
    expect(await page.locator(".notification-banner--success").innerText()).toContain(t("report.start.saved"));

    // Leave, and come back through the same link in a fresh browser.
    await context.close();
    const again = await swedishContext();
    let back = await again.newPage();
    let backWatch = watchPage(back, app.origin, [s3Endpoint]);
    await back.goto(firstLink);
    await loads(back, () => button(back, t("report.start.continue")).click());
    expect(await back.locator("#activities-1-description").inputValue()).toBe("Föräldragrupper med 8 träffar");
    await loads(back, () => button(back, t("report.step.next")).click());
    expect(await back.locator("#peopleReached").inputValue()).toBe("214");
    await loads(back, () => button(back, t("report.step.next")).click());
    await loads(back, () => button(back, t("report.step.next")).click());
    expect(await back.locator("#money-receivedSek").inputValue()).toBe("450 000");
    expect(await back.locator("#money-spentSek").inputValue()).toBe("431 250");
    await loads(back, () => button(back, t("report.step.next")).click());
    await expectAccessible(back, "comments");
    await loads(back, () => button(back, t("report.step.next")).click());

    // The attachment goes straight to the local S3, and the progress bar shows while it does.
    await expectAccessible(back, "attachments");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await back.route(`${s3Endpoint}/**`, async (route) => {
      if (route.request().method() === "PUT") await held;
      await route.continue();
    });
    await back.setInputFiles("#file", PDF_PATH);
    await button(back, t("report.attachments.upload")).click();
    await back.locator(".upload-progress").waitFor({ state: "visible" });
    expect((await back.locator(".upload-status").innerText()).trim()).toBe("Laddar upp verksamhetsberattelse.pdf …");
    await expectAccessible(back, "attachments-uploading");
    await loads(back, async () => release());
    expect(await back.locator(".notification-banner--success").innerText()).toContain("verksamhetsberattelse.pdf");
    expect(await back.locator("table").innerText()).toContain("verksamhetsberattelse.pdf");
    expect(await back.locator("table").innerText()).toContain("5,7 kB");

    await loads(back, () => button(back, t("report.attachments.continue")).click());
    await expectAccessible(back, "check");
    const check = (await back.locator("main").innerText()).replace(/[\u00a0\u202f]/g, " ");
    for (const answer of ["Språkcafé varje tisdag i Bäckby", "214", "450 000 kr", "431 250 kr", "verksamhetsberattelse.pdf"]) expect(check).toContain(answer);
    await loads(back, () => button(back, t("report.check.send")).click());

    expect(new URL(back.url()).pathname).toMatch(/\/receipt$/);
    await expectAccessible(back, "receipt");
    expect(await back.locator(".panel").innerText()).toContain(`${agreement.id}/${REPORT_ID}/1`);
    expect(await back.locator("button[data-print]").isVisible()).toBe(true);
    expect(await subjectsMailedTo(contact)).toContain("Vi har tagit emot er rapport: Formulär: Mamma United");

    // The officer asks for a supplement on the report's page.
    const officer = await (await swedishContext()).newPage();
    await signIn(officer, app, "editor", reviewAddress(agreement));
    await expectAccessible(officer, "review");
    expect((await officer.locator("h3").allInnerTexts()).map((text) => text.trim())).toEqual(["Version 1 (senaste)"]);
    await officer.getByLabel(t("review.outcome.supplement-requested")).check();
    await officer.fill("#comment", "Lägg till antalet deltagare per träff.");
    await loads(officer, () => button(officer, t("review.send")).click());
    expect(await officer.locator(".notification-banner--success").innerText()).toContain(t("review.saved.supplement-requested"));
    await expectAccessible(officer, "review-sent");

    // The new link opens the form with the comment at the top and the last version filled in; the old one stops.
    const secondLink = await linkMailedTo(contact);
    expect(secondLink).not.toBe(firstLink);
    expect(backWatch.elsewhere).toEqual([]);
    expect(backWatch.problems).toEqual([]);
    await back.close();
    const fromMail = await openLinkFromMailView(again, mailUrl, { to: contact, subject: "Komplettering behövs: Formulär: Mamma United", link: "Öppna rapportformuläret" });
    expect(fromMail.url()).toBe(secondLink);
    back = fromMail;
    backWatch = watchPage(back, app.origin, [s3Endpoint]);
    expect(await back.locator(".notification-banner").innerText()).toContain("Lägg till antalet deltagare per träff.");
    await expectAccessible(back, "supplement-start");
    await loads(back, () => button(back, t("report.start.continue")).click());
    expect(await back.locator(".notification-banner").innerText()).toContain("Lägg till antalet deltagare per träff.");
    await loads(back, () => button(back, t("report.step.next")).click());
    await back.fill("#peopleReached", "230");
    await loads(back, () => button(back, t("report.step.next")).click());
    await back.goto(`${secondLink}/check`);
    await loads(back, () => button(back, t("report.check.send")).click());
    expect(await back.locator(".panel").innerText()).toContain(`${agreement.id}/${REPORT_ID}/2`);

    const old = await back.goto(firstLink);
    expect(old?.status()).toBe(404);
    expect((await back.locator("h1").innerText()).trim()).toBe(t("report.link.title"));

    await loads(officer, () => officer.goto(`${app.origin}${reviewAddress(agreement)}`));
    expect((await officer.locator("h3").allInnerTexts()).map((text) => text.trim())).toEqual(["Version 2 (senaste)", "Version 1"]);
    const versions = await officer.locator(".report-version").allInnerTexts();
    expect(versions[0]).toContain("230");
    expect(versions[1]).toContain("214");
    expect(watch.elsewhere).toEqual([]);
    expect(backWatch.elsewhere).toEqual([]);
    expect(backWatch.problems).toEqual([]);
  }, BROWSER_TEST_TIMEOUT);
});

/** Presses Tab until the focused element matches `selector`. */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < 80; presses++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate<boolean>(`document.activeElement !== null && document.activeElement.matches(${JSON.stringify(selector)})`)) return;
  }
  throw new Error(`Tab never reached ${selector} on ${page.url()}`);
}

async function fitsTheScreen(page: Page): Promise<void> {
  expect(await page.evaluate<number>("document.documentElement.scrollWidth"), page.url()).toBeLessThanOrEqual(360);
}

describe("the same path by keyboard alone, 360 px wide", () => {
  it("is completed with Tab, typing, Enter, Space and the arrow keys", async () => {
    const agreement = await activeAgreement("Tangentbord: Mamma United");
    const contact = "kassor@tangentbord.example.se";
    const context: BrowserContext = await swedishContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(await invite(agreement, contact));
    await fitsTheScreen(page);

    const nextStep = async () => {
      await tabTo(page, `button[value="next"]`);
      await loads(page, () => page.keyboard.press("Enter"));
      await fitsTheScreen(page);
      expect(await axeViolations(page), page.url()).toEqual([]);
    };
    await tabTo(page, "main a.button");
    await loads(page, () => page.keyboard.press("Enter"));
    await tabTo(page, "#activities-0-description");
    await page.keyboard.type("Läxhjälp två kvällar i veckan");
    await nextStep();
    await tabTo(page, "#peopleReached");
    await page.keyboard.type("40");
    await nextStep();
    await tabTo(page, "#outcomes-0-goal");
    await page.keyboard.type("Bättre skolresultat");
    await tabTo(page, "#outcomes-0-outcome");
    await page.keyboard.type("Alla deltagare klarade årskursen");
    await nextStep();
    await tabTo(page, "#money-receivedSek");
    await page.keyboard.type("12 500");
    await tabTo(page, "#money-spentSek");
    await page.keyboard.type("12 500,00");
    await nextStep();
    await nextStep();

    // The file input opens the file chooser from the keyboard; the upload then goes straight to S3.
    await tabTo(page, "#file");
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Space")]);
    await chooser.setFiles(PDF_PATH);
    await tabTo(page, ".upload-form button");
    await Promise.all([page.waitForURL(/added=/), page.keyboard.press("Enter")]);
    expect(await page.locator("table").innerText()).toContain("verksamhetsberattelse.pdf");
    await fitsTheScreen(page);
    await tabTo(page, `main a.button[href$="/check"]`);
    await loads(page, () => page.keyboard.press("Enter"));
    await fitsTheScreen(page);
    await tabTo(page, `form[action$="/submit"] button`);
    await loads(page, () => page.keyboard.press("Enter"));
    expect(await page.locator(".panel").innerText()).toContain(`${agreement.id}/${REPORT_ID}/1`);
    await fitsTheScreen(page);

    // The officer, by keyboard too, on the same narrow screen.
    const officer = await (await swedishContext({ viewport: { width: 360, height: 740 } })).newPage();
    await signIn(officer, app, "editor", reviewAddress(agreement));
    await tabTo(officer, "#outcome");
    await officer.keyboard.press("ArrowDown");
    expect(await officer.locator("#outcome-2").isChecked()).toBe(true);
    await tabTo(officer, "#comment");
    await officer.keyboard.type("Skriv hur många som deltog varje vecka.");
    await tabTo(officer, `form[action*="/review"] button`);
    await loads(officer, () => officer.keyboard.press("Enter"));
    expect(await officer.locator(".notification-banner--success").isVisible()).toBe(true);

    await page.goto(await linkMailedTo(contact));
    expect(await page.locator(".notification-banner").innerText()).toContain("Skriv hur många som deltog varje vecka.");
    await tabTo(page, "main a.button");
    await loads(page, () => page.keyboard.press("Enter"));
    await nextStep();
    await tabTo(page, "#peopleReached");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("44");
    for (let step = 0; step < 4; step++) await nextStep();
    await tabTo(page, `main a.button[href$="/check"]`);
    await loads(page, () => page.keyboard.press("Enter"));
    await tabTo(page, `form[action$="/submit"] button`);
    await loads(page, () => page.keyboard.press("Enter"));
    expect(await page.locator(".panel").innerText()).toContain(`${agreement.id}/${REPORT_ID}/2`);

    await loads(officer, () => officer.goto(`${app.origin}${reviewAddress(agreement)}`));
    expect((await officer.locator("h3").allInnerTexts()).map((text) => text.trim())).toEqual(["Version 2 (senaste)", "Version 1"]);
    await context.close();
  }, BROWSER_TEST_TIMEOUT);
});

describe("errors and refusals", () => {
  it("keep what was typed, say what is wrong with the GOV.UK patterns, and pass axe", async () => {
    const agreement = await activeAgreement("Fel: Mamma United");
    const contact = "kassor@fel.example.se";
    const reportLink = await invite(agreement, contact);
    const page = await (await swedishContext()).newPage();

    await page.goto(`${reportLink}/money`);
    await page.fill("#money-receivedSek", "tolv tusen");
    await page.fill("#money-spentSek", "12 500,50");
    await loads(page, () => button(page, t("report.step.next")).click());
    expect(await page.title()).toMatch(/^Fel: /);
    expect((await page.locator(".error-summary a").allInnerTexts()).map((text) => text.trim())).toEqual([
      `${t("report.money.received")}: ${t("report.money.notAmount")}`,
      `${t("report.money.spent")}: ${t("report.money.wholeKronor")}`,
    ]);
    expect(await page.locator("#money-receivedSek").inputValue()).toBe("tolv tusen");
    expect(await page.locator("#money-spentSek").inputValue()).toBe("12 500,50");
    await expectAccessible(page, "money-errors");

    // Only one of the pair: the domain says the other is needed, and the one typed stays.
    await page.fill("#money-receivedSek", "12 500");
    await page.fill("#money-spentSek", "");
    await loads(page, () => button(page, t("report.step.next")).click());
    expect(await page.locator("#money-spentSek-error").innerText()).toContain(t("validation.required"));
    expect(await page.locator("#money-receivedSek").inputValue()).toBe("12 500");

    await page.goto(`${reportLink}/check`);
    await loads(page, () => button(page, t("report.check.send")).click());
    expect(await page.title()).toMatch(/^Fel: /);
    expect(await page.locator(".error-summary a").first().getAttribute("href")).toMatch(/\/activities$/);
    await expectAccessible(page, "check-errors");

    // Typed on a step while the report was sent from another window: kept, and told.
    await page.goto(`${reportLink}/comments`);
    await page.fill("#comments", "Tack för ett bra år.");
    const other = await (await swedishContext()).newPage();
    for (const [step, fill] of [
      ["activities", ["#activities-0-description", "Läxhjälp"]],
      ["people", ["#peopleReached", "12"]],
      ["outcomes", ["#outcomes-0-goal", "Mål"]],
    ] as const) {
      await other.goto(`${reportLink}/${step}`);
      await other.fill(fill[0], fill[1]);
      if (step === "outcomes") await other.fill("#outcomes-0-outcome", "Resultat");
      await loads(other, () => button(other, t("report.step.next")).click());
    }
    await other.goto(`${reportLink}/money`);
    await other.fill("#money-receivedSek", "100");
    await other.fill("#money-spentSek", "100");
    await loads(other, () => button(other, t("report.step.next")).click());
    await other.goto(`${reportLink}/check`);
    await loads(other, () => button(other, t("report.check.send")).click());
    await loads(page, () => button(page, t("report.step.next")).click());
    expect(await page.locator(".notification-banner").innerText()).toContain(t("report.step.closed"));
    expect(await page.locator("#comments").inputValue()).toBe("Tack för ett bra år.");
    await expectAccessible(page, "step-closed");

    // A link that does not work: a page, not JSON, with the fresh-link form.
    const missing = await page.goto(`${app.origin}/report/${"A".repeat(43)}`);
    expect(missing?.status()).toBe(404);
    expect(missing?.headers()["content-type"]).toMatch(/^text\/html/);
    await expectAccessible(page, "link-not-working");
    await page.fill("#email", "inte en adress");
    await loads(page, () => button(page, t("report.link.send")).click());
    expect(await page.locator("#email-error").innerText()).toContain(t("validation.invalidEmail"));
    expect(await page.locator("#email").inputValue()).toBe("inte en adress");
    await expectAccessible(page, "link-not-working-error");

    // The same answer for a known and an unknown address, sent after the answer; then the per-address limit.
    for (const address of [contact, "okand@example.se"]) {
      await page.fill("#email", address);
      await loads(page, () => button(page, t("report.link.send")).click());
      expect(await page.locator(".notification-banner--success").innerText()).toContain(t("report.link.sent"));
    }
    await expect.poll(async () => (await subjectsMailedTo(contact)).length).toBe(2);
    for (let request = 0; request < 3; request++) {
      await page.fill("#email", "okand@example.se");
      await loads(page, () => button(page, t("report.link.send")).click());
    }
    expect(await page.locator("#email-error").innerText()).toContain("Vänta");
    await expectAccessible(page, "link-rate-limited");
  }, BROWSER_TEST_TIMEOUT);

  it("two saves of the same step at the same moment: the second is shown what changed, keeps what it typed, and saves on the second try", async () => {
    const agreement = await activeAgreement("Samtidigt: Mamma United");
    const reportLink = await invite(agreement, "kassor@samtidigt.example.se");
    // Two tabs on the same link, both showing the step at the same version of the report.
    const context = await swedishContext();
    const [first, second, leftOpen] = [await context.newPage(), await context.newPage(), await context.newPage()];
    await leftOpen.goto(`${reportLink}/people`);
    for (const [tab, people] of [[first, "214"], [second, "230"]] as const) {
      await tab.goto(`${reportLink}/people`);
      await tab.fill("#peopleReached", people);
    }
    expect(await first.locator("input[name=version]").inputValue()).toBe(await second.locator("input[name=version]").inputValue());

    // Both saved at once: one is saved, the other is refused, whichever the server took first.
    await Promise.all([first, second].map((tab) => loads(tab, () => button(tab, t("report.step.next")).click())));
    const refused = await Promise.all([first, second].map(async (tab) => (await tab.locator(".notification-banner table").count()) === 1));
    expect(refused.filter(Boolean)).toHaveLength(1);
    const [winner, loser, saved, typed] = refused[0] ? [second, first, "230", "214"] : [first, second, "214", "230"];
    expect(new URL(winner.url()).pathname).toMatch(/\/outcomes$/);

    // The refused tab: still the step, what it typed still in the field, what is saved now beside it.
    expect(new URL(loser.url()).pathname).toMatch(/\/people$/);
    expect(await loser.locator("#peopleReached").inputValue()).toBe(typed);
    expect(await loser.locator(".notification-banner").innerText()).toContain(t("report.stale.title"));
    const rows = await loser.locator(".notification-banner table tbody tr").allInnerTexts();
    expect(rows.map((row) => row.split("\t").map((cell) => cell.trim()))).toEqual([[t("report.people.title"), saved, typed]]);
    await expectAccessible(loser, "step-stale");

    // Saving again is a decision made knowing what changed: it is saved.
    await loads(loser, () => button(loser, t("report.step.next")).click());
    expect(new URL(loser.url()).pathname).toMatch(/\/outcomes$/);
    await loser.goto(`${reportLink}/people`);
    expect(await loser.locator("#peopleReached").inputValue()).toBe(typed);

    // A tab left open on an older version is refused as well, even when it saves long after.
    await leftOpen.fill("#peopleReached", "999");
    await loads(leftOpen, () => button(leftOpen, t("report.step.next")).click());
    expect(await leftOpen.locator("#peopleReached").inputValue()).toBe("999");
    expect(await leftOpen.locator(".notification-banner table").innerText()).toContain(typed);
    await context.close();
  }, BROWSER_TEST_TIMEOUT);

  it("without JavaScript post a file straight to S3, over Lambda's 6 MB, and refuse what is not what it says without clearing anything", async () => {
    const agreement = await activeAgreement("Utan skript: Mamma United");
    const reportLink = await invite(agreement, "kassor@utanskript.example.se");
    const page = await (await swedishContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${reportLink}/people`);
    await page.fill("#peopleReached", "31");
    await loads(page, () => button(page, t("report.step.next")).click());

    // Every request the browser makes.
    const sent: { method: string; url: string }[] = [];
    page.on("request", (request) => sent.push({ method: request.method(), url: request.url() }));

    await page.goto(`${reportLink}/attachments`);
    const form = page.locator("form.upload-form");
    expect(await form.getAttribute("action")).toBe(`${s3Endpoint}/attachments`);
    // pending/form/<the report>/<this form>/${filename}: what this report's uploads leave pending is under the first three.
    const pendingOfReport = (await form.locator("input[name=key]").inputValue()).split("/").slice(0, 3).join("/") + "/";
    expect(await page.locator("#file-hint").innerText()).toContain("25 MB");
    const large = largePdf(7 * 1024 * 1024);
    await page.setInputFiles("#file", { name: "Årsberättelse 2025.pdf", mimeType: "application/pdf", buffer: large });
    sent.length = 0;
    await loads(page, () => button(page, t("report.attachments.upload")).click());

    // The one post, the file's, went to S3; the app only saw GETs: S3 sending the browser back with the key, the page.
    expect(sent.filter((request) => request.method !== "GET")).toEqual([{ method: "POST", url: `${s3Endpoint}/attachments` }]);
    expect(sent.map((request) => new URL(request.url).pathname).filter((pathname) => pathname.startsWith("/report/"))).toEqual([
      `${new URL(reportLink).pathname}/attachments/uploaded`,
      `${new URL(reportLink).pathname}/attachments`,
    ]);
    expect(new URL(page.url()).pathname).toMatch(/\/attachments$/);
    expect(await page.locator(".notification-banner--success").innerText()).toContain(t("report.attachments.added", { name: "Årsberättelse 2025.pdf" }));
    const row = (await page.locator("table tbody tr").allInnerTexts()).map((text) => text.split("\t").map((cell) => cell.trim()));
    expect(row[0]?.slice(0, 2)).toEqual(["Årsberättelse 2025.pdf", fileSize(large.byteLength, messagesFor("sv"))]);
    // Kept out of the pending uploads, under a key of its own, with every byte.
    const kept = await storedObjects("attachments/");
    expect(kept.filter((object) => object.size === large.byteLength)).toHaveLength(1);
    expect(await storedObjects(pendingOfReport)).toEqual([]);

    const refusals = [
      [{ name: "anteckningar.txt", mimeType: "text/plain", buffer: Buffer.from("Hej") }, t("report.attachments.refused.type")],
      [{ name: "falsk.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n<html><script>alert(1)</script>") }, t("report.attachments.refused.content")],
      [{ name: "tom.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(0) }, t("report.attachments.refused.empty")],
    ] as const;
    for (const [file, message] of refusals) {
      await page.setInputFiles("#file", file);
      await loads(page, () => button(page, t("report.attachments.upload")).click());
      expect(await page.title()).toMatch(/^Fel: /);
      expect(await page.locator(".error-summary a").innerText()).toContain(message);
      expect(await page.locator("#file-error").innerText()).toContain(message);
      expect(await page.locator("table").innerText()).toContain("Årsberättelse 2025.pdf");
      expect(await page.locator("table").innerText()).not.toContain(file.name);
    }
    // Refused files are deleted, not left behind.
    expect(await storedObjects(pendingOfReport)).toEqual([]);
    await loads(page, () => button(page, t("report.attachments.upload")).click());
    expect(await page.locator("#file-error").innerText()).toContain(t("report.attachments.refused.missing"));

    // axe needs the page's JavaScript: the step and the refusal, at the addresses the post came back to.
    const withScript = await (await swedishContext()).newPage();
    await withScript.goto(`${reportLink}/attachments`);
    await expectAccessible(withScript, "attachments-no-script-step");
    await withScript.goto(page.url());
    expect(await withScript.locator("#file-error").innerText()).toContain(t("report.attachments.refused.missing"));
    await withScript.goto(`${reportLink}/attachments?refused=content`);
    expect(await withScript.locator("#file-error").innerText()).toContain(t("report.attachments.refused.content"));
    await expectAccessible(withScript, "attachments-refused");

    await loads(page, () => page.getByRole("button", { name: /Ta bort Årsberättelse 2025\.pdf/ }).click());
    expect(await page.locator(".notification-banner--success").innerText()).toContain(t("report.attachments.removed"));
    expect(await page.locator("main").innerText()).toContain(t("report.attachments.none"));
    await page.goto(`${reportLink}/people`);
    expect(await page.locator("#peopleReached").inputValue()).toBe("31");
  }, BROWSER_TEST_TIMEOUT);
});

describe("a link reaches its own report only", () => {
  it("answers a swapped token, attachment id or upload key in any form post or upload return with the page for a link that does not work", async () => {
    const ours = await activeAgreement("Vår: Mamma United");
    const theirs = await activeAgreement("Deras: Mamma United");
    const ourLink = await invite(ours, "kassor@var.example.se");
    const theirLink = await invite(theirs, "kassor@deras.example.se");
    const theirToken = theirLink.split("/").at(-1)!;

    // Their report has an answer and an attachment.
    const theirPage = await (await swedishContext({ javaScriptEnabled: false })).newPage();
    await theirPage.goto(`${theirLink}/activities`);
    await theirPage.fill("#activities-0-description", "Hemlig aktivitet hos den andra föreningen");
    await loads(theirPage, () => button(theirPage, t("report.step.next")).click());
    await theirPage.goto(`${theirLink}/attachments`);
    await theirPage.setInputFiles("#file", PDF_PATH);
    await loads(theirPage, () => button(theirPage, t("report.attachments.upload")).click());
    const theirAttachment = /attachments\/([0-9a-f-]{36})\/remove/.exec(await theirPage.content())![1]!;
    // And a file posted with their page's upload form, not yet back at the app: S3 holds it under their key.
    const theirForm = theirPage.locator("form.upload-form");
    const theirFields = new FormData();
    for (const field of await theirForm.locator("input[type=hidden]").all()) theirFields.append((await field.getAttribute("name"))!, await field.inputValue());
    theirFields.append("file", new File([await readFile(PDF_PATH)], "hemlig.pdf"));
    const theirUpload = await fetch((await theirForm.getAttribute("action"))!, { method: "POST", body: theirFields, redirect: "manual" });
    expect(theirUpload.status).toBe(303);
    const theirKey = new URL(theirUpload.headers.get("location")!).searchParams.get("key")!;
    const returnQuery = new URLSearchParams({ bucket: "attachments", key: theirKey }).toString();

    const page = await (await swedishContext()).newPage();
    await page.goto(`${ourLink}/activities`);
    const csrf = await page.locator("input[name=csrf_token]").first().inputValue();
    const ourToken = ourLink.split("/").at(-1)!;
    const altered = `${ourToken.slice(0, -1)}${ourToken.endsWith("A") ? "B" : "A"}`;
    const post = (target: string, form: Record<string, string> = {}) =>
      page.request.post(`${app.origin}${target}`, { form: { csrf_token: csrf, ...form }, headers: { Origin: app.origin }, maxRedirects: 0 });

    const attempts = [
      post(`/report/${ourToken}/attachments/${theirAttachment}/remove`),
      post(`/report/${altered}/activities`, { "activities.0.description": "Skrivet med fel länk", action: "next" }),
      post(`/report/${altered}/attachments/${theirAttachment}/remove`),
      post(`/report/${altered}/submit`),
      post(`/report/${ourToken}/attachments/not-an-id/remove`),
      post(`/report/${"x".repeat(43)}/people`, { peopleReached: "3" }),
      // Where S3 sends the browser after an upload: the key must be one of the token's report's uploads.
      page.request.get(`${app.origin}/report/${ourToken}/attachments/uploaded?${returnQuery}`, { maxRedirects: 0 }),
      page.request.get(`${app.origin}/report/${altered}/attachments/uploaded?${returnQuery}`, { maxRedirects: 0 }),
      page.request.get(`${app.origin}/report/${ourToken}/attachments/uploaded?key=pending%2F${theirAttachment}`, { maxRedirects: 0 }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status()).toBe(404);
      const html = await response.text();
      expect(html).toContain(`<h1>${t("report.link.title")}</h1>`);
      for (const secret of ["Deras: Mamma United", "Hemlig aktivitet", "verksamhetsberattelse.pdf", theirToken]) expect(html).not.toContain(secret);
    }
    await theirPage.goto(`${theirLink}/attachments`);
    expect(await theirPage.locator("table").innerText()).toContain("verksamhetsberattelse.pdf");
    expect(await theirPage.locator("table").innerText()).not.toContain("hemlig.pdf");
    expect(await storedObjects(theirKey)).toHaveLength(1);
    await theirPage.goto(`${theirLink}/activities`);
    expect(await theirPage.locator("#activities-0-description").inputValue()).toBe("Hemlig aktivitet hos den andra föreningen");
    await expectAccessible(page, "swapped");
    await page.goto(`${ourLink}/attachments`);
    expect(await page.locator("main").innerText()).toContain(t("report.attachments.none"));
    expect(await readFile(PDF_PATH)).toBeTruthy();
  }, BROWSER_TEST_TIMEOUT);
});
