// Reminder emails: Swedish by default, English available, text and HTML with the same content.
import { describe, expect, it } from "vitest";
import type { CompleteAgreement } from "../../functions/domain/agreement";
import { plannedReminders, type PlannedReminder } from "../../functions/domain/reminders";
import { reminderMessage } from "../../functions/email/reminder-message";
import { active } from "../support/agreements";

const link = "http://127.0.0.1:3000/agreements/agr-mamma-united";

function agreement(overrides: Partial<CompleteAgreement> = {}): CompleteAgreement {
  return { ...(active() as CompleteAgreement), ...overrides };
}

function reminder(of: CompleteAgreement, kind: PlannedReminder["kind"], index = 0): PlannedReminder {
  const found = plannedReminders(of).filter((candidate) => candidate.kind === kind)[index];
  if (found === undefined) throw new Error(`no ${kind} reminder`);
  return found;
}

describe("reminder emails", () => {
  it("say in Swedish which agreement ends when, how many days are left, what to do now, and link to it", () => {
    const mammaUnited = agreement();
    const message = reminderMessage({ reminder: reminder(mammaUnited, "expiry", 2), agreement: mammaUnited, today: "2026-12-01", link, language: "sv" });

    expect(message.subject).toBe("Avtalet löper ut om 30 dagar: Partnerskap för delaktighet, tillit och framtidstro hos mammor");
    expect(message.text).toContain("IOP-avtalet ”Partnerskap för delaktighet, tillit och framtidstro hos mammor” med Mamma United löper ut den 31 december 2026, om 30 dagar.");
    expect(message.text).toContain("Förening: Mamma United\nSlutdatum: 31 december 2026\nDagar kvar: 30");
    expect(message.text).toContain("Vad ni behöver göra nu:\n- Ska samarbetet fortsätta? Påbörja en förnyelse nu");
    expect(message.text).toContain(`Öppna avtalet i IOP Lifecycle: ${link}`);
    expect(message.html).toContain('<html lang="sv">');
    expect(message.html).toContain(`<a href="${link}" target="_blank" rel="noopener">Öppna avtalet i IOP Lifecycle</a>`);
    expect(message.html).toContain("<li>Ska samarbetet fortsätta? Påbörja en förnyelse nu");
  });

  it("are available in English", () => {
    const mammaUnited = agreement();
    const message = reminderMessage({ reminder: reminder(mammaUnited, "expiry"), agreement: mammaUnited, today: "2026-07-04", link, language: "en" });

    expect(message.subject).toBe("Agreement ends in 180 days: Partnerskap för delaktighet, tillit och framtidstro hos mammor");
    expect(message.text).toContain("ends on 31 December 2026, in 180 days.");
    expect(message.text).toContain("What to do now:\n- Should the partnership continue? Start a renewal now");
    expect(message.html).toContain('<html lang="en">');
  });

  it("tell the last day to give notice and what to do about it", () => {
    const withNotice = agreement({ noticePeriodMonths: 3 });
    const message = reminderMessage({ reminder: reminder(withNotice, "notice"), agreement: withNotice, today: "2026-08-31", link, language: "sv" });

    expect(message.subject).toBe("Sista dag för uppsägning om 30 dagar: Partnerskap för delaktighet, tillit och framtidstro hos mammor");
    expect(message.text).toContain("Sista dag för uppsägning: 30 september 2026");
    expect(message.text).toContain("Ska avtalet sägas upp? Säg upp det senast den 30 september 2026.");
  });

  it("name the report, its due date, and say when it has not come in", () => {
    const withReport = agreement({ reportingRequirements: [{ id: "ekonomi", kind: "financial", description: "Ekonomisk redovisning per år", dueDates: ["2025-03-31"] }] });
    const due = reminderMessage({ reminder: reminder(withReport, "report-due"), agreement: withReport, today: "2025-03-17", link, language: "sv" });
    const overdue = reminderMessage({ reminder: reminder(withReport, "report-overdue"), agreement: withReport, today: "2025-04-01", link, language: "sv" });

    expect(due.text).toContain("Mamma United ska lämna en ekonomisk redovisning för IOP-avtalet ”Partnerskap för delaktighet, tillit och framtidstro hos mammor” senast den 31 mars 2025, om 14 dagar.");
    expect(due.text).toContain("Rapport: Ekonomisk redovisning – Ekonomisk redovisning per år");
    expect(overdue.text).toContain("Den ekonomiska redovisningen för IOP-avtalet");
    expect(due.text).toContain("Ska lämnas senast: 31 mars 2025\nDagar kvar: 14");
    expect(overdue.subject).toBe("Rapport har inte kommit in: Partnerskap för delaktighet, tillit och framtidstro hos mammor");
    expect(overdue.text).toContain("skulle ha lämnats senast den 31 mars 2025 men har inte kommit in.");
    expect(overdue.text).not.toContain("Dagar kvar");
  });

  it("say 'i dag' rather than 'om 0 dagar'", () => {
    const withReport = agreement({ reportingRequirements: [{ id: "r", kind: "other", description: "", dueDates: ["2025-03-31"] }] });
    const message = reminderMessage({ reminder: reminder(withReport, "report-due"), agreement: withReport, today: "2025-03-31", link, language: "sv" });
    expect(message.subject).toBe("Rapport ska lämnas i dag: Partnerskap för delaktighet, tillit och framtidstro hos mammor");
  });

  it("escape what staff typed when they put it in HTML", () => {
    const risky = agreement({ title: 'Barn & unga <script>alert("x")</script>' });
    const message = reminderMessage({ reminder: reminder(risky, "expiry"), agreement: risky, today: "2026-07-04", link, language: "sv" });
    expect(message.html).not.toContain("<script>");
    expect(message.html).toContain("Barn &#38; unga &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;");
    expect(message.text).toContain('Barn & unga <script>alert("x")</script>');
  });
});
