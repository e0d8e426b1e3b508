/** Failures of the store that callers handle; any other DynamoDB failure surfaces unchanged. */

/**
 * A write lost the optimistic lock: the agreement changed (or, for a new one, came into existence) after it was
 * read. Nothing of the transaction was written; read again and retry the command, or report a conflict.
 */
export class VersionConflictError extends Error {
  override readonly name = "VersionConflictError";

  constructor(
    readonly agreementId: string,
    /** The version the write was based on; null when it meant to create the agreement. */
    readonly expectedVersion: number | null,
    options?: ErrorOptions,
  ) {
    super(
      expectedVersion === null
        ? `Agreement ${agreementId} already exists`
        : `Agreement ${agreementId} has changed since version ${expectedVersion} was read`,
      options,
    );
  }
}

/** A paging cursor that this store did not issue for this very query: forged, altered, or from another query. */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";

  constructor() {
    super("The cursor is not valid for this query; start again from the first page");
  }
}

/** A stored item that does not match the schema: data written outside the store or by an incompatible version. */
export class CorruptItemError extends Error {
  override readonly name = "CorruptItemError";

  constructor(
    readonly key: { pk: string; sk: string },
    problems: string,
  ) {
    super(`Stored item ${key.pk} / ${key.sk} is not valid: ${problems}`);
  }
}

/**
 * A submission lost the race for its overlap guard (overlap-guard.ts): another agreement for the same association
 * and title was submitted between this one's read and its write. Nothing was written; run the command again on a
 * fresh read, where the overlap rule sees the other agreement.
 */
export class OverlapGuardConflictError extends Error {
  override readonly name = "OverlapGuardConflictError";

  constructor(
    readonly agreementId: string,
    options?: ErrorOptions,
  ) {
    super(`Another agreement for the same association and title was submitted at the same moment as ${agreementId}`, options);
  }
}

/**
 * The table could not be reached, or did not answer in time, after the client's retries: a network failure, a
 * timeout, throttling or an error on the database's side. Whether a write that was under way took effect is
 * decided by the table's own conditions (every write is one conditional transaction), never half; the caller may
 * try again shortly.
 */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";

  constructor(options?: ErrorOptions) {
    super("The database could not be reached", options);
  }
}
