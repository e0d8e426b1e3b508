// An agreement's whole journey through `npm start` run as a developer runs it, in Chromium: a staff member signs in
// on the local provider's own sign-in page, creates the agreement through the task list (every section), checks the
// answers and sends it for decision; the registrar records the approval; the local clock moves so the agreement
// comes into force and its first reminder falls due; the agreement's page shows it active, its timeline each step
// with who took it, and the reminder arrives in the mail catcher's own web view, whose link opens this page.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../functions/local/ports";
import { mammaUnited } from "../../functions/local/demo-agreements";
import { messagesFor } from "../../web/i18n/catalogue";
import { launchChromium, screenshot, signIn, watchPage } from "../support/browser";
import { openLinkFromMailView } from "../support/mail-view";
import { killAllRuntimes, spawnRuntime, STARTUP_DEADLINE_MS, type RuntimeProcess } from "../support/runtime-process";

/** The runtime's start, some forty page loads and two clock moves, on a busy shared machine: a failure guard only. */
const JOURNEY_TIMEOUT_MS = STARTUP_DEADLINE_MS + 300_000;
const { t } = messagesFor("sv");
const content = mammaUnited.content;
const title = "Resan: mammor i Bäckby 2026";

let dataDir = "";
let runtime: RuntimeProcess;
let browser: Browser;
/** Where the browser reaches the app: the address the runtime gives itself, and puts in the emails' links. */
let origin = "";
let mailUrl = "";

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "iop-journey-"));
  // Monday 12 January 2026, with no demo agreements: the only email will be this agreement's.
  const env = { DEMO_DATA: "false", LOCAL_CLOCK: "2026-01-12T09:00:00+01:00" };
  runtime = await spawnRuntime({ dataDir, port: await findFreePort(), env }).untilServing();
  origin = (await runtime.info()).url;
  const { body } = await runtime.health();
  mailUrl = (body as { components: { mail: { url: string } } }).components.mail.url;
  browser = await launchChromium();
}, STARTUP_DEADLINE_MS + 60_000);

afterAll(async () => {
  await browser?.close();
  if (runtime !== undefined && !runtime.hasExited) {
    runtime.kill("SIGTERM");
    await runtime.untilExited().catch(() => undefined);
  }
  await killAllRuntimes();
  if (dataDir !== "") await rm(dataDir, { recursive: true, force: true });
});

async function moveClock(now: string): Promise<void> {
  const response = await fetch(`${runtime.url}/api/dev/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ now }) });
  expect(response.status, await response.clone().text()).toBe(200);
}

const swedishContext = (): Promise<BrowserContext> => browser.newContext({ locale: "sv-SE" });

/** Clicks a button (or a link) and waits for the page it leads to. */
async function press(page: Page, name: string, role: "button" | "link" = "button"): Promise<void> {
  await Promise.all([page.waitForEvent("load"), page.getByRole(role, { name, exact: true }).click()]);
}

/** From the task list, a section's page by its link; its form saved, back on the task list with the section done. */
async function fillSection(page: Page, section: string, fill: () => Promise<void>): Promise<void> {
  await press(page, t(`draft.section.${section}` as Parameters<typeof t>[0]), "link");
  expect(new URL(page.url()).pathname).toMatch(new RegExp(`/edit/${section}$`));
  await fill();
  await press(page, t("draft.save"));
  expect((await page.locator(`#task-${section}-status`).innerText()).trim()).toBe(t("draft.status.completed"));
}

describe("an agreement's journey through the local runtime", () => {
  it("goes from the sign-in through the task list, the decision and the clock to its reminder in the mail view", async () => {
    const staff = await swedishContext();
    const page = await staff.newPage();
    await signIn(page, { origin }, "editor", "/agreements/new");
    // From here on the app's own pages: nothing may come from elsewhere, and nothing may fail.
    const watch = watchPage(page, origin);

    const association = content.associations![0]!;
    await page.fill("#title", title);
    await page.fill("#associations-0-name", association.name);
    await page.fill("#associations-0-organisationNumber", association.organisationNumber);
    await press(page, t("draft.new.start"));
    const id = /\/agreements\/([^/]+)\/edit$/.exec(page.url())?.[1];
    if (id === undefined) throw new Error(`Not on a task list: ${page.url()}`);
    const agreementAddress = `${origin}/agreements/${id}`;

    await fillSection(page, "parties", async () => {
      await page.fill("#municipality-organisation", content.municipality!.organisation);
      await page.fill("#municipality-decidingBody", content.municipality!.decidingBody);
      await page.fill("#associations-0-contact-name", association.contact!.name);
      await page.fill("#associations-0-contact-email", association.contact!.email!);
      // The reminders go to the responsible officer: the staff member signed in here.
      await page.fill("#responsibleOfficer-name", "Erik Editor");
      await page.fill("#responsibleOfficer-email", "editor@example.se");
    });
    await fillSection(page, "purpose", async () => {
      await page.fill("#purpose", content.purpose!);
      await page.fill("#subEfforts-0-name", content.subEfforts![0]!.name);
    });
    await fillSection(page, "period", async () => {
      await page.fill("#period-start", "2026-02-01");
      await page.fill("#period-end", "2026-12-31");
    });
    await fillSection(page, "money", async () => {
      await page.fill("#budget-0-year", "2026");
      await page.fill("#budget-0-amountSek", "450 000");
      await page.fill("#coFinancing-description", content.coFinancing!.description);
      await page.fill("#coFinancing-amountSek", "120 000");
    });
    await fillSection(page, "follow-up", async () => {
      // Due after the end, so the only reminder before the clock's last stop is the 180-day one.
      await page.selectOption("#reportingRequirements-0-kind", "activity");
      await page.fill("#reportingRequirements-0-description", "Verksamhetsberättelse med antal deltagare");
      await page.fill("#reportingRequirements-0-dueDates", "2027-03-31");
    });
    await fillSection(page, "assessment", async () => {
      await page.fill("#procurementAssessment", content.procurementAssessment!);
    });
    await screenshot(page, "journey-tasks");

    await Promise.all([page.waitForURL(`${agreementAddress}/check`), page.getByRole("button", { name: t("draft.tasks.check"), exact: true }).click()]);
    const answers = await page.locator("main").innerText();
    for (const answer of [title, association.name, "1 februari 2026", "31 december 2026", "31 mars 2027"]) expect(answers).toContain(answer);
    await press(page, t("draft.check.submit"));
    expect(page.url()).toBe(agreementAddress);
    expect(await page.locator(".agreement__caption .tag").innerText()).toBe(t("status.proposed"));

    // The registrar, in a browser of their own.
    const registrarContext = await swedishContext();
    const registrarPage = await registrarContext.newPage();
    await signIn(registrarPage, { origin }, "registrar", `/agreements/${id}`);
    await press(registrarPage, t("agreement.action.decide"));
    await registrarPage.check("#outcome");
    await registrarPage.fill("#body", content.municipality!.decidingBody);
    await registrarPage.fill("#date", "2026-01-12");
    await registrarPage.fill("#diaryNumber", "KIFN 2026/12");
    await registrarPage.fill("#minuteReference", "Protokoll 2026-01-12 § 3");
    await Promise.all([registrarPage.waitForURL(`${agreementAddress}?done=decided`), registrarPage.getByRole("button", { name: t("agreement.decisionForm.submit") }).click()]);
    expect(await registrarPage.locator(".agreement__caption .tag").innerText()).toBe(t("status.approved"));
    await registrarContext.close();

    // The period starts, then 180 days before its end the first reminder is due.
    await moveClock("2026-02-01T08:00:00+01:00");
    await moveClock("2026-07-04T08:00:00+02:00");

    await page.goto(agreementAddress);
    expect(await page.locator(".agreement__caption .tag").innerText()).toBe(t("status.active"));
    const steps = await page.locator(".timeline__entry").evaluateAll((entries) =>
      entries.map((entry) => [entry.querySelector(".timeline__what")?.textContent?.trim(), entry.querySelector(".timeline__meta")?.textContent?.replace(/\s+/g, " ").trim()]),
    );
    const by = (who: string) => expect.stringMatching(new RegExp(`${t("timeline.by", { who }).replace(/[.]/g, "\\.")}$`));
    expect(steps).toEqual([
      [t("agreement.event.create"), by("editor@example.se")],
      ...["parties", "purpose", "period", "money", "follow-up", "assessment"].map(() => [t("agreement.event.update"), by("editor@example.se")]),
      [t("agreement.event.submit"), by("editor@example.se")],
      [t("agreement.event.decide"), by("registrar@example.se")],
      [t("agreement.event.activate"), by(t("agreement.event.system"))],
    ]);
    const reminder = page.locator("#reminders + table tbody tr").filter({ hasText: "4 juli 2026" });
    expect(await reminder.innerText()).toContain(t("agreement.reminders.state.sent"));
    await screenshot(page, "journey-agreement-active");

    // The reminder in the mail catcher's web view; its link opens this agreement's page, still signed in.
    const opened = await openLinkFromMailView(staff, mailUrl, { to: "editor@example.se", subject: `Avtalet löper ut om 180 dagar: ${title}`, link: "Öppna avtalet i IOP Lifecycle" });
    expect(opened.url()).toBe(agreementAddress);
    expect((await opened.locator("h1").innerText()).trim()).toBe(title);
    expect(await opened.locator(".agreement__caption .tag").innerText()).toBe(t("status.active"));
    await screenshot(opened, "journey-from-mail");
    expect(watch.elsewhere).toEqual([]);
    expect(watch.problems).toEqual([]);
    await staff.close();
  }, JOURNEY_TIMEOUT_MS);
});
