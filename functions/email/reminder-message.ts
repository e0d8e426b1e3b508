/**
 * Reminder emails in Swedish (the default) and English, as plain text and HTML: what the reminder is about, the
 * agreement and its association, the date and the days left, what to do now, and a link to the agreement.
 */
import type { CompleteAgreement, ReportingRequirement } from "../domain/agreement";
import { daysBetween, type CalendarDate } from "../domain/dates";
import { noticeDate, type PlannedReminder, type ReminderKind } from "../domain/reminders";

export const LANGUAGES = ["sv", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** How a report of a kind is named: as a label, and in running text (with an article, definite, after "er"). */
export interface ReportNames {
  label: string;
  indefinite: string;
  definite: string;
  possessive: string;
}

export const REPORT_NAMES: Record<Language, Record<ReportingRequirement["kind"], ReportNames>> = {
  sv: {
    activity: { label: "Verksamhetsrapport", indefinite: "en verksamhetsrapport", definite: "verksamhetsrapporten", possessive: "er verksamhetsrapport" },
    financial: {
      label: "Ekonomisk redovisning",
      indefinite: "en ekonomisk redovisning",
      definite: "den ekonomiska redovisningen",
      possessive: "er ekonomiska redovisning",
    },
    final: { label: "Slutrapport", indefinite: "en slutrapport", definite: "slutrapporten", possessive: "er slutrapport" },
    other: { label: "Rapport", indefinite: "en rapport", definite: "rapporten", possessive: "er rapport" },
  },
  en: {
    activity: { label: "Activity report", indefinite: "an activity report", definite: "the activity report", possessive: "your activity report" },
    financial: { label: "Financial report", indefinite: "a financial report", definite: "the financial report", possessive: "your financial report" },
    final: { label: "Final report", indefinite: "a final report", definite: "the final report", possessive: "your final report" },
    other: { label: "Report", indefinite: "a report", definite: "the report", possessive: "your report" },
  },
};

/** The report as a table row names it: its kind, and what the agreement calls it when it says more. */
export function reportLabel(names: ReportNames, description: string): string {
  return description === "" ? names.label : `${names.label} – ${description}`;
}

/** Starts a sentence with `phrase`. */
export function capitalised(phrase: string): string {
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

export interface ReminderMessage {
  subject: string;
  text: string;
  html: string;
}

interface Facts {
  title: string;
  associations: string;
  end: string;
  /** The date the reminder is about, written out. */
  concerns: string;
  /** "om 30 dagar", "i dag". */
  when: string;
  daysLeft: number;
  /** How the report is named in running text; a report reminder only. */
  report: ReportNames;
}

interface Wording {
  locale: string;
  /** When something happens, `count` days from today. */
  when(count: number): string;
  labels: { agreement: string; association: string; end: string; notice: string; report: string; due: string; daysLeft: string };
  whatToDo: string;
  open: string;
  footer: string;
  kinds: Record<ReminderKind, (facts: Facts) => { subject: string; lead: string; actions: string[] }>;
}

const WORDING: Record<Language, Wording> = {
  sv: {
    locale: "sv-SE",
    when: (count) => (count === 0 ? "i dag" : count === 1 ? "om 1 dag" : `om ${count} dagar`),
    labels: {
      agreement: "Avtal",
      association: "Förening",
      end: "Slutdatum",
      notice: "Sista dag för uppsägning",
      report: "Rapport",
      due: "Ska lämnas senast",
      daysLeft: "Dagar kvar",
    },
    whatToDo: "Vad ni behöver göra nu",
    open: "Öppna avtalet i IOP Lifecycle",
    footer:
      "Det här är en automatisk påminnelse från IOP Lifecycle. Den går till avtalets ansvariga handläggare och " +
      "teamets funktionsbrevlåda, och till föreningens kontaktperson när avtalet anger det.",
    kinds: {
      expiry: (f) => ({
        subject: `Avtalet löper ut ${f.when}: ${f.title}`,
        lead: `IOP-avtalet ”${f.title}” med ${f.associations} löper ut den ${f.end}, ${f.when}.`,
        actions: [
          "Ska samarbetet fortsätta? Påbörja en förnyelse nu, så att ett nytt beslut hinner fattas innan avtalet löper ut.",
          "Ska samarbetet upphöra? Då behöver ni inte göra något. Avtalet upphör efter slutdatumet.",
        ],
      }),
      notice: (f) => ({
        subject: `Sista dag för uppsägning ${f.when}: ${f.title}`,
        lead: `IOP-avtalet ”${f.title}” med ${f.associations} kan sägas upp senast den ${f.concerns}, ${f.when}. Avtalet löper ut den ${f.end}.`,
        actions: [
          `Ska avtalet sägas upp? Säg upp det senast den ${f.concerns}.`,
          `Ska samarbetet fortsätta efter den ${f.end}? Påbörja en förnyelse.`,
        ],
      }),
      "report-due": (f) => ({
        subject: `Rapport ska lämnas ${f.when}: ${f.title}`,
        lead: `${f.associations} ska lämna ${f.report.indefinite} för IOP-avtalet ”${f.title}” senast den ${f.concerns}, ${f.when}.`,
        actions: ["Påminn föreningen om rapporten, eller skicka föreningen en rapportlänk från avtalets sida."],
      }),
      "report-overdue": (f) => ({
        subject: `Rapport har inte kommit in: ${f.title}`,
        lead: `${capitalised(f.report.definite)} för IOP-avtalet ”${f.title}” med ${f.associations} skulle ha lämnats senast den ${f.concerns} men har inte kommit in.`,
        actions: ["Kontakta föreningen och kom överens om när rapporten lämnas."],
      }),
    },
  },
  en: {
    locale: "en-GB",
    when: (count) => (count === 0 ? "today" : count === 1 ? "in 1 day" : `in ${count} days`),
    labels: {
      agreement: "Agreement",
      association: "Association",
      end: "End date",
      notice: "Last day to give notice",
      report: "Report",
      due: "Due",
      daysLeft: "Days left",
    },
    whatToDo: "What to do now",
    open: "Open the agreement in IOP Lifecycle",
    footer:
      "This is an automatic reminder from IOP Lifecycle. It goes to the agreement's responsible officer and the " +
      "team mailbox, and to the association's contact where the agreement says so.",
    kinds: {
      expiry: (f) => ({
        subject: `Agreement ends ${f.when}: ${f.title}`,
        lead: `The IOP agreement "${f.title}" with ${f.associations} ends on ${f.end}, ${f.when}.`,
        actions: [
          "Should the partnership continue? Start a renewal now, so that a new decision can be made before the agreement ends.",
          "Should it end? Then there is nothing to do: the agreement ends after its end date.",
        ],
      }),
      notice: (f) => ({
        subject: `Last day to give notice ${f.when}: ${f.title}`,
        lead: `Notice on the IOP agreement "${f.title}" with ${f.associations} can be given until ${f.concerns}, ${f.when}. The agreement ends on ${f.end}.`,
        actions: [`Should the agreement be terminated? Give notice by ${f.concerns}.`, `Should the partnership continue after ${f.end}? Start a renewal.`],
      }),
      "report-due": (f) => ({
        subject: `Report due ${f.when}: ${f.title}`,
        lead: `${f.associations} is to send ${f.report.indefinite} for the IOP agreement "${f.title}" by ${f.concerns}, ${f.when}.`,
        actions: ["Remind the association of the report, or send the association a report link from the agreement's page."],
      }),
      "report-overdue": (f) => ({
        subject: `Report not received: ${f.title}`,
        lead: `${capitalised(f.report.definite)} for the IOP agreement "${f.title}" with ${f.associations} was due on ${f.concerns} and has not come in.`,
        actions: ["Contact the association and agree on when the report will be sent."],
      }),
    },
  },
};

export function longDate(date: CalendarDate, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/**
 * A link in an email's HTML. Mail views that show an email in a frame (webmail, the local mail catcher's view) would
 * open it inside that frame, where the app's pages refuse to be shown (CSP frame-ancestors 'none'); a tab of its
 * own opens the page.
 */
export function emailLink(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${escapeHtml(text)}</a>`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The email for one reminder of `agreement`, as seen on `today`; `link` opens the agreement. */
export function reminderMessage(input: {
  reminder: PlannedReminder;
  agreement: CompleteAgreement;
  today: CalendarDate;
  link: string;
  language: Language;
}): ReminderMessage {
  const { reminder, agreement, today, link } = input;
  const wording = WORDING[input.language];
  const requirement = agreement.reportingRequirements.find((candidate) => candidate.id === reminder.requirementId);
  const reportNames = REPORT_NAMES[input.language][requirement?.kind ?? "other"];
  const daysLeft = Math.max(0, daysBetween(today, reminder.concerns));
  const facts: Facts = {
    title: agreement.title,
    associations: agreement.associations.map((association) => association.name).join(", "),
    end: longDate(agreement.period.end, wording.locale),
    concerns: longDate(reminder.concerns, wording.locale),
    when: wording.when(daysLeft),
    daysLeft,
    report: reportNames,
  };
  const { subject, lead, actions } = wording.kinds[reminder.kind](facts);
  const { labels } = wording;
  const notice = noticeDate(agreement);
  const rows: [string, string][] = [
    [labels.agreement, facts.title],
    [labels.association, facts.associations],
    [labels.end, facts.end],
  ];
  if (notice !== null) rows.push([labels.notice, longDate(notice, wording.locale)]);
  if (requirement !== undefined) rows.push([labels.report, reportLabel(reportNames, requirement.description)], [labels.due, facts.concerns]);
  if (reminder.kind !== "report-overdue") rows.push([labels.daysLeft, String(facts.daysLeft)]);

  const text = [
    lead,
    "",
    ...rows.map(([label, value]) => `${label}: ${value}`),
    "",
    `${wording.whatToDo}:`,
    ...actions.map((action) => `- ${action}`),
    "",
    `${wording.open}: ${link}`,
    "",
    wording.footer,
    "",
  ].join("\n");

  const html = [
    "<!doctype html>",
    `<html lang="${input.language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">',
    `<p>${escapeHtml(lead)}</p>`,
    "<table>",
    ...rows.map(([label, value]) => `<tr><th scope="row" style="text-align: left; padding-right: 1em">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    "</table>",
    `<h2 style="font-size: 1.1em">${escapeHtml(wording.whatToDo)}</h2>`,
    "<ul>",
    ...actions.map((action) => `<li>${escapeHtml(action)}</li>`),
    "</ul>",
    `<p>${emailLink(link, wording.open)}</p>`,
    `<p style="color: #555; font-size: 0.9em">${escapeHtml(wording.footer)}</p>`,
    "</body></html>",
    "",
  ].join("\n");

  return { subject, text, html };
}
