/**
 * Agreements as CSV for Excel as Swedish municipalities run it: UTF-8 with a byte order mark (without one, Excel
 * reads "Västerås" as "VÃ¤sterÃ¥s"), `;` between fields (the list separator where the decimal mark is a comma),
 * CRLF line ends, every field quoted. Dates are YYYY-MM-DD, amounts whole kronor without separators.
 */
import type { Agreement, Status } from "../../domain/agreement";
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

interface Column {
  header: string;
  value(agreement: Agreement): string | number | null | undefined;
}

const sumOf = (amounts: readonly number[]) => amounts.reduce((total, amount) => total + amount, 0);

const COLUMNS: readonly Column[] = [
  { header: "Id", value: (a) => a.id },
  { header: "Titel", value: (a) => a.title },
  { header: "Status", value: (a) => STATUS_LABELS_SV[a.status] },
  { header: "Kommun", value: (a) => a.municipality?.organisation },
  { header: "Förening", value: (a) => a.associations?.map((association) => association.name).join(", ") },
  { header: "Organisationsnummer", value: (a) => a.associations?.map((association) => association.organisationNumber).join(", ") },
  { header: "Startdatum", value: (a) => a.period?.start },
  { header: "Slutdatum", value: (a) => a.period?.end },
  { header: "Uppsägningstid (månader)", value: (a) => a.noticePeriodMonths },
  { header: "Budget totalt (kr)", value: (a) => (a.budget === undefined ? null : sumOf(a.budget.map((year) => year.amountSek))) },
  { header: "Budget per år (kr)", value: (a) => a.budget?.map((year) => `${year.year}: ${year.amountSek}`).join(", ") },
  { header: "Medfinansiering (kr)", value: (a) => a.coFinancing?.amountSek },
  { header: "Ansvarig handläggare", value: (a) => a.responsibleOfficer?.name },
  { header: "Handläggarens e-post", value: (a) => a.responsibleOfficer?.email },
  { header: "Beslutande organ", value: (a) => a.decision?.body ?? a.municipality?.decidingBody },
  { header: "Beslutsdatum", value: (a) => a.decision?.date },
  { header: "Diarienummer", value: (a) => a.decision?.diaryNumber },
  { header: "Uppsagt från", value: (a) => a.termination?.effectiveDate },
  { header: "Förnyar", value: (a) => a.renewalOf },
  { header: "Förnyas av", value: (a) => a.renewedBy },
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

export function agreementsCsv(agreements: readonly Agreement[]): string {
  return (
    BYTE_ORDER_MARK +
    row(COLUMNS.map((column) => cell(column.header))) +
    agreements.map((agreement) => row(COLUMNS.map((column) => cell(column.value(agreement))))).join("")
  );
}
