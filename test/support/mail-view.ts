// The mail catcher's own web view (aws-ses-v2-local's page, the one `npm start` prints as "Sent email: …"), driven
// as a person reads it: find the email, show its HTML, click its link. The view polls the catcher every second, so
// an email sent a moment ago appears by itself; the waits here are on the page, with no fixed sleeps.
import type { BrowserContext, Page } from "playwright-core";

/** Generous: the view polls once a second, and a loaded machine may take much longer to show it. */
const APPEARS_WITHIN_MS = 60_000;

export interface MailInView {
  /** Text the email's header in the view holds: its recipient ("To: …"), and its subject. */
  to: string;
  subject: string | RegExp;
  /** The link's text in the email's HTML. */
  link: string | RegExp;
}

/**
 * Opens the mail view at `mailUrl` in `context`, shows the newest email to `to` with the subject as HTML and
 * clicks its link; answers the tab the link opened, loaded. The view is closed again.
 */
export async function openLinkFromMailView(context: BrowserContext, mailUrl: string, { to, subject, link }: MailInView): Promise<Page> {
  const view = await context.newPage();
  try {
    await view.goto(mailUrl);
    // Newest first: the view puts each email it has not shown yet above the others.
    const email = view.locator(".email").filter({ hasText: `To: ${to}` }).filter({ hasText: subject }).first();
    await email.waitFor({ timeout: APPEARS_WITHIN_MS });
    await email.getByRole("button", { name: "Toggle HTML view" }).click();
    const [opened] = await Promise.all([context.waitForEvent("page"), email.frameLocator("iframe").getByRole("link", { name: link }).click()]);
    await opened.waitForLoadState("load");
    return opened;
  } finally {
    await view.close();
  }
}
