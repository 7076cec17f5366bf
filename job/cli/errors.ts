/** Exit codes of `cdr-summary` (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The run failed while working (I/O, unexpected error). */
  failure: 1,
  /** Unusable input: bad arguments, missing folder/bucket, unreadable prices. Nothing was written. */
  usage: 2,
  /** Another run holds the period's lease (job/pipeline/lease.ts). Nothing was written; try again later. */
  locked: 3,
} as const;

/** An error in what the user gave us; printed as one line, exit code 2, nothing written. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
