/**
 * Exit codes scripts can rely on. They follow the BSD sysexits convention
 * where one fits.
 */
export const ExitCode = Object.freeze({
  /** The command did what it was asked. */
  Ok: 0,
  /** The command ran but the work failed (a build error, a failing check). */
  Failed: 1,
  /** The command line was wrong: unknown option, missing argument. */
  Usage: 64,
  /** The input (directory, store, configuration) is missing or unusable. */
  BadInput: 66,
  /** Anatomy itself is broken or not built. */
  Internal: 70,
  /** The store is busy with another writer. */
  Busy: 75,
} as const);
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
