/**
 * The domain's validation codes (errors.ts) in words, in each language: written once here. The pages' catalogues
 * take them in (web/i18n/sv.ts, en.ts), and the JSON API's problem details use them on their own
 * (functions/api/problems.ts), so the API's Lambda function carries none of the pages' catalogues. Placeholders in
 * braces ("{min}") are filled in from the error's params.
 */
import type { Language } from "../email/reminder-message";
import type { FieldError } from "./errors";

export const validationSv = {
  "validation.required": "Obligatoriskt",
  "validation.tooShort": "Skriv minst {min} tecken",
  "validation.tooLong": "Skriv högst {max} tecken",
  "validation.tooSmall": "Får inte vara mindre än {min}",
  "validation.tooLarge": "Får inte vara större än {max}",
  "validation.notText": "Skriv en text",
  "validation.notANumber": "Skriv ett tal",
  "validation.wholeNumber": "Skriv ett heltal",
  "validation.notAList": "Ange en lista",
  "validation.tooFewItems": "Ange minst {min}",
  "validation.tooManyItems": "Ange högst {max}",
  "validation.invalidDate": "Skriv ett datum som finns, som år-månad-dag (till exempel 2026-12-31)",
  "validation.invalidEmail": "Skriv en e-postadress, till exempel namn@exempel.se",
  "validation.invalidFormat": "Kontrollera hur det är skrivet",
  "validation.chooseOne": "Välj ett av alternativen",
  "validation.unknownField": "Är inte ett fält i den här begäran",
  "validation.endBeforeStart": "Slutdatumet måste vara samma dag som startdatumet eller senare",
  "validation.organisationNumber": "Skriv ett giltigt organisationsnummer, till exempel 802012-3456",
  "validation.notAfter": "Får inte vara senare än {date}",
  "validation.outsidePeriod": "Måste vara från {start} till {end}, avtalets period",
  "validation.noticeTooShort": "Med {months} månaders uppsägningstid och uppsägning den {givenOn} kan avtalet sluta tidigast {earliest}",
  "validation.noticePastEnd": "Uppsägning den {givenOn} hinner inte gälla innan avtalet slutar {end}: tidigast möjliga datum, {earliest}, är senare",
  "validation.budgetYearTwice": "Varje år får bara finnas med en gång",
  "validation.budgetYearMissing": "Det saknas en budget för {year}, som är ett år i avtalsperioden",
  "validation.budgetYearOutsidePeriod": "{year} ligger utanför avtalsperioden",
  "validation.reportingRequirementMissing": "Lägg till minst ett rapporteringskrav: hur föreningen rapporterar om sitt arbete",
  "validation.dueBeforeStart": "En rapport kan inte lämnas före avtalsperiodens start",
  "validation.renewalStart": "En förnyelse börjar dagen efter att det tidigare avtalet slutar: {date}",
  "validation.overlap": "Överlappar avtalet ”{title}” för samma förening, {start} till {end}",
  "validation.sortWithSearch": "Det går inte att sortera efter slutdatum när du söker eller väljer en förening. Ta bort sökningen eller föreningen, eller välj standardsortering",
  "validation.searchWords": "Skriv minst ett ord med minst {min} bokstäver eller siffror",
  "validation.tooManySearchWords": "Sök på högst {max} ord",
  "validation.invalid": "Kontrollera värdet",
};

export const validationEn: Record<keyof typeof validationSv, string> = {
  "validation.required": "Required",
  "validation.tooShort": "Write at least {min} characters",
  "validation.tooLong": "Write at most {max} characters",
  "validation.tooSmall": "Cannot be less than {min}",
  "validation.tooLarge": "Cannot be more than {max}",
  "validation.notText": "Write a text",
  "validation.notANumber": "Write a number",
  "validation.wholeNumber": "Write a whole number",
  "validation.notAList": "Give a list",
  "validation.tooFewItems": "Give at least {min}",
  "validation.tooManyItems": "Give at most {max}",
  "validation.invalidDate": "Write a real date as year-month-day (for example 2026-12-31)",
  "validation.invalidEmail": "Write an email address, for example name@example.com",
  "validation.invalidFormat": "Check how this is written",
  "validation.chooseOne": "Choose one of the options",
  "validation.unknownField": "Not a field of this request",
  "validation.endBeforeStart": "The end date must be the same as the start date or later",
  "validation.organisationNumber": "Write a valid organisation number, for example 802012-3456",
  "validation.notAfter": "Must be on or before {date}",
  "validation.outsidePeriod": "Must be from {start} to {end}, the agreement's period",
  "validation.noticeTooShort": "With {months} months' notice, notice given on {givenOn} takes effect on {earliest} at the earliest",
  "validation.noticePastEnd": "Notice given on {givenOn} cannot take effect before the agreement ends on {end}: the earliest possible date, {earliest}, is after it",
  "validation.budgetYearTwice": "Each year may appear only once",
  "validation.budgetYearMissing": "No budget for {year}, a year of the period",
  "validation.budgetYearOutsidePeriod": "{year} is outside the period",
  "validation.reportingRequirementMissing": "At least one reporting requirement: how the association reports on its work",
  "validation.dueBeforeStart": "A report cannot be due before the period starts",
  "validation.renewalStart": "A renewal starts the day after its predecessor ends: {date}",
  "validation.overlap": "Overlaps “{title}” for the same association, {start} to {end}",
  "validation.sortWithSearch": "A search or an association's agreements cannot be sorted by end date. Remove the search or the association, or choose the standard order",
  "validation.searchWords": "Enter at least one word of {min} or more letters or digits",
  "validation.tooManySearchWords": "Search for at most {max} words",
  "validation.invalid": "Check this value",
};

const VALIDATION_MESSAGES: Record<Language, Record<keyof typeof validationSv, string>> = { sv: validationSv, en: validationEn };

/** `message` with each "{name}" replaced by `params.name`; placeholders without a value are left as they are. */
export function fillMessage(message: string, params: Record<string, string | number> | undefined): string {
  if (params === undefined) return message;
  return message.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    return value === undefined ? placeholder : String(value);
  });
}

/** Field errors with their messages in `language`, e.g. for an API's problem details; errors without a code keep theirs. */
export function localizedFieldErrors(errors: readonly FieldError[], language: Language): FieldError[] {
  const messages = VALIDATION_MESSAGES[language];
  return errors.map((error) =>
    error.code === undefined ? error : { ...error, message: fillMessage(messages[`validation.${error.code}`], error.params) },
  );
}
