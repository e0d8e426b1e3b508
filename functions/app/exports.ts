/**
 * Exports for the tools staff already use: the agreement list as CSV for Excel, and a personal calendar feed of
 * agreement dates at a secret address a calendar app subscribes to (the secret is the credential).
 */
import type { Agreement } from "../domain/agreement";
// The same page the reminder emails link to.
import { agreementLink } from "../domain/links";
import { MAX_PAGE_SIZE } from "../store/paging";
import type { AgreementFilters } from "../store/search";
import { permitted, type Principal } from "./principal";
import { UseCaseError } from "./errors";
import { agreementEvents, icsCalendar } from "./exports/calendar";
import { agreementsCsv, relatedIds } from "./exports/csv";
import type { ApplicationPorts } from "./ports";

/** Rows of one CSV export: far more than a municipality's agreements, and well inside a Lambda response. */
export const MAX_CSV_ROWS = 5_000;
/** Agreements of one officer in a calendar feed. */
const MAX_FEED_AGREEMENTS = 1_000;

export function exportUseCases({ store, calendarFeeds, clock, appOrigin }: ApplicationPorts) {
  return {
    /** Every agreement matching the filters as CSV (UTF-8 with a byte order mark, `;`, CRLF). */
    async agreementsCsv(principal: Principal, filters: AgreementFilters): Promise<string> {
      permitted(principal, "read");
      const agreements: Agreement[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.search(filters, { limit: MAX_PAGE_SIZE, cursor });
        agreements.push(...page.items);
        cursor = page.cursor;
        if (agreements.length > MAX_CSV_ROWS) {
          throw new UseCaseError("invalid", "Too many agreements to export", `More than ${MAX_CSV_ROWS} agreements match; narrow the filters`);
        }
      } while (cursor !== null);
      return agreementsCsv(agreements, await store.getMany(relatedIds(agreements)));
    },

    /** A new secret address for the principal's calendar feed; any earlier one stops working at once. */
    async rotateCalendarFeed(principal: Principal): Promise<{ url: string }> {
      permitted(principal, "read");
      const secret = await calendarFeeds.rotate(principal.email, clock.now());
      return { url: `${appOrigin}/api/calendar/${secret}.ics` };
    },

    /** The feed the secret opens, as iCalendar: the owner's agreements' end, notice and report due dates. */
    async calendarFeed(secret: string): Promise<string> {
      const owner = await calendarFeeds.ownerOf(secret);
      if (owner === null) throw new UseCaseError("not-found", "Not found", "No calendar feed has this address; it may have been replaced by a newer one");
      const events = [];
      let cursor: string | null = null;
      let read = 0;
      do {
        const page = await store.listByOfficer(owner, { limit: MAX_PAGE_SIZE, cursor });
        events.push(...page.items.flatMap((agreement) => agreementEvents(agreement, agreementLink(appOrigin, agreement.id))));
        read += page.items.length;
        cursor = page.cursor;
      } while (cursor !== null && read < MAX_FEED_AGREEMENTS);
      return icsCalendar("IOP-avtal", events);
    },
  };
}

export type ExportUseCases = ReturnType<typeof exportUseCases>;
