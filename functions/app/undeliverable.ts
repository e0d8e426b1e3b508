/**
 * Bounces and complaints reported by SES (the configuration set's event destination, infra/Email.ts) mark the
 * addresses that will not receive our email, so staff can correct a contact before the next reminder is lost;
 * staff ask which of the addresses they see (an agreement's contacts and invitations) are marked.
 * A permanent bounce or a complaint marks the address; a transient bounce (a full mailbox, a greylisting server)
 * does not, as SES has already retried it and the next message may well arrive.
 */
import * as z from "zod";
import type { UndeliverableAddress, UndeliverableAddressStore } from "../store/undeliverable-addresses";
import { permitted, type Principal } from "./principal";

/** More addresses than any agreement page shows: one read each. */
const MAX_ADDRESSES_ASKED = 100;

const recipientSchema = z.object({ emailAddress: z.string().min(1), diagnosticCode: z.string().optional() });

/** The two event types the configuration set publishes, in SES's event publishing format. */
const sesEventSchema = z.discriminatedUnion("eventType", [
  z.object({
    eventType: z.literal("Bounce"),
    bounce: z.object({
      bounceType: z.string(),
      timestamp: z.string(),
      bouncedRecipients: z.array(recipientSchema),
    }),
  }),
  z.object({
    eventType: z.literal("Complaint"),
    complaint: z.object({
      timestamp: z.string(),
      complainedRecipients: z.array(recipientSchema),
      complaintFeedbackType: z.string().optional(),
    }),
  }),
]);

/** Marks the addresses an SES event reports undeliverable; returns them (none for a transient bounce). */
export async function recordDeliveryEvent(
  { addresses }: { addresses: UndeliverableAddressStore },
  event: unknown,
): Promise<UndeliverableAddress[]> {
  const parsed = sesEventSchema.parse(event);
  let marked: UndeliverableAddress[];
  if (parsed.eventType === "Bounce") {
    const { bounceType, timestamp, bouncedRecipients } = parsed.bounce;
    marked =
      bounceType === "Permanent"
        ? bouncedRecipients.map((recipient) => ({
            address: recipient.emailAddress.toLowerCase(),
            reason: "bounce" as const,
            reportedAt: timestamp,
            ...(recipient.diagnosticCode === undefined ? {} : { detail: recipient.diagnosticCode }),
          }))
        : [];
  } else {
    const { timestamp, complainedRecipients, complaintFeedbackType } = parsed.complaint;
    marked = complainedRecipients.map((recipient) => ({
      address: recipient.emailAddress.toLowerCase(),
      reason: "complaint" as const,
      reportedAt: timestamp,
      ...(complaintFeedbackType === undefined ? {} : { detail: complaintFeedbackType }),
    }));
  }
  for (const record of marked) await addresses.mark(record);
  return marked;
}

export function deliveryUseCases({ addresses }: { addresses: Pick<UndeliverableAddressStore, "get"> }) {
  return {
    /** Which of these addresses email does not reach, each with why; the others are left out. */
    async undeliverable(principal: Principal, asked: readonly string[]): Promise<UndeliverableAddress[]> {
      permitted(principal, "read");
      const unique = [...new Set(asked.map((address) => address.toLowerCase()))].slice(0, MAX_ADDRESSES_ASKED);
      const marked = await Promise.all(unique.map((address) => addresses.get(address)));
      return marked.filter((record) => record !== null);
    },
  };
}
