/**
 * Demo agreements drawn from public municipal texts (Västerås, Mölndal, Umeå, Helsingborg). People and
 * organisationsnummer are made up; addresses use example.se. Each agreement carries the history that brought it to
 * its status, so the audit trail reads as it would have happened.
 */
import { DEFAULT_REMINDERS, type Actor, type DraftContent } from "../domain/agreement";
import type { Command } from "../domain/lifecycle";

export interface DemoStep {
  at: string;
  actor: Actor;
  command: Command;
}

export interface DemoAgreement {
  id: string;
  createdAt: string;
  content: DraftContent;
  steps: DemoStep[];
}

const editor: Actor = { kind: "user", id: "editor@example.se", email: "editor@example.se" };
const registrar: Actor = { kind: "user", id: "registrar@example.se", email: "registrar@example.se" };
const workflow: Actor = { kind: "system", id: "workflow" };

/** Västerås stad and Mamma United, valid 2024-02-01 to 2026-12-31. */
export const mammaUnited: DemoAgreement = {
  id: "vasteras-mamma-united",
  createdAt: "2023-11-20T09:00:00+01:00",
  content: {
    title: "Partnerskap för delaktighet, tillit och framtidstro hos mammor",
    purpose:
      "Ett långsiktigt, gemensamt arbete för att nå fler föräldrar i socioekonomiskt svaga bostadsområden med information " +
      "och föräldrastödjande insatser, så att föräldrarna i högre grad kan påverka sin egen och sina barns livssituation.",
    municipality: { organisation: "Västerås stad", decidingBody: "Kultur-, idrotts- och fritidsnämnden" },
    associations: [
      {
        name: "Mamma United",
        organisationNumber: "802535-1233",
        contact: { name: "Verksamhetschef Mamma United", role: "Grundare och verksamhetschef", email: "kontakt@mammaunited.example.se" },
      },
    ],
    otherPartners: [],
    subEfforts: [
      { name: "Utbildningsprogram för mammor", description: "Grupper som träffas tolv gånger, ledda av en koordinator som bjuder in samhällsaktörer.", activityStatus: "started" },
      { name: "Pilot för pappor", description: "Ett liknande upplägg för pappor, med stöd av Länsstyrelsen i Västmanland.", activityStatus: "started" },
    ],
    period: { start: "2024-02-01", end: "2026-12-31" },
    noticePeriodMonths: null,
    budget: [
      { year: 2024, amountSek: 450_000 },
      { year: 2025, amountSek: 450_000 },
      { year: 2026, amountSek: 450_000 },
    ],
    coFinancing: { description: "Ideellt arbete, lokaler och kontaktnät", amountSek: 120_000 },
    responsibleOfficer: { name: "Eva Handläggare", email: "editor@example.se" },
    contacts: [{ name: "Verksamhetschef fritid och förebyggande", organisation: "Kultur-, idrotts- och fritidsförvaltningen", email: "fritid@vasteras.example.se" }],
    reportingRequirements: [
      { id: "verksamhet", kind: "activity", description: "Verksamhetsberättelse med antal deltagare", dueDates: ["2025-03-31", "2026-03-31", "2027-03-31"] },
      { id: "ekonomi", kind: "financial", description: "Ekonomisk redovisning", dueDates: ["2025-03-31", "2026-03-31", "2027-03-31"] },
    ],
    reminders: DEFAULT_REMINDERS,
    procurementAssessment:
      "Bedömt som IOP: verksamheten är inte upphandlingspliktig enligt LOU, och stödet avser icke-ekonomisk verksamhet och utgör inte statsstöd.",
  },
  steps: [
    { at: "2023-12-05T10:00:00+01:00", actor: editor, command: { type: "submit" } },
    {
      at: "2024-01-18T15:00:00+01:00",
      actor: registrar,
      command: {
        type: "decide",
        decision: { outcome: "approved", date: "2024-01-18", body: "Kultur-, idrotts- och fritidsnämnden", diaryNumber: "KIFN 2023/00412", minuteReference: "Protokoll 2024-01-18 § 7" },
      },
    },
    { at: "2024-02-01T00:00:00+01:00", actor: workflow, command: { type: "activate" } },
  ],
};

/** Västerås stad, Bäckby: five sub-efforts decided by Kommunstyrelsen. */
export const backby: DemoAgreement = {
  id: "vasteras-backby",
  createdAt: "2024-09-02T09:00:00+02:00",
  content: {
    title: "Social insats på Bäckby",
    purpose:
      "Förutsättningar för en socialt hållbar stadsdel, drivet effektivt genom god samordning och öppenhet för att pröva nya lösningar.",
    municipality: { organisation: "Västerås stad", decidingBody: "Kommunstyrelsen" },
    associations: [
      { name: "Bäckby Föreningsallians", organisationNumber: "802480-4562", contact: { name: "Ordförande", email: "ordforande@backby.example.se" } },
    ],
    otherPartners: [{ name: "Bostadsbolaget i Bäckby", role: "Fastighetsägare, upplåter den allmänna ytan i Bäckbyhuset" }],
    subEfforts: [
      { name: "Connexion west", description: "Mötesplats i Bäckbyhusets allmänna yta: café, coachning och samhällsinformation; unga möter unga.", activityStatus: "started" },
      { name: "Culture together", description: "Boende leder, driver och utformar kulturlivet i bostadsområdet.", activityStatus: "started" },
      { name: "Grow green", description: "Stadsodling som överbygger generations- och kulturgränser.", activityStatus: "done" },
      { name: "Move and stay", description: "Stadsdelens attraktivitet: fysisk miljö som stärker det sociala kapitalet och tryggheten.", activityStatus: "planned" },
      { name: "Parkstråket", description: "Medverkan i utvecklingen av det centrala parkstråket med nya publika rum.", activityStatus: "planned" },
    ],
    period: { start: "2025-01-01", end: "2027-12-31" },
    noticePeriodMonths: 6,
    budget: [
      { year: 2025, amountSek: 1_200_000 },
      { year: 2026, amountSek: 1_200_000 },
      { year: 2027, amountSek: 1_000_000 },
    ],
    coFinancing: { description: "Ideella timmar och föreningens lokaler" },
    responsibleOfficer: { name: "Anna Strateg", email: "editor@example.se", phone: "021-00 00 00" },
    contacts: [{ name: "Strateg", organisation: "Stadsledningskontoret", email: "strateg@vasteras.example.se" }],
    reportingRequirements: [
      { id: "halvar", kind: "activity", description: "Halvårsrapport per delinsats", dueDates: ["2025-08-31", "2026-02-28", "2026-08-31", "2027-02-28", "2027-08-31"] },
      { id: "slut", kind: "final", description: "Slutrapport", dueDates: ["2028-03-31"] },
    ],
    reminders: DEFAULT_REMINDERS,
    procurementAssessment: "IOP valt framför upphandling: insatsen bygger på föreningens egna initiativ; inget statsstöd då verksamheten inte är ekonomisk.",
  },
  steps: [
    { at: "2024-10-01T10:00:00+02:00", actor: editor, command: { type: "submit" } },
    {
      at: "2024-11-20T16:00:00+01:00",
      actor: registrar,
      command: { type: "decide", decision: { outcome: "approved", date: "2024-11-20", body: "Kommunstyrelsen", diaryNumber: "KS 2025/39", minuteReference: "KS protokoll 2024-11-20 § 212" } },
    },
    { at: "2025-01-01T00:00:00+01:00", actor: workflow, command: { type: "activate" } },
  ],
};

const molndalContent = {
  municipality: { organisation: "Mölndals stad", decidingBody: "Kultur- och fritidsnämnden" },
  purpose: "Främjande och förebyggande socialt arbete för trygga bostadsområden, tillsammans med föreningsliv, polis och skola.",
  noticePeriodMonths: 3,
  coFinancing: null,
  responsibleOfficer: { name: "Henrik Avdelningschef", email: "registrar@example.se" },
  contacts: [],
  reminders: DEFAULT_REMINDERS,
  procurementAssessment: "Områdesarbete i samverkan, inte upphandlingspliktigt; inget statsstöd.",
} satisfies DraftContent;

/** Mölndal: area work in Kållered, phased out when the work moved to Balltorp. */
export const kallered: DemoAgreement = {
  id: "molndal-kallered",
  createdAt: "2018-10-15T09:00:00+02:00",
  content: {
    ...molndalContent,
    title: "Områdesarbete i Kållered",
    associations: [{ name: "Kållereds Föreningsråd", organisationNumber: "802511-7899" }],
    otherPartners: [{ name: "Kållered BID", role: "Samarbete mellan staden, näringslivet, föreningar och fastighetsbolag" }],
    subEfforts: [{ name: "Unga kommunutvecklare", description: "Unga anställda som arbetar i sina bostadsområden.", activityStatus: "done" }],
    period: { start: "2019-01-01", end: "2022-12-31" },
    budget: [2019, 2020, 2021, 2022].map((year) => ({ year, amountSek: 300_000 })),
    reportingRequirements: [{ id: "arlig", kind: "activity", description: "Årlig uppföljning", dueDates: ["2020-02-28", "2021-02-28"] }],
  },
  steps: [
    { at: "2018-11-01T10:00:00+01:00", actor: editor, command: { type: "submit" } },
    {
      at: "2018-12-12T15:00:00+01:00",
      actor: registrar,
      command: { type: "decide", decision: { outcome: "approved", date: "2018-12-12", body: "Kultur- och fritidsnämnden", diaryNumber: "KFN 2018/0147", minuteReference: "§ 88" } },
    },
    { at: "2019-01-01T00:00:00+01:00", actor: workflow, command: { type: "activate" } },
    {
      at: "2021-06-10T11:00:00+02:00",
      actor: editor,
      command: {
        type: "terminate",
        termination: {
          ground: "municipality-notice",
          givenOn: "2021-06-10",
          effectiveDate: "2021-09-30",
          reason: "Områdesarbetet flyttar till Balltorp sedan Kållered BID etablerat sig i området.",
        },
      },
    },
    { at: "2021-10-01T00:00:00+02:00", actor: workflow, command: { type: "end" } },
  ],
};

/** Mölndal: the area work's new home in Balltorp, with the property companies as partners. */
export const balltorp: DemoAgreement = {
  id: "molndal-balltorp",
  createdAt: "2021-06-14T09:00:00+02:00",
  content: {
    ...molndalContent,
    title: "Områdesarbete i Balltorp",
    associations: [{ name: "Balltorps Fritidsförening", organisationNumber: "802004-3215" }],
    otherPartners: [
      { name: "Fastighetsbolag i Balltorp", role: "Nya avtal om trygghet och trivsel", organisationNumber: "556677-8808" },
      { name: "Polisen i Mölndal", role: "Samverkan" },
    ],
    subEfforts: [
      { name: "Kartläggning", description: "Kartläggning under våren innan verksamheten drar igång.", activityStatus: "done" },
      { name: "Trygghet och trivsel", description: "Verksamhet från hösten 2021.", activityStatus: "started" },
    ],
    period: { start: "2021-10-01", end: "2027-09-30" },
    budget: [2021, 2022, 2023, 2024, 2025, 2026, 2027].map((year) => ({ year, amountSek: year === 2021 ? 100_000 : 400_000 })),
    reportingRequirements: [{ id: "arlig", kind: "activity", description: "Årlig uppföljning", dueDates: ["2026-02-28", "2027-02-28", "2027-12-31"] }],
  },
  steps: [
    { at: "2021-06-15T10:00:00+02:00", actor: editor, command: { type: "submit" } },
    {
      at: "2021-08-25T15:00:00+02:00",
      actor: registrar,
      command: { type: "decide", decision: { outcome: "approved", date: "2021-08-25", body: "Kultur- och fritidsnämnden", diaryNumber: "KFN 2021/0088", minuteReference: "§ 54" } },
    },
    { at: "2021-10-01T00:00:00+02:00", actor: workflow, command: { type: "activate" } },
  ],
};

/** Umeå: "Umeå växer – tryggt och säkert", five focus areas followed with green / yellow / red. */
export const umea: DemoAgreement = {
  id: "umea-tryggt-och-sakert",
  createdAt: "2026-09-14T09:00:00+02:00",
  content: {
    title: "Umeå växer – tryggt och säkert",
    purpose: "Öka tryggheten, minska brottsligheten och motverka social oro i Umeås nordöstra stadsdelar genom systematiskt arbete.",
    municipality: { organisation: "Umeå kommun", decidingBody: "Kommunstyrelsen" },
    associations: [{ name: "Idrottsföreningen Young Boys", organisationNumber: "802466-1350", contact: { name: "Kansliet", email: "kansli@youngboys.example.se" } }],
    otherPartners: [{ name: "Polisen", role: "Samverkan i projektet Starkare" }, { name: "AB Bostaden", role: "Feriejobb och utemiljö" }],
    subEfforts: [
      { name: "Förebygga droger och kriminell livsstil", description: "Projektet Starkare: styrketräning med poliser.", activityStatus: "started" },
      { name: "Stärka föräldrar", description: "", activityStatus: "planned" },
      { name: "Öka förutsättningar för en meningsfull fritid", description: "Fotbollsakademin på Ersboda.", activityStatus: "done" },
      { name: "Förebygga utanförskap", description: "Sociala insatsgrupper tillsammans med skolorna.", activityStatus: "started" },
      { name: "Utveckla samverkan", description: "Effektiv samordning; SSPF mellan socialtjänst, skola, polis och fritid.", activityStatus: "planned" },
    ],
    period: { start: "2027-01-01", end: "2028-12-31" },
    noticePeriodMonths: 3,
    budget: [
      { year: 2027, amountSek: 650_000 },
      { year: 2028, amountSek: 650_000 },
    ],
    coFinancing: { description: "Ledare och anläggningstider", amountSek: 200_000 },
    responsibleOfficer: { name: "Processledare UmeBrå", email: "editor@example.se" },
    contacts: [{ name: "Processledare", organisation: "UmeBrå, Umeå kommun", email: "umebra@umea.example.se" }],
    reportingRequirements: [{ id: "aktivitetsplan", kind: "activity", description: "Aktivitetsplan med status grön / gul / röd", dueDates: ["2027-06-30", "2027-12-31", "2028-06-30", "2028-12-31"] }],
    reminders: { ...DEFAULT_REMINDERS, notifyAssociationContact: true },
    procurementAssessment: "IOP: föreningens eget initiativ, ingen marknad för tjänsten; stödet är inte statsstöd.",
  },
  steps: [{ at: "2026-10-15T10:00:00+02:00", actor: editor, command: { type: "submit" } }],
};

/** Helsingborg: a focused effort (punktinsats) with a responsible person and a mandate, still being drafted. */
export const helsingborg: DemoAgreement = {
  id: "helsingborg-punktinsats",
  createdAt: "2026-11-02T09:00:00+01:00",
  content: {
    title: "Fokuserad punktinsats i stadsdelen",
    purpose: "Göra det möjligt för de som bor i stadsdelen att höja sin livskvalitet utifrån sina egna villkor och behov.",
    municipality: { organisation: "Helsingborgs stad", decidingBody: "Kommunstyrelsen" },
    responsibleOfficer: { name: "Ansvarig med mandat", email: "editor@example.se" },
    contacts: [
      { name: "Nätverket i stadsdelen", role: "Förvaltningar och bolag som samordnar", email: "natverk@helsingborg.example.se" },
      { name: "Helsingborg kontaktcenter", role: "Tar emot idéer och initiativ" },
    ],
  },
  steps: [],
};

export const DEMO_AGREEMENTS: readonly DemoAgreement[] = [mammaUnited, backby, kallered, balltorp, umea, helsingborg];
