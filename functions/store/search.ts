/**
 * Finding agreements by several filters at once, and the free-text index behind the text filter. Pure: which
 * index a search reads, what an agreement's searchable words are, and whether an agreement matches. The store
 * (agreements.ts) runs the queries; docs/data-model.md explains the rule.
 *
 * The text index holds, per agreement, one small item for each of its distinct words, in the partition of the
 * word's first two characters and sorted by the word. Looking up a term reads the items whose word starts with it
 * (a `begins_with` on the sort key), so "mamm" finds "Mamma United" and reads only the words that match: a search
 * costs what it finds. Every candidate is checked against the agreement itself, so an index item that lags behind a
 * change never yields a wrong result.
 */
import { STATUSES, type Agreement, type Status } from "../domain/agreement";
import { addDays, isCalendarDate, type CalendarDate } from "../domain/dates";
import { normaliseOrganisationNumber } from "../domain/organisation-number";
import { associationNumbers, officerKey, type Item, type ItemKey } from "./items";

/** Filters of an agreement search; every filter given must match. */
export interface AgreementFilters {
  status?: Status;
  /** Free text: every word must start a word of the title, an association's name or the diary number. */
  text?: string;
  /** Only agreements whose period ends before this date (the date itself excluded). */
  endsBefore?: CalendarDate;
  /** The responsible officer's email, any letter case. */
  responsible?: string;
  /** An association's organisationsnummer. */
  association?: string;
  /**
   * `endDate`: soonest end first. Without it, a list with no filter is newest first; a status, officer or end-date
   * filter reads an index ordered by end date anyway.
   */
  sort?: AgreementSort;
}

export const AGREEMENT_SORTS = ["endDate"] as const;
export type AgreementSort = (typeof AGREEMENT_SORTS)[number];

/** The filters, validated and normalised the way the indexes spell them. */
export interface SearchCriteria {
  status?: Status;
  /** Normalised search terms, longest first. */
  terms: string[];
  /** The last end date that matches: the day before `endsBefore`. */
  endsOnOrBefore?: CalendarDate;
  officer?: string;
  association?: string;
  byEndDate?: true;
}

/** Words shorter than this are not indexed, and search terms shorter than it are ignored. */
export const MIN_WORD_LENGTH = 2;
/** Characters of a word that are indexed; a longer search term matches on its first this-many characters. */
const MAX_WORD_LENGTH = 40;
/** At most this many search terms; one more would not narrow a search in practice. */
export const MAX_SEARCH_TERMS = 10;
const BUCKET_LENGTH = MIN_WORD_LENGTH;

/** Letters that do not decompose into a base letter and a mark. */
const FOLDED_LETTERS: Record<string, string> = { æ: "ae", ø: "o", œ: "oe", ß: "ss", ð: "d", þ: "th", ł: "l", đ: "d" };

/**
 * Lower case, diacritics removed (å, ä → a; ö → o; é → e), anything but letters and digits a separator.
 * Folding makes "Backby" find "Bäckby" for someone without a Swedish keyboard.
 */
export function searchWords(text: string): string[] {
  const folded = text
    .toLocaleLowerCase("sv")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[æøœßðþłđ]/g, (letter) => FOLDED_LETTERS[letter] ?? letter);
  return folded
    .split(/[^\p{L}\p{N}]+/u)
    .map((word) => [...word].slice(0, MAX_WORD_LENGTH).join(""))
    .filter((word) => [...word].length >= MIN_WORD_LENGTH);
}

function searchableText(agreement: Agreement): string[] {
  return [
    agreement.title ?? "",
    ...(agreement.associations ?? []).map((association) => association.name),
    agreement.decision?.diaryNumber ?? "",
  ];
}

function wordsOf(agreement: Agreement): Set<string> {
  return new Set(searchableText(agreement).flatMap(searchWords));
}

function bucketOf(word: string): string {
  return [...word].slice(0, BUCKET_LENGTH).join("");
}

function commonPrefixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

/**
 * The agreement's text index entries: each distinct word → how many leading characters (UTF-16 code units) it
 * shares with the agreement's word sorting just before it. A term matches several words of an agreement ("mamm":
 * mamma, mammor); the words starting with a term are neighbours in sorted order, so only the first of them shares
 * fewer characters than the term with its predecessor: that one entry stands for the agreement, and a search
 * returns each agreement once, on any page.
 */
export function textIndexEntries(agreement: Agreement): Map<string, number> {
  const words = [...wordsOf(agreement)].sort();
  return new Map(words.map((word, index) => [word, index === 0 ? 0 : commonPrefixLength(word, words[index - 1]!)]));
}

export function sameTextIndexEntries(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([word, shared]) => b.get(word) === shared);
}

const TEXT_PARTITION = "WORD#";

/** The partition of the bucket a word or search term falls in. */
export function textPartition(word: string): string {
  return `${TEXT_PARTITION}${bucketOf(word)}`;
}

/** Sorted by the word, then the agreement: the words starting with a term are one range of the partition. */
export function textKey(word: string, agreementId: string): ItemKey {
  return { pk: textPartition(word), sk: `${word}#${agreementId}` };
}

/** `version` is the agreement version the item reflects: a write only replaces or deletes an older item. */
export function textItem(word: string, agreementId: string, sharedWithPrevious: number, version: number): Item {
  return { ...textKey(word, agreementId), agreementId, word, sharedWithPrevious, version };
}

/** The agreement a text item stands for in a search for `term` (see textIndexEntries); null for its other words. */
export function textCandidate(item: Item, term: string): string | null {
  const first = typeof item.sharedWithPrevious === "number" && item.sharedWithPrevious < term.length;
  return first && typeof item.word === "string" && item.word.startsWith(term) && typeof item.agreementId === "string" ? item.agreementId : null;
}

/**
 * The key of the item an agreement had in the text index's first format (one per two-character bucket, listing
 * the words in it), for removing them when the index is rebuilt (text-index.ts).
 */
export function firstFormatTextKeys(agreement: Agreement): ItemKey[] {
  const buckets = new Set([...wordsOf(agreement)].map(bucketOf));
  return [...buckets].map((bucket) => ({ pk: `TEXT#${bucket}`, sk: `AGREEMENT#${agreement.id}` }));
}

/**
 * Validates and normalises filters.
 * @throws RangeError naming the filter that cannot be served
 */
export function searchCriteria(filters: AgreementFilters): SearchCriteria {
  const criteria: SearchCriteria = { terms: [] };
  if (filters.status !== undefined) {
    if (!STATUSES.includes(filters.status)) throw new RangeError(`Not a status: ${filters.status}`);
    criteria.status = filters.status;
  }
  if (filters.text !== undefined) {
    const terms = [...new Set(searchWords(filters.text))].sort((a, b) => b.length - a.length || a.localeCompare(b));
    if (terms.length === 0) throw new RangeError(`Search for at least ${MIN_WORD_LENGTH} letters or digits`);
    if (terms.length > MAX_SEARCH_TERMS) throw new RangeError(`Search for at most ${MAX_SEARCH_TERMS} words`);
    criteria.terms = terms;
  }
  if (filters.endsBefore !== undefined) {
    if (!isCalendarDate(filters.endsBefore)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${filters.endsBefore}`);
    criteria.endsOnOrBefore = addDays(filters.endsBefore, -1);
  }
  if (filters.responsible !== undefined) {
    const officer = officerKey(filters.responsible);
    if (officer === "") throw new RangeError("An officer's email is required");
    criteria.officer = officer;
  }
  if (filters.association !== undefined) {
    const association = normaliseOrganisationNumber(filters.association);
    if (association === null) throw new RangeError(`Not a valid organisationsnummer: ${filters.association}`);
    criteria.association = association;
  }
  if (filters.sort !== undefined) {
    if (!AGREEMENT_SORTS.includes(filters.sort)) throw new RangeError(`Not a sort order: ${filters.sort}`);
    if (!canSortByEndDate(filters)) throw new RangeError("A search or an association cannot be sorted by end date");
    criteria.byEndDate = true;
  }
  return criteria;
}

/**
 * Whether the list can be read in end-date order: the text index is ordered by word and the association links by
 * agreement, so a search or an association cannot; every other source is, or has an index that is.
 */
export function canSortByEndDate(filters: Pick<AgreementFilters, "text" | "association">): boolean {
  return filters.text === undefined && filters.association === undefined;
}

/** Where a search starts reading; any filter the source does not apply is checked on each agreement read. */
export type SearchSource =
  | { kind: "association"; organisationNumber: string }
  | { kind: "officer"; officer: string; endsOnOrBefore?: CalendarDate }
  | { kind: "text"; term: string }
  | { kind: "status"; status: Status; endsOnOrBefore?: CalendarDate }
  | { kind: "ending"; endsOnOrBefore: CalendarDate }
  | { kind: "all" }
  | { kind: "allByEnd" };

/**
 * The most selective index for the filters: an association has a handful of agreements, an officer a few dozen,
 * a word's bucket some more, a status or an end-date range many. Status and officer partitions are ordered by end
 * date, so an end-date filter narrows those reads by key as well.
 */
export function searchSource(criteria: SearchCriteria): SearchSource {
  const { association, officer, terms, status, endsOnOrBefore } = criteria;
  const range = endsOnOrBefore === undefined ? {} : { endsOnOrBefore };
  if (association !== undefined) return { kind: "association", organisationNumber: association };
  if (officer !== undefined) return { kind: "officer", officer, ...range };
  const longestTerm = terms[0];
  if (longestTerm !== undefined) return { kind: "text", term: longestTerm };
  if (status !== undefined) return { kind: "status", status, ...range };
  if (endsOnOrBefore !== undefined) return { kind: "ending", endsOnOrBefore };
  return criteria.byEndDate ? { kind: "allByEnd" } : { kind: "all" };
}

/** Whether the agreement, as stored now, matches every criterion. */
export function matchesCriteria(agreement: Agreement, criteria: SearchCriteria): boolean {
  if (criteria.status !== undefined && agreement.status !== criteria.status) return false;
  if (criteria.officer !== undefined && officerKey(agreement.responsibleOfficer?.email ?? "") !== criteria.officer) return false;
  if (criteria.association !== undefined && !associationNumbers(agreement).has(criteria.association)) return false;
  if (criteria.endsOnOrBefore !== undefined && !(agreement.period !== undefined && agreement.period.end <= criteria.endsOnOrBefore)) {
    return false;
  }
  if (criteria.terms.length > 0) {
    const words = [...wordsOf(agreement)];
    return criteria.terms.every((term) => words.some((word) => word.startsWith(term)));
  }
  return true;
}
