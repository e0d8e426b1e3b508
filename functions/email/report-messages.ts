/**
 * Emails to an association contact about a report, in Swedish (the default) and English, as plain text and HTML:
 * the invitation with the personal report link, and the request for a supplement with the reviewer's comment and a
 * fresh link. The link is the only way in, so each email says how long it works and not to pass it on. And the
 * receipt after a submission: the reference, the time and the files sent, so the association has its own record.
 */
import type { ReportingRequirement } from "../domain/agreement";
import { TIME_ZONE, type CalendarDate } from "../domain/dates";
import type { Receipt } from "../domain/reports";
import type { OutgoingEmail } from "./sender";
import { emailLink, escapeHtml, longDate, REPORT_NAMES, reportLabel, type Language, type ReminderMessage, type ReportNames } from "./reminder-message";

export type ReportMessageKind = "invitation" | "supplement-request";

export interface ReportMessageFacts {
  kind: ReportMessageKind;
  agreementTitle: string;
  municipality: string;
  requirement: Pick<ReportingRequirement, "kind" | "description">;
  dueDate: CalendarDate;
  /** `<appOrigin>/report/<token>` */
  link: string;
  /** The last day the link works (to its end, Stockholm time). */
  linkExpires: CalendarDate;
  /** The reviewer's words, for a supplement request. */
  comment?: string;
  language: Language;
}

interface Wording {
  locale: string;
  labels: { agreement: string; report: string; due: string; expires: string; comment: string };
  open: string;
  footer: string;
  receipt: {
    subject(title: string): string;
    lead(report: ReportNames, title: string): string;
    labels: { reference: string; submittedAt: string; attachments: string; none: string };
    keep: string;
  };
  kinds: Record<ReportMessageKind, (f: { title: string; report: ReportNames; municipality: string; due: string }) => { subject: string; lead: string }>;
}

const WORDING: Record<Language, Wording> = {
  sv: {
    locale: "sv-SE",
    labels: { agreement: "Avtal", report: "Rapport", due: "Ska lämnas senast", expires: "Länken gäller till och med", comment: "Kommentar" },
    open: "Öppna rapportformuläret",
    receipt: {
      subject: (title) => `Vi har tagit emot er rapport: ${title}`,
      lead: (report, title) => `Tack! Vi har tagit emot ${report.possessive} för IOP-avtalet ”${title}”. Kommunen läser den och hör av sig om något behöver kompletteras.`,
      labels: { reference: "Referens", submittedAt: "Skickad", attachments: "Bilagor", none: "Inga" },
      keep: "Spara det här meddelandet. Uppge referensen om ni kontaktar kommunen om rapporten.",
    },
    footer:
      "Länken är personlig och leder bara till den här rapporten, så dela den inte med någon annan. Har länken slutat " +
      "gälla kan ni begära en ny. Den skickas till samma e-postadress.",
    kinds: {
      invitation: (f) => ({
        subject: `Dags att lämna rapport: ${f.title}`,
        lead: `${f.municipality} ber er lämna ${f.report.indefinite} för IOP-avtalet ”${f.title}” senast den ${f.due}. Ni fyller i rapporten och bifogar filer via länken nedan.`,
      }),
      "supplement-request": (f) => ({
        subject: `Komplettering behövs: ${f.title}`,
        lead: `${f.municipality} har läst ${f.report.possessive} för IOP-avtalet ”${f.title}” och ber er komplettera den. Läs kommentaren nedan och skicka in rapporten igen via länken.`,
      }),
    },
  },
  en: {
    locale: "en-GB",
    labels: { agreement: "Agreement", report: "Report", due: "Due", expires: "The link works until the end of", comment: "Comment" },
    open: "Open the report form",
    receipt: {
      subject: (title) => `We have received your report: ${title}`,
      lead: (report, title) => `Thank you! We have received ${report.possessive} for the IOP agreement "${title}". The municipality will read it and contact you if anything needs to be added.`,
      labels: { reference: "Reference", submittedAt: "Sent", attachments: "Attachments", none: "None" },
      keep: "Keep this message. Quote the reference if you contact the municipality about the report.",
    },
    footer:
      "The link is personal and opens this report only, so do not share it. If it has stopped working, you can ask " +
      "for a new one; it is sent to the same email address.",
    kinds: {
      invitation: (f) => ({
        subject: `Report requested: ${f.title}`,
        lead: `${f.municipality} asks you to send ${f.report.indefinite} for the IOP agreement "${f.title}" by ${f.due}. You fill in the report and attach files through the link below.`,
      }),
      "supplement-request": (f) => ({
        subject: `Supplement needed: ${f.title}`,
        lead: `${f.municipality} has read ${f.report.possessive} for the IOP agreement "${f.title}" and asks you to add to it. Read the comment below and send the report again through the link.`,
      }),
    },
  },
};

/** The email for one report message to the contact `to`. */
export function reportMessage(facts: ReportMessageFacts, to: string): OutgoingEmail {
  const wording = WORDING[facts.language];
  const names = REPORT_NAMES[facts.language][facts.requirement.kind];
  const due = longDate(facts.dueDate, wording.locale);
  const { subject, lead } = wording.kinds[facts.kind]({ title: facts.agreementTitle, report: names, municipality: facts.municipality, due });
  const { labels } = wording;
  const rows: [string, string][] = [
    [labels.agreement, facts.agreementTitle],
    [labels.report, reportLabel(names, facts.requirement.description)],
    [labels.due, due],
    [labels.expires, longDate(facts.linkExpires, wording.locale)],
  ];
  return composeEmail(facts.language, to, {
    subject,
    lead,
    quote: facts.comment === undefined || facts.comment === "" ? undefined : { heading: labels.comment, text: facts.comment },
    rows,
    link: { text: wording.open, href: facts.link },
    footer: wording.footer,
  });
}

export interface ReceiptMessageFacts {
  agreementTitle: string;
  requirement: Pick<ReportingRequirement, "kind" | "description">;
  receipt: Pick<Receipt, "number" | "submittedAt" | "attachments">;
  language: Language;
}

/** The confirmation a contact gets once their report is submitted: what the receipt page shows, to keep. */
export function receiptMessage(facts: ReceiptMessageFacts, to: string): OutgoingEmail {
  const wording = WORDING[facts.language];
  const names = REPORT_NAMES[facts.language][facts.requirement.kind];
  const { labels } = wording.receipt;
  const submittedAt = new Intl.DateTimeFormat(wording.locale, { dateStyle: "long", timeStyle: "short", timeZone: TIME_ZONE }).format(new Date(facts.receipt.submittedAt));
  const files = facts.receipt.attachments.map((file) => file.fileName).join(", ");
  return composeEmail(facts.language, to, {
    subject: wording.receipt.subject(facts.agreementTitle),
    lead: wording.receipt.lead(names, facts.agreementTitle),
    rows: [
      [wording.labels.agreement, facts.agreementTitle],
      [wording.labels.report, reportLabel(names, facts.requirement.description)],
      [labels.reference, facts.receipt.number],
      [labels.submittedAt, submittedAt],
      [labels.attachments, files === "" ? labels.none : files],
    ],
    footer: wording.receipt.keep,
  });
}

interface EmailParts {
  subject: string;
  lead: string;
  quote?: { heading: string; text: string } | undefined;
  rows: [string, string][];
  link?: { text: string; href: string };
  footer: string;
}

/** One email as plain text and HTML from the same parts. */
function composeEmail(language: Language, to: string, parts: EmailParts): OutgoingEmail {
  const { subject, lead, quote, rows, link, footer } = parts;
  const message: ReminderMessage = {
    subject,
    text: [
      lead,
      "",
      ...(quote === undefined ? [] : [`${quote.heading}:`, quote.text, ""]),
      ...rows.map(([label, value]) => `${label}: ${value}`),
      "",
      ...(link === undefined ? [] : [`${link.text}: ${link.href}`, ""]),
      footer,
      "",
    ].join("\n"),
    html: [
      "<!doctype html>",
      `<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
      '<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">',
      `<p>${escapeHtml(lead)}</p>`,
      ...(quote === undefined ? [] : [`<h2 style="font-size: 1.1em">${escapeHtml(quote.heading)}</h2>`, `<blockquote>${escapeHtml(quote.text)}</blockquote>`]),
      "<table>",
      ...rows.map(([label, value]) => `<tr><th scope="row" style="text-align: left; padding-right: 1em">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
      "</table>",
      ...(link === undefined ? [] : [`<p>${emailLink(link.href, link.text)}</p>`]),
      `<p style="color: #555; font-size: 0.9em">${escapeHtml(footer)}</p>`,
      "</body></html>",
      "",
    ].join("\n"),
  };
  return { to: [to], cc: [], ...message };
}

/** Where an association opens its report: the web form's address for the token. */
export function reportLink(appOrigin: string, token: string): string {
  return `${appOrigin.replace(/\/+$/, "")}/report/${token}`;
}
