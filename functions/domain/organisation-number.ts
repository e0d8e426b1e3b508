/**
 * Swedish organisationsnummer: ten digits, written NNNNNN-NNNN, the last one a Luhn check digit over the
 * first nine. Associations (ideella föreningar) usually begin with 8.
 */

const PATTERN = /^(\d{6})-?(\d{4})$/;

export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let index = 0; index < nineDigits.length; index++) {
    let digit = Number(nineDigits[index]) * (index % 2 === 0 ? 2 : 1);
    if (digit > 9) digit -= 9;
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** Returns the number in its canonical NNNNNN-NNNN form, or null when it is malformed or its check digit is wrong. */
export function normaliseOrganisationNumber(value: string): string | null {
  const match = PATTERN.exec(value.trim());
  if (!match) return null;
  const digits = `${match[1]}${match[2]}`;
  if (luhnCheckDigit(digits.slice(0, 9)) !== Number(digits[9])) return null;
  return `${match[1]}-${match[2]}`;
}
