/**
 * Why parseCdr rejects an object. Each rejection carries one of these codes plus a one-line reason
 * naming the offending field; the codes are stable (they end up in rejects.jsonl and the manifest).
 */
export const REJECT_CODES = {
  /** The object body is empty (zero bytes or only whitespace). */
  empty: 'the object is empty',
  /** The object is larger than MAX_CDR_BYTES. */
  'too-large': 'the object is larger than the size cap',
  /** The bytes are not valid UTF-8. */
  'not-utf8': 'the object is not valid UTF-8',
  /** The text is not JSON (truncated, garbage, trailing data). */
  'not-json': 'the object is not valid JSON',
  /** Arrays/objects nested deeper than MAX_JSON_DEPTH (checked before JSON.parse). */
  'too-deep': 'the JSON is nested too deeply',
  /** Valid JSON, but not a JSON object (array, string, number, boolean, null). */
  'not-object': 'the JSON value is not an object',
  /** ServiceCode names another service (e.g. an SDR with ServiceCode AmazonChime). */
  'wrong-service': 'ServiceCode does not match the service being summarized',
  /** A required field is absent, null or an empty string. */
  'missing-field': 'a required field is missing',
  /** A field holds a JSON type that cannot be converted (object/array for a scalar, "yes" for a boolean). */
  'wrong-type': 'a field has the wrong type',
  /** A numeric field is not a number, not an integer where one is needed, or outside the safe range. */
  'invalid-number': 'a numeric field is not a valid number',
  /** BillableDurationMinutes needs more than MINUTES_SCALE (18) fractional digits: beyond the exact range. */
  'too-many-decimals': 'BillableDurationMinutes has more decimal places than can be held exactly',
  /** A duration, minute count or epoch time is negative. */
  'negative-value': 'a duration or time is negative',
  /** A duration longer than MAX_CALL_SECONDS (in seconds, minutes, or End - Start). */
  'duration-out-of-range': 'a duration is absurdly long',
  /** BillableDurationMinutes × 60 and BillableDurationSeconds differ by more than one 6-second billing increment. */
  'duration-mismatch': 'the billable minutes contradict the billable seconds',
  /** A top-level key occurs twice (JSON.parse would silently keep the last value). */
  'duplicate-key': 'the JSON object has a duplicate key',
  /** EndTimeEpochSeconds is before StartTimeEpochSeconds. */
  'end-before-start': 'the call ends before it starts',
  /** StartTimeEpochSeconds is before 2015-01-01 or more than a day after `now`. */
  'start-out-of-range': 'the call start time is implausible',
  /** A string field is longer than MAX_STRING_LENGTH. */
  'string-too-long': 'a string field is too long',
  /** A string field holds an unpaired UTF-16 surrogate (from a `\ud800` escape); it cannot be written as UTF-8. */
  'invalid-string': 'a string field is not valid Unicode',
} as const;

/** Codes given to a valid CDR after parsing, while the run rates and bills it. */
export const CALL_REJECT_CODES = {
  /** The call (TransactionId / CdrId) was already billed from an earlier object of the period: a re-delivery. */
  'duplicate-call': 'the call was already billed from an earlier object of the period',
  /** The price in effect is beyond PRICE_PRECISION digits (would not fit the Price and Cost columns). */
  'price-out-of-range': 'the price applied is beyond the exact decimal range',
  /** The charge of a deck or markup needs more digits than ChargedAmount holds exactly. */
  'charge-out-of-range': 'the charged amount is beyond the exact decimal range',
} as const;

/** A machine-friendly reject code of parseCdr (see REJECT_CODES for what each means). */
export type RejectCode = keyof typeof REJECT_CODES;

/** A reject code given after parsing (see CALL_REJECT_CODES). */
export type CallRejectCode = keyof typeof CALL_REJECT_CODES;

/** Every parseCdr reject code, in documentation order. */
export const REJECT_CODE_LIST = Object.keys(REJECT_CODES) as RejectCode[];
