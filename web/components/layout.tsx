/**
 * The frame of every page: skip link, header with the product name and the signed-in person, the language switch
 * that stays on the same page, the main region, and the footer. The one stylesheet and the one script are files
 * under /assets/ (web/assets.ts), so the pages work under a CSP without inline script or style.
 */
import type { Child } from "hono/jsx";
import type { PageContext } from "../context";
import { ASSETS } from "../assets";
import { LANGUAGES } from "../i18n/catalogue";
import { LANGUAGE_QUERY } from "../i18n/language";
import { CsrfField } from "./form";
import { MessagesContext } from "./messages-context";

export interface PageProps {
  context: PageContext;
  /** The page's own title, usually its h1; the layout adds the product name and, with errors, the "Fel: " prefix. */
  title: string;
  /** The page shows validation errors: the title says so first, as screen readers read it before anything else. */
  hasErrors?: boolean;
  children: Child;
}

export function Page({ context, title, hasErrors = false, children }: PageProps) {
  const { messages, principal } = context;
  const { t } = messages;
  const otherLanguage = LANGUAGES.find((language) => language !== messages.lang) ?? messages.lang;
  return (
    <MessagesContext.Provider value={messages}>
    <html lang={messages.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{t(hasErrors ? "layout.titleWithErrors" : "layout.title", { title })}</title>
        {/* No icon: without this line browsers would ask for /favicon.ico on every page. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={ASSETS.stylesheet.path} />
        <script src={ASSETS.script.path} defer></script>
      </head>
      <body>
        <a href="#main" class="skip-link">
          {t("layout.skipLink")}
        </a>
        <header class="header">
          <div class="width-container header__inner">
            <a href="/" class="header__product">
              {t("layout.productName")}
            </a>
            {/* The switch names the other language in that language, so it is marked as such. */}
            <nav class="header__nav" aria-label={t("layout.language")}>
              <a href={withLanguage(context.path, otherLanguage)} hreflang={otherLanguage} lang={otherLanguage} class="header__link">
                {t("layout.otherLanguage")}
              </a>
            </nav>
            {principal === null ? null : (
              <nav class="header__account" aria-label={t("layout.account")}>
                <p class="header__person">
                  {t("layout.signedInAs", { name: principal.name ?? principal.email })}
                  <br />
                  {t("layout.roles", { roles: principal.roles.map((role) => t(`role.${role}`)).join(", ") })}
                </p>
                <form method="post" action="/auth/logout" class="header__sign-out">
                  <CsrfField token={context.csrfToken} />
                  <button type="submit" class="button button--secondary button--small">
                    {t("layout.signOut")}
                  </button>
                </form>
              </nav>
            )}
          </div>
        </header>
        <div class="width-container">
          <main id="main" class="main" tabindex={-1}>
            {children}
          </main>
        </div>
        <footer class="footer">
          <div class="width-container">
            <h2 class="visually-hidden">{t("layout.footer")}</h2>
            <ul class="footer__links">
              <li>
                <a href="/accessibility">{t("layout.accessibility")}</a>
              </li>
              <li>
                <a href="/help">{t("layout.help")}</a>
              </li>
            </ul>
          </div>
        </footer>
      </body>
    </html>
    </MessagesContext.Provider>
  );
}

/** The same page in another language: the path and query as they were, with `lang` set. */
export function withLanguage(path: string, language: string): string {
  const url = new URL(path, "http://page.invalid");
  url.searchParams.set(LANGUAGE_QUERY, language);
  return `${url.pathname}${url.search}`;
}
