/**
 * Agreements as CSV for Excel as Swedish municipalities run it: UTF-8 with a byte order mark (without one, Excel
 * reads "Västerås" as "VÃ¤sterÃ¥s"), `;` between fields (the list separator where the decimal mark is a comma),
 * CRLF line ends, every field quoted. Dates are YYYY-MM-DD, amounts whole kronor without separators, so Excel
 * reads them as numbers. The columns are what staff filter on: status, parties, sub-efforts and their activity
 * status, money, the decision, the termination and the renewal chain by title. Lists within a cell are separated
 * by "; ", since names may hold commas.
 */
import type { ActivityStatus, Agreement, Status, TerminationGround } from "../../domain/agreement";
import { stockholmDate } from "../../domain/dates";

const BYTE_ORDER_MARK = "\uFEFF";
const SEPARATOR = ";";
const LINE_END = "\r\n";

const STATUS_LABELS_SV: Record<Status, string> = {
  draft: "Utkast",
  proposed: "Väntar på beslut",
  approved: "Godkänt",
  active: "Aktivt",
  expired: "Utgånget",
  renewed: "Förnyat",
  terminated: "Uppsagt",
  rejected: "Avslaget",
  withdrawn: "Återkallat",
};

/** As the Umeå activity plan words them: green, yellow, red. */
const ACTIVITY_STATUS_LABELS_SV: Record<ActivityStatus, string> = {
  done: "genomförs",
  started: "påbörjad",
  planned: "ej påbörjad",
};

const TERMINATION_GROUND_LABELS_SV: Record<TerminationGround, string> = {
  "municipality-notice": "Uppsagt av kommunen",
  "association-notice": "Uppsagt av föreningen",
  "mutual-agreement": "Överenskommelse",
  breach: "Hävt på grund av avtalsbrott",
};

/** Titles of the agreements a row names (predecessor, successor), by id; an id not in it is shown as the id. */
export type TitlesById = ReadonlyMap<string, string>;

interface Column {
  header: string;
  value(agreement: Agreement, titles: TitlesById): string | number | null | undefined;
}

const sumOf = (amounts: readonly number[]) => amounts.reduce((total, amount) => total + amount, 0);
const list = (items: readonly string[] | undefined) => items?.join("; ");
const titleOf = (id: string | null, titles: TitlesById) => (id === null ? null : (titles.get(id) ?? id));

const COLUMNS: readonly Column[] = [
  { header: "Id", value: (a) => a.id },
  { header: "Titel", value: (a) => a.title },
  { header: "Status", value: (a) => STATUS_LABELS_SV[a.status] },
  { header: "Kommun", value: (a) => a.municipality?.organisation },
  { header: "Förening", value: (a) => a.associations?.map((association) => association.name).join(", ") },
  { header: "Organisationsnummer", value: (a) => a.associations?.map((association) => association.organisationNumber).join(", ") },
  {
    header: "Övriga parter",
    value: (a) => list(a.otherPartners?.map((partner) => (partner.role === undefined ? partner.name : `${partner.name} (${partner.role})`))),
  },
  {
    header: "Delinsatser (status)",
    value: (a) => list(a.subEfforts?.map((subEffort) => `${subEffort.name} (${ACTIVITY_STATUS_LABELS_SV[subEffort.activityStatus]})`)),
  },
  { header: "Startdatum", value: (a) => a.period?.start },
  { header: "Slutdatum", value: (a) => a.period?.end },
  { header: "Uppsägningstid (månader)", value: (a) => a.noticePeriodMonths },
  { header: "Budget totalt (kr)", value: (a) => (a.budget === undefined ? null : sumOf(a.budget.map((year) => year.amountSek))) },
  { header: "Budget per år (kr)", value: (a) => a.budget?.map((year) => `${year.year}: ${year.amountSek}`).join(", ") },
  { header: "Medfinansiering", value: (a) => a.coFinancing?.description },
  { header: "Medfinansiering (kr)", value: (a) => a.coFinancing?.amountSek },
  { header: "Ansvarig handläggare", value: (a) => a.responsibleOfficer?.name },
  { header: "Handläggarens e-post", value: (a) => a.responsibleOfficer?.email },
  { header: "Beslutande organ", value: (a) => a.decision?.body ?? a.municipality?.decidingBody },
  { header: "Beslutsdatum", value: (a) => a.decision?.date },
  { header: "Diarienummer", value: (a) => a.decision?.diaryNumber },
  { header: "Protokoll", value: (a) => a.decision?.minuteReference },
  { header: "Uppsägning", value: (a) => (a.termination == null ? null : TERMINATION_GROUND_LABELS_SV[a.termination.ground]) },
  { header: "Uppsägning given", value: (a) => a.termination?.givenOn },
  { header: "Gäller till och med (uppsagt)", value: (a) => a.termination?.effectiveDate },
  { header: "Förnyar", value: (a, titles) => titleOf(a.renewalOf, titles) },
  { header: "Förnyas av", value: (a, titles) => titleOf(a.renewedBy, titles) },
  { header: "Senast ändrat", value: (a) => stockholmDate(new Date(a.updatedAt)) },
];

/**
 * A cell Excel will not run: text starting with = + - @ (or a tab or carriage return, which Excel skips before
 * looking) is a formula to a spreadsheet, so it gets a leading apostrophe, which Excel shows as text and hides.
 */
function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '""';
  const text = String(value);
  const safe = typeof value === "string" && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

function row(cells: readonly string[]): string {
  return `${cells.join(SEPARATOR)}${LINE_END}`;
}

/** The ids of the agreements the rows name but do not hold, whose titles the caller looks up. */
export function relatedIds(agreements: readonly Agreement[]): string[] {
  const held = new Set(agreements.map((agreement) => agreement.id));
  const named = agreements.flatMap((agreement) => [agreement.renewalOf, agreement.renewedBy]).filter((id): id is string => id !== null);
  return [...new Set(named)].filter((id) => !held.has(id));
}

/** `related`: the agreements {@link relatedIds} named, for their titles. */
export function agreementsCsv(agreements: readonly Agreement[], related: readonly Agreement[] = []): string {
  const titles: TitlesById = new Map(
    [...agreements, ...related].flatMap((agreement) => (agreement.title === undefined ? [] : [[agreement.id, agreement.title] as const])),
  );
  return (
    BYTE_ORDER_MARK +
    row(COLUMNS.map((column) => cell(column.header))) +
    agreements.map((agreement) => row(COLUMNS.map((column) => cell(column.value(agreement, titles))))).join("")
  );
}
