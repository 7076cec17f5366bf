/**
 * The one error family of `cdr-summary`: every domain error extends `CdrSummaryError` through one of
 * the classes below, and carries the exit code the CLI returns for it (job/cli/program.ts `main`).
 */

/** Exit codes of `cdr-summary` (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The run failed while working (I/O, unexpected error). */
  failure: 1,
  /** Unusable input: bad arguments, missing folder/bucket, unreadable prices. Nothing was written. */
  usage: 2,
  /** Another run holds the period's lease. Nothing was written; try again later. */
  locked: 3,
} as const;

/** Base of every error this tool throws on purpose; `exitCode` is what the CLI exits with for it. */
export abstract class CdrSummaryError extends Error {
  abstract get exitCode(): number;
}

/** Unusable input (arguments, files, locations, configuration): one line, exit code 2, nothing written. */
export class InputError extends CdrSummaryError {
  get exitCode(): number {
    return EXIT.usage;
  }
}

/** Another run holds what this one needs (a lease): exit code 3, nothing written. */
export class LockedError extends CdrSummaryError {
  get exitCode(): number {
    return EXIT.locked;
  }
}

/** The work failed on data or services it met along the way: exit code 1. */
export class FailureError extends CdrSummaryError {
  get exitCode(): number {
    return EXIT.failure;
  }
}

/** The exit code for anything thrown: its own for a `CdrSummaryError`, 1 for anything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof CdrSummaryError ? error.exitCode : EXIT.failure;
}

/**
 * Re-throws `error`; an input error gets `what: ` in front of its message (the option or variable it
 * came from), keeping its class and exit code.
 */
export function rethrowNaming(what: string, error: unknown): never {
  if (error instanceof InputError) error.message = `${what}: ${error.message}`;
  throw error;
}
