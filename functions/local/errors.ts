/**
 * A failure the user can fix (missing Java, port taken, data directory in use).
 * `npm start` prints only its one-line message and exits 1; a stack trace would hide the fix.
 */
export class StartupError extends Error {
  override readonly name: string = "StartupError";
}
