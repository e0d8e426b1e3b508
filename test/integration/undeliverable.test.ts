// SES bounce and complaint events mark contact addresses undeliverable in the real table (DynamoDB Local).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordDeliveryEvent } from "../../functions/app/undeliverable";
import { createUndeliverableAddressStore, type UndeliverableAddressStore } from "../../functions/store/undeliverable-addresses";
import { createTestTable, type TestTable } from "../support/dynamo";

/** What SES's event publishing sends for a bounce, trimmed to what matters plus a little of what it also carries. */
function bounce(bounceType: "Permanent" | "Transient", ...addresses: string[]) {
  return {
    eventType: "Bounce",
    bounce: {
      bounceType,
      bounceSubType: "General",
      timestamp: "2026-03-02T08:15:00.000Z",
      feedbackId: "0100017a-bounce",
      bouncedRecipients: addresses.map((emailAddress) => ({
        emailAddress,
        action: "failed",
        status: "5.1.1",
        diagnosticCode: "smtp; 550 5.1.1 user unknown",
      })),
    },
    mail: { messageId: "0100017a-message", source: "iop-noreply@kommun.example", destination: addresses },
  };
}

let table: TestTable;
let addresses: UndeliverableAddressStore;

beforeAll(async () => {
  table = await createTestTable();
  addresses = createUndeliverableAddressStore({ client: table.documentClient, tableName: table.tableName });
});
afterAll(() => table.dispose());

describe("recording SES delivery events", () => {
  it("marks every recipient of a permanent bounce, whatever case the address was written in", async () => {
    const marked = await recordDeliveryEvent({ addresses }, bounce("Permanent", "Kassor@Forening.example", "ordf@forening.example"));
    expect(marked.map((record) => record.address)).toEqual(["kassor@forening.example", "ordf@forening.example"]);
    expect(await addresses.get("kassor@forening.example")).toEqual({
      address: "kassor@forening.example",
      reason: "bounce",
      reportedAt: "2026-03-02T08:15:00.000Z",
      detail: "smtp; 550 5.1.1 user unknown",
    });
    expect(await addresses.get("KASSOR@forening.example")).not.toBeNull();
  });

  it("leaves an address alone after a transient bounce", async () => {
    expect(await recordDeliveryEvent({ addresses }, bounce("Transient", "full@forening.example"))).toEqual([]);
    expect(await addresses.get("full@forening.example")).toBeNull();
  });

  it("marks a complaining recipient, replacing an earlier bounce of the same address", async () => {
    await recordDeliveryEvent({ addresses }, bounce("Permanent", "ordf@forening.example"));
    await recordDeliveryEvent(
      { addresses },
      {
        eventType: "Complaint",
        complaint: {
          timestamp: "2026-03-03T09:00:00.000Z",
          complainedRecipients: [{ emailAddress: "ordf@forening.example" }],
          complaintFeedbackType: "abuse",
        },
        mail: { messageId: "0100017a-other" },
      },
    );
    expect(await addresses.get("ordf@forening.example")).toEqual({
      address: "ordf@forening.example",
      reason: "complaint",
      reportedAt: "2026-03-03T09:00:00.000Z",
      detail: "abuse",
    });
  });

  it("refuses an event that is not a bounce or a complaint", async () => {
    await expect(recordDeliveryEvent({ addresses }, { eventType: "Delivery", delivery: {} })).rejects.toThrow();
  });
});
