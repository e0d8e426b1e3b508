/**
 * Counting what a piece of code reads from DynamoDB: the benchmarks report it beside their times, and the
 * dashboard's test checks that its reads do not grow with the agreements stored.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface ReadCount {
  queries: number;
  batchGets: number;
  gets: number;
  items: number;
  units: number;
}

/** Counts the reads sent through the client, with the capacity DynamoDB says they consumed. */
export function countReads(client: DynamoDBClient): { take(): ReadCount } {
  let count: ReadCount = { queries: 0, batchGets: 0, gets: 0, items: 0, units: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName;
      const reading = command === "QueryCommand" || command === "BatchGetItemCommand" || command === "GetItemCommand";
      if (reading) (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = "TOTAL";
      const result = await next(args);
      if (!reading) return result;
      const output = result.output as {
        Items?: unknown[];
        Item?: unknown;
        Responses?: Record<string, unknown[]>;
        ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
      };
      if (command === "QueryCommand") count.queries++;
      if (command === "BatchGetItemCommand") count.batchGets++;
      if (command === "GetItemCommand") count.gets++;
      count.items += (output.Items?.length ?? 0) + (output.Item === undefined ? 0 : 1);
      count.items += Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
      const consumed = output.ConsumedCapacity;
      count.units += (Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
      return result;
    },
    { step: "initialize", name: "benchCountReads" },
  );
  return {
    take() {
      const taken = count;
      count = { queries: 0, batchGets: 0, gets: 0, items: 0, units: 0 };
      return taken;
    },
  };
}
