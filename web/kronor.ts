/**
 * Amounts in kronor as people type them: "12 500", "12 500,00", "12500 kr", with ordinary, no-break or narrow
 * no-break spaces (what copying from a spreadsheet or from our own pages gives), or with points or commas between
 * the thousands ("12.500", "12,500"). Öre have at most two digits, so a comma or point before exactly three digits
 * always separates thousands. Forms keep what was typed and save the number this reads.
 */

const AMOUNT = /^(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*|\d+)(?:[.,](\d{1,2}))?$/;

/** The amount the text writes, in kronor (öre as decimals); null when it is not an amount. */
export function parseKronor(text: string): number | null {
  const compact = text.replace(/[\s\u00a0\u202f]+/g, "").replace(/^sek|(?:kr|:-|sek)$/gi, "");
  const match = AMOUNT.exec(compact);
  if (match === null) return null;
  const kronor = Number(match[1]!.replace(/[.,]/g, ""));
  const ore = match[3] === undefined ? 0 : Number(match[3].padEnd(2, "0"));
  return kronor + ore / 100;
}

/** An amount as the form shows it for editing: Swedish digit groups with ordinary spaces, "12 500". */
export function kronorForInput(kronor: number): string {
  return new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 2 }).format(kronor).replace(/[\u00a0\u202f]/g, " ");
}
