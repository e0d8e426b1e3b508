/** Backoff for the store's retries of what DynamoDB left undone for lack of capacity or because of contention. */
const BASE_RETRY_DELAY_MS = 20;

/** Exponential backoff with full jitter, so that contenders do not retry in step. */
export function retryDelay(attempt: number): number {
  return Math.random() * BASE_RETRY_DELAY_MS * 2 ** attempt;
}
