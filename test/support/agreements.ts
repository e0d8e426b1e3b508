import type { Actor, Agreement, DraftContent } from "../../functions/domain/agreement";
import { createDraft, transition, type Command, type Related } from "../../functions/domain/lifecycle";

export const editor: Actor = { kind: "user", id: "editor@example.se", email: "editor@example.se" };
export const registrar: Actor = { kind: "user", id: "registrar@example.se", email: "registrar@example.se" };
export const workflow: Actor = { kind: "system", id: "workflow" };

/** Västerås stad and Mamma United, valid 2024-02-01 to 2026-12-31 (public press release). */
export function mammaUnitedContent(): DraftContent {
  return {
    title: "Partnerskap för delaktighet, tillit och framtidstro hos mammor",
    purpose:
      "Nå fler föräldrar i socioekonomiskt svaga bostadsområden med information och föräldrastödjande insatser.",
    municipality: { organisation: "Västerås stad", decidingBody: "Kultur-, idrotts- och fritidsnämnden" },
    associations: [
      {
        name: "Mamma United",
        organisationNumber: "802535-1233",
        contact: { name: "Verksamhetschef Mamma United", email: "kontakt@mammaunited.example.se" },
      },
    ],
    otherPartners: [],
    subEfforts: [{ name: "Utbildningsprogram för mammor", description: "Tolv träffar per grupp", activityStatus: "started" }],
    period: { start: "2024-02-01", end: "2026-12-31" },
    noticePeriodMonths: null,
    budget: [
      { year: 2024, amountSek: 450_000 },
      { year: 2025, amountSek: 450_000 },
      { year: 2026, amountSek: 450_000 },
    ],
    coFinancing: { description: "Ideellt arbete och lokaler", amountSek: 120_000 },
    responsibleOfficer: { name: "Handläggare Fritid", email: "editor@example.se" },
    contacts: [],
    reportingRequirements: [{ id: "annual", kind: "activity", description: "Verksamhetsberättelse", dueDates: ["2025-03-31", "2026-03-31"] }],
    reminders: { expiryDaysBefore: [180, 90, 30], noticeDaysBefore: 30, reportDaysBefore: 14, notifyAssociationContact: false },
    procurementAssessment: "Inte upphandlingspliktigt enligt LOU; stödet bedöms inte som statsstöd (ingen ekonomisk verksamhet).",
  };
}

export const approval = {
  outcome: "approved",
  date: "2024-01-18",
  body: "Kultur-, idrotts- och fritidsnämnden",
  diaryNumber: "KIFN 2023/412",
  minuteReference: "Protokoll 2024-01-18 § 7",
} as const;

export function at(iso: string): Date {
  return new Date(iso);
}

/** Applies a command and fails loudly if the lifecycle refuses it: for building fixtures. */
export function must(agreement: Agreement, command: Command, actor: Actor, now: Date, related?: Related): Agreement {
  const result = transition(agreement, command, actor, now, related);
  if (!result.ok) throw new Error(`${command.type} refused: ${result.error.message}`);
  return result.agreement;
}

export function draft(content: DraftContent = mammaUnitedContent(), id = "agr-mamma-united"): Agreement {
  const result = createDraft(id, content, editor, at("2023-11-20T09:00:00+01:00"));
  if (!result.ok) throw new Error(result.error.message);
  return result.agreement;
}

export function proposed(): Agreement {
  return must(draft(), { type: "submit" }, editor, at("2023-12-05T10:00:00+01:00"));
}

export function approved(): Agreement {
  return must(proposed(), { type: "decide", decision: approval }, registrar, at("2024-01-19T10:00:00+01:00"));
}

export function active(): Agreement {
  return must(approved(), { type: "activate" }, workflow, at("2024-02-01T00:00:00+01:00"));
}
