// Page tests in a real browser: Debian's Chromium driven by playwright-core, the app served over HTTP in-process on
// a fresh DynamoDB Local table with the local OpenID Connect provider, axe-core injected from its npm package, and
// screenshots written to test-output/ (gitignored). Every page test uses these helpers.
import { mkdir, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { getRequestListener } from "@hono/node-server";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";
import { createApp } from "../../functions/site";
import type { ApplicationPorts, ReportingPorts } from "../../functions/app/ports";
import type { Role } from "../../functions/api/auth/principal";
import type { Application } from "../../functions/app/application";
import type { AgreementStore } from "../../functions/store/agreements";
import type { Language } from "../../web/i18n/catalogue";
import { appDependenciesForTests, reportingForTests, type TestAppOverrides } from "./api";
import { createTestTable, type TestTable } from "./dynamo";
import { emailOf, startTestAuth, type TestAuth } from "./tokens";

export const CHROMIUM_PATH = "/usr/bin/chromium";
/**
 * Headless without a sandbox or GPU (containers have neither), and nothing the browser would fetch on its own:
 * no updates, sync, QUIC probes or first-run pages. Playwright gives each launch a fresh user-data-dir.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Where test output goes; test-output/ is gitignored. */
export const SCREENSHOT_DIR = path.resolve("test-output/screenshots");

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface PageTestApp {
  /** http://localhost:<port>; also the app's configured origin, so its same-origin checks pass. */
  origin: string;
  table: TestTable;
  auth: TestAuth;
  browser: Browser;
  /** What the app was built from: the use cases the pages call, and their ports, to set up data as staff would. */
  dependencies: ReturnType<typeof appDependenciesForTests>;
  /** The use cases the pages call, to read what a page did and to set up what it needs; `ports` are what they were built from. */
  application: Application;
  ports: ApplicationPorts;
  /** The agreement store under them, to load agreements with a history (functions/local/demo-data.ts). */
  store: AgreementStore;
  stop(): Promise<void>;
}

/** Emulators a page test starts once the app's origin is known (a local S3's CORS names it). */
export interface PageEmulators {
  /** Parts of the report ports they replace: a local S3, the mail catcher. */
  reporting: Partial<ReportingPorts>;
  /** Where the browser may upload attachments (the local S3's address). */
  uploadOrigin?: string;
  stop(): Promise<void>;
}

/** Ports to replace (the clock…), and emulators to start once the origin is known. */
export interface PageTestOptions extends Omit<TestAppOverrides, "reporting" | "uploadOrigin"> {
  emulators?: (origin: string) => Promise<PageEmulators>;
}

/** The app over HTTP on a fresh table, and a browser; `stop` in afterAll. */
export async function startPageTestApp({ emulators: startEmulators, ...overrides }: PageTestOptions = {}): Promise<PageTestApp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const table = await createTestTable();
  const auth = await startTestAuth(table, origin);
  const emulators = await startEmulators?.(origin);
  const dependencies = appDependenciesForTests(table, {
    ...overrides,
    appOrigin: origin,
    authenticate: auth.auth.authenticate,
    signInRoutes: auth.auth.routes,
    reporting: reportingForTests(table, emulators?.reporting),
    ...(emulators?.uploadOrigin === undefined ? {} : { uploadOrigin: emulators.uploadOrigin }),
  });
  const app = createApp(dependencies);
  const handle = getRequestListener(app.fetch);
  server.on("request", (request, response) => void handle(request, response));
  const browser = await launchChromium();
  return {
    origin,
    table,
    auth,
    browser,
    dependencies,
    application: dependencies.application,
    ports: dependencies.ports,
    store: dependencies.ports.store,
    async stop() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await auth.stop();
      await table.dispose();
      await emulators?.stop();
    },
  };
}

/** Each page's budget: HTML, CSS and JavaScript, uncompressed. */
export const PAGE_BUDGET_BYTES = 60 * 1024;

/** A fresh browser context in a language, as a person whose browser asks for it. */
export async function newPageIn(app: PageTestApp, language: Language): Promise<Page> {
  const context = await app.browser.newContext({ locale: language === "sv" ? "sv-SE" : "en-GB" });
  return context.newPage();
}

/** What every page must pass, as it is now: axe-core with no violation, the budget; its screenshot is kept as test output. */
export async function checkPage(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page), `${name}: axe`).toEqual([]);
  expect(await pageWeight(page), `${name}: weight`).toBeLessThanOrEqual(PAGE_BUDGET_BYTES);
  await screenshot(page, name);
}

/** What a page did that a page must not: ask another site for anything, log an error (CSP refusals are errors). */
export interface PageWatch {
  elsewhere: string[];
  problems: string[];
}

export function watchPage(page: Page, origin: string, allowedOrigins: readonly string[] = []): PageWatch {
  const watch: PageWatch = { elsewhere: [], problems: [] };
  page.on("request", (request) => {
    const url = request.url();
    if (![origin, ...allowedOrigins].some((allowed) => url.startsWith(`${allowed}/`)) && !url.startsWith("data:")) watch.elsewhere.push(url);
  });
  // Chromium logs every 4xx as an error, also a form page answered 400 with its errors; a failed asset is reported
  // from its response instead.
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) watch.problems.push(message.text());
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.request().isNavigationRequest()) watch.problems.push(`${response.status()} ${response.url()}`);
  });
  page.on("pageerror", (error) => watch.problems.push(error.message));
  return watch;
}

let axeSource: Promise<string> | undefined;

/** axe-core's violations on the page as it is now, as "rule: target, …" lines; injected from the package, not fetched. */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  // Evaluated through the DevTools protocol, which the page's CSP does not govern; the page itself stays under it.
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    return (await axe.run()).violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => JSON.stringify(node.target)).join(", ")}`);
  });
  return violations;
}

// Scripts run in the page are strings: the project compiles without the DOM library, whose globals would hide
// mistakes in the server code.

/** Bytes of HTML, CSS and JavaScript the page holds and loaded from this site, uncompressed. */
export async function pageWeight(page: Page): Promise<number> {
  return await page.evaluate<number>(`(async () => {
    const html = new TextEncoder().encode("<!DOCTYPE html>" + document.documentElement.outerHTML).byteLength;
    const assets = performance.getEntriesByType("resource").map((entry) => entry.name).filter((url) => url.startsWith(location.origin));
    const sizes = await Promise.all(assets.map(async (url) => (await (await fetch(url)).arrayBuffer()).byteLength));
    return sizes.reduce((sum, size) => sum + size, html);
  })()`);
}

/**
 * The element that has focus: its id and class, to compare with what a test expects. Read in an animation frame:
 * the browser gives `autofocus` its focus when it next renders, which can come after the load event on a busy
 * machine, and renders flush autofocus before they run animation frame callbacks.
 */
export async function focused(page: Page): Promise<{ id: string; className: string }> {
  return await page.evaluate<{ id: string; className: string }>(
    `new Promise((resolve) => requestAnimationFrame(() => resolve({ id: document.activeElement.id, className: document.activeElement.className })))`,
  );
}

/**
 * Signs in through the app's real sign-in: /auth/login, the local provider's page, back to `returnTo`. `app` is
 * the app in this process, or the address of one `npm start` serves.
 */
export async function signIn(page: Page, app: Pick<PageTestApp, "origin">, role: Role, returnTo = "/"): Promise<void> {
  await page.goto(`${app.origin}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.fill("#email", emailOf(role));
  await Promise.all([page.waitForURL(`${app.origin}${returnTo}`), page.click("button[type=submit]")]);
}
