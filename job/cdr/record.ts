/**
 * A CDR that passed validation. `values` is aligned with the service's `cdrFields` (schema.ts):
 * strings as string, integers as number (safe integers only), booleans as boolean, minutes as
 * bigint scaled by 10^MINUTES_SCALE, and `null` for an absent optional field.
 */
export type CdrValue = string | number | boolean | bigint | null;

export interface CdrRecord {
  /** Values in `cdrFields` order. */
  readonly values: CdrValue[];
  /** StartTimeEpochSeconds. */
  readonly startEpochSeconds: number;
  /** EndTimeEpochSeconds, or null when absent. */
  readonly endEpochSeconds: number | null;
  /** BillableDurationMinutes scaled by 10^MINUTES_SCALE. */
  readonly billableMinutes: bigint;
  /** UsageType, or undefined (Business Calling). */
  readonly usageType: string | undefined;
}

/** Why an object was rejected: a short machine-friendly code and a one-line human reason. */
export interface Rejection {
  readonly code: string;
  readonly reason: string;
}

/** Outcome of parsing one object. */
export type ParseResult =
  | { readonly ok: true; readonly record: CdrRecord }
  | { readonly ok: false; readonly rejection: Rejection };
