/**
 * parseCdr: bytes of one CDR object → a validated CdrRecord or a Rejection. The hot path of the job
 * (millions of ~700-byte objects), so: one strict UTF-8 decode, one size-bounded depth pre-scan,
 * one JSON.parse, then a per-schema compiled plan walks the schema's fields in order. Pure: no I/O,
 * the clock is injectable.
 *
 * Accepted leniencies (all exact, none lossy):
 * - numbers written as strings (`"24"`, `".4"`, `"1.5e1"`), as Business Calling writes them;
 * - booleans as `"true"`/`"false"`;
 * - an empty string for an optional numeric/boolean field is treated as absent (null);
 * - a JSON number for a string field is kept as its JavaScript text (`111122223333` → `"111122223333"`);
 * - unknown fields are ignored.
 * Not accepted: duplicate top-level keys (JSON.parse would keep the last one silently), and
 * BillableDurationMinutes × 60 contradicting BillableDurationSeconds by more than one billing increment.
 * Keys such as `__proto__` are own properties created by JSON.parse and are never copied anywhere,
 * and only own properties are read, so nothing can pollute or be polluted.
 */

import { parseDecimal, pow10 } from '../core/decimal';
import { perSchema } from '../core/per-schema';
import { type ColumnKind, MINUTES_SCALE, type ServiceSchema } from '../core/schema';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { numberLiteral, scanKeys } from './json-keys';
import type { CdrRecord, CdrValue, ParseResult } from './record';
import type { RejectCode } from './reject-codes';

/** Largest CDR object accepted, in bytes (a real CDR is under 1 KiB). Callers check the listed size first. */
export const MAX_CDR_BYTES = 64 * 1024;
/** Longest string field accepted, in UTF-16 code units. */
export const MAX_STRING_LENGTH = 4096;
/** Earliest plausible call start: 2015-01-01T00:00:00Z (before Amazon Chime existed). */
export const MIN_START_EPOCH_SECONDS = 1_420_070_400;
/** How far after `now` a call start may lie (clock skew between Chime and us). */
export const MAX_START_AHEAD_SECONDS = 86_400;
/** Longest plausible call: 31 days (applies to BillableDurationSeconds/Minutes and End - Start). */
export const MAX_CALL_SECONDS = 31 * 86_400;
/** Amazon Chime's billing increment: minutes × 60 may differ from BillableDurationSeconds by this much. */
export const BILLING_INCREMENT_SECONDS = 6;

/** Knobs of parseCdr; the defaults are the product's limits. */
export interface ParseOptions {
  /** Current time in epoch seconds for the "start in the future" check; default the wall clock. */
  readonly nowEpochSeconds?: number;
  /** Size cap in bytes; default MAX_CDR_BYTES. */
  readonly maxBytes?: number;
  /** String field length cap; default MAX_STRING_LENGTH. */
  readonly maxStringLength?: number;
  /** Nesting depth cap; default MAX_JSON_DEPTH. */
  readonly maxDepth?: number;
}

/** Field kinds a CDR can carry (the derived kinds never appear in cdrFields). */
type CdrKind = Extract<ColumnKind, 'string' | 'integer' | 'boolean' | 'minutes'>;

/** A schema compiled once into flat arrays for the hot loop. */
type Plan = Readonly<{
  /** The CDR field names, in the schema's order (the record's value order). */
  names: readonly string[];
  /** Each field's kind, which decides how its JSON value is checked and converted. */
  kinds: readonly CdrKind[];
  /** Whether a CDR without the field is rejected. */
  required: readonly boolean[];
  /** Whether an integer field is a duration (capped), as opposed to an epoch time. */
  isDuration: readonly boolean[];
  /** The service code the CDRs must carry (ServiceCode field). */
  service: string;
  startIndex: number;
  endIndex: number;
  minutesIndex: number;
  secondsIndex: number;
  usageTypeIndex: number;
  serviceCodeIndex: number;
}>;

const planFor = perSchema((schema): Plan => {
  const names = schema.cdrFields.map((f) => f.name);
  const kinds = schema.cdrFields.map((f) => {
    if (f.kind === 'string' || f.kind === 'integer' || f.kind === 'boolean' || f.kind === 'minutes') return f.kind;
    throw new Error(`CDR field ${f.name} has kind ${f.kind}, which parseCdr cannot read`);
  });
  const indexOf = (name: string, kind: CdrKind): number => {
    const i = names.indexOf(name);
    if (i < 0 || kinds[i] !== kind) throw new Error(`schema of ${schema.service} lacks ${kind} field ${name}`);
    return i;
  };
  return {
    names,
    kinds,
    required: schema.cdrFields.map((f) => f.required),
    isDuration: schema.cdrFields.map((f) => f.kind === 'integer' && !f.name.endsWith('EpochSeconds')),
    service: schema.service,
    startIndex: indexOf('StartTimeEpochSeconds', 'integer'),
    endIndex: indexOf('EndTimeEpochSeconds', 'integer'),
    minutesIndex: indexOf('BillableDurationMinutes', 'minutes'),
    secondsIndex: indexOf('BillableDurationSeconds', 'integer'),
    usageTypeIndex: names.indexOf('UsageType'),
    serviceCodeIndex: names.indexOf('ServiceCode'),
  };
});

/** Strict decoder: invalid UTF-8 throws; a leading BOM is removed (ignoreBOM: false). */
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
/** Matches an unpaired surrogate only (a valid pair is one astral code point in `u` mode). */
const LONE_SURROGATE = /\p{Cs}/u;
const PLAIN_UNSIGNED = /^\d{1,15}$/;
/** Unsigned decimal text below 1e9 with at most SHORT_DIGITS fractional digits; `.` alone excluded by the caller. */
const PLAIN_MINUTES = /^(?:\d{1,9}|\d{0,9}\.\d{0,6})$/;
/** Fractional digits of the fast path: a double below 1e9 with at most 6 of them scales exactly. */
const SHORT_DIGITS = 6;
const SHORT_FACTOR = 10 ** SHORT_DIGITS;
/** From the fast path's 10^6 units to MINUTES_SCALE. */
const SHORT_TO_SCALE = pow10(MINUTES_SCALE - SHORT_DIGITS);
const MINUTES_UNIT = pow10(MINUTES_SCALE);
const MAX_MINUTES_SCALED = BigInt(MAX_CALL_SECONDS / 60) * MINUTES_UNIT;
/** Fast-path minutes already converted (durations repeat: mostly whole tenths of a minute). */
const shortMinutes = new Map<number, bigint>();
const hasOwn = Object.hasOwn;

/** Internal: a field conversion failure (no exceptions on the hot path). */
class FieldError {
  constructor(
    readonly code: RejectCode,
    readonly reason: string,
  ) {}
}

function reject(code: RejectCode, reason: string): ParseResult {
  return { ok: false, rejection: { code, reason } };
}

/** Short printable form of a value for a one-line reason. */
function show(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Parses and validates one CDR object against a service's schema. Never throws for bad input:
 * every problem becomes a Rejection with a REJECT_CODES code and a one-line reason naming the field.
 */
export function parseCdr(bytes: Uint8Array, schema: ServiceSchema, options: ParseOptions = {}): ParseResult {
  const plan = planFor(schema);
  const maxBytes = options.maxBytes ?? MAX_CDR_BYTES;
  if (bytes.length === 0) return reject('empty', 'the object is empty (0 bytes)');
  if (bytes.length > maxBytes) {
    return reject('too-large', `the object has ${bytes.length} bytes, more than the ${maxBytes}-byte cap`);
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return reject('not-utf8', 'the object is not valid UTF-8 (binary or another encoding)');
  }
  // One `{` and no `[`: nothing nested (the usual CDR), so the depth and key scans take their fast paths.
  const flat = text.indexOf('[') === -1 && text.indexOf('{', text.indexOf('{') + 1) === -1;
  if (!flat && exceedsJsonDepth(text, options.maxDepth ?? MAX_JSON_DEPTH)) {
    return reject('too-deep', `the JSON nests arrays/objects deeper than ${options.maxDepth ?? MAX_JSON_DEPTH} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (text.trim() === '') return reject('empty', 'the object holds only whitespace');
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return reject('not-json', `the object is not valid JSON (${message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const what = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return reject('not-object', `the JSON value is ${what}, not an object`);
  }
  const object = parsed as Record<string, unknown>;
  const keys = scanKeys(text, Object.keys(object).length, flat, plan.names[plan.minutesIndex] as string);
  if (keys.duplicateKey !== undefined) {
    return reject('duplicate-key', `key ${show(keys.duplicateKey)} occurs more than once (only one value may count)`);
  }

  const names = plan.names;
  if (plan.serviceCodeIndex >= 0) {
    const code = own(object, 'ServiceCode');
    if (code !== undefined && code !== null && code !== '' && code !== plan.service) {
      return reject('wrong-service', `ServiceCode is ${show(code)}, not ${plan.service} (a record of another kind?)`);
    }
  }

  const maxStringLength = options.maxStringLength ?? MAX_STRING_LENGTH;
  const checkSurrogates = text.includes('\\u');
  const count = names.length;
  const values: CdrValue[] = new Array<CdrValue>(count);
  for (let i = 0; i < count; i++) {
    const name = names[i] as string;
    const raw = own(object, name);
    let value: CdrValue | FieldError;
    if (raw === undefined || raw === null) {
      value = null;
    } else {
      switch (plan.kinds[i]) {
        case 'string':
          value = toText(raw, name, maxStringLength, checkSurrogates);
          break;
        case 'integer':
          value = toInteger(raw, name, plan.isDuration[i] === true);
          break;
        case 'boolean':
          value = toBoolean(raw, name);
          break;
        default:
          value = toMinutes(raw, name, keys.literal, text);
          break;
      }
      if (value instanceof FieldError) return reject(value.code, value.reason);
    }
    if ((value === null || value === '') && plan.required[i]) {
      return reject('missing-field', `required field ${name} is ${raw === undefined ? 'missing' : `${show(raw)}`}`);
    }
    values[i] = value;
  }

  const start = values[plan.startIndex] as number;
  const end = values[plan.endIndex] as number | null;
  const minutes = values[plan.minutesIndex] as bigint;
  const now = options.nowEpochSeconds ?? Math.floor(Date.now() / 1000);
  if (start < MIN_START_EPOCH_SECONDS) {
    return reject('start-out-of-range', `StartTimeEpochSeconds ${start} is before 2015-01-01`);
  }
  if (start > now + MAX_START_AHEAD_SECONDS) {
    return reject('start-out-of-range', `StartTimeEpochSeconds ${start} is more than a day in the future`);
  }
  if (end !== null) {
    if (end < start) {
      return reject('end-before-start', `EndTimeEpochSeconds ${end} is before StartTimeEpochSeconds ${start}`);
    }
    if (end - start > MAX_CALL_SECONDS) {
      return reject('duration-out-of-range', `EndTimeEpochSeconds - StartTimeEpochSeconds is ${end - start} s`);
    }
  }
  if (minutes > MAX_MINUTES_SCALED) {
    return reject('duration-out-of-range', `BillableDurationMinutes exceeds ${MAX_CALL_SECONDS / 60}`);
  }
  const seconds = values[plan.secondsIndex] as number | null;
  if (seconds !== null && contradicts(minutes, own(object, plan.names[plan.minutesIndex] as string), seconds)) {
    return reject(
      'duration-mismatch',
      `BillableDurationMinutes × 60 differs from BillableDurationSeconds ${seconds} by more than ${BILLING_INCREMENT_SECONDS} s`,
    );
  }
  const usageType = plan.usageTypeIndex >= 0 ? values[plan.usageTypeIndex] : null;
  const record: CdrRecord = {
    values,
    startEpochSeconds: start,
    endEpochSeconds: end,
    billableMinutes: minutes,
    usageType: typeof usageType === 'string' && usageType !== '' ? usageType : undefined,
  };
  return { ok: true, record };
}

/** Own property only: an inherited (polluted) Object.prototype member is never read as a field. */
function own(object: Record<string, unknown>, name: string): unknown {
  const value = object[name];
  return value === undefined || hasOwn(object, name) ? value : undefined;
}

function toText(raw: unknown, name: string, maxLength: number, checkSurrogates: boolean): string | FieldError {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number') text = String(raw);
  else return new FieldError('wrong-type', `${name} must be a string, got ${show(raw)}`);
  if (text.length > maxLength) {
    return new FieldError('string-too-long', `${name} has ${text.length} characters, more than ${maxLength}`);
  }
  if (checkSurrogates && LONE_SURROGATE.test(text)) {
    return new FieldError('invalid-string', `${name} holds an unpaired UTF-16 surrogate escape`);
  }
  return text;
}

function toInteger(raw: unknown, name: string, isDuration: boolean): number | null | FieldError {
  let value: number;
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) {
      const why = Number.isInteger(raw) ? 'not a safe integer' : 'not an integer';
      return new FieldError('invalid-number', `${name} is ${show(raw)}, ${why}`);
    }
    value = raw;
  } else if (typeof raw === 'string') {
    if (PLAIN_UNSIGNED.test(raw)) {
      value = Number(raw);
    } else {
      if (raw.trim() === '') return null;
      let exact: bigint;
      try {
        exact = parseDecimal(raw, 0);
      } catch {
        return new FieldError('invalid-number', `${name} is ${show(raw)}, not an integer`);
      }
      if (exact > BigInt(Number.MAX_SAFE_INTEGER) || exact < BigInt(Number.MIN_SAFE_INTEGER)) {
        return new FieldError('invalid-number', `${name} is ${show(raw)}, not a safe integer`);
      }
      value = Number(exact);
    }
  } else {
    return new FieldError('wrong-type', `${name} must be an integer, got ${show(raw)}`);
  }
  if (value < 0) return new FieldError('negative-value', `${name} is negative (${value})`);
  if (isDuration && value > MAX_CALL_SECONDS) {
    return new FieldError('duration-out-of-range', `${name} is ${value}, more than ${MAX_CALL_SECONDS}`);
  }
  return value;
}

function toBoolean(raw: unknown, name: string): boolean | null | FieldError {
  if (raw === true || raw === false) return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === '') return null;
  return new FieldError('wrong-type', `${name} must be true or false, got ${show(raw)}`);
}

/**
 * Whether minutes × 60 and seconds differ by more than one billing increment. The estimate from the
 * value as JSON.parse read it decides unless it lies within a microsecond of the bound; then the
 * exact comparison does.
 */
function contradicts(minutes: bigint, raw: unknown, seconds: number): boolean {
  const estimate = typeof raw === 'number' ? raw : Number(raw);
  const gap = Math.abs(estimate * 60 - seconds);
  if (gap < BILLING_INCREMENT_SECONDS - 1e-6) return false;
  if (gap > BILLING_INCREMENT_SECONDS + 1e-6 && Number.isFinite(gap)) return true;
  const exactGap = minutes * 60n - BigInt(seconds) * MINUTES_UNIT;
  const bound = BigInt(BILLING_INCREMENT_SECONDS) * MINUTES_UNIT;
  return exactGap > bound || exactGap < -bound;
}

/** Minutes with at most SHORT_DIGITS decimals, given as an integer count of 10^-6 minutes. */
function shortToScaled(units: number): bigint {
  let scaled = shortMinutes.get(units);
  if (scaled === undefined) {
    scaled = BigInt(units) * SHORT_TO_SCALE;
    if (shortMinutes.size >= 65_536) shortMinutes.clear();
    shortMinutes.set(units, scaled);
  }
  return scaled;
}

/** Longest number literal (no exponent) whose digits a double always holds: ≤ 15 significant digits. */
const SHORT_LITERAL_LENGTH = 16;

/** `literal`: the number as written in `text`, when scanKeys found it (else it is looked up here). */
function toMinutes(raw: unknown, name: string, literal: string | undefined, text: string): bigint | null | FieldError {
  let scaled: bigint;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return new FieldError('invalid-number', `${name} is ${show(raw)}, not a number`);
    // The literal as written: the double JSON.parse made of it holds it exactly only when it is short.
    const written = literal ?? numberLiteral(text, name) ?? String(raw);
    if (written.length <= SHORT_LITERAL_LENGTH && written.indexOf('e') === -1 && written.indexOf('E') === -1) {
      // Fast path: for |v| < 1e9, round(v·10^6)/10^6 === v exactly when v's shortest decimal text has
      // at most 6 fractional digits, and that text is then round(v·10^6)·10^-6 (no float noise).
      const n = Math.round(raw * SHORT_FACTOR);
      if (raw >= 0 && raw < 1e9 && n / SHORT_FACTOR === raw) return shortToScaled(n);
    }
    const exact = exactDecimal(written, name);
    if (exact instanceof FieldError) return exact;
    scaled = exact;
  } else if (typeof raw === 'string') {
    // Fast path for plain text with at most 6 decimals (".4", "12.5"): Number() is then exact
    // after scaling (same argument as above), and the regex bounds the digits.
    if (PLAIN_MINUTES.test(raw) && raw !== '.') return shortToScaled(Math.round(Number(raw) * SHORT_FACTOR));
    if (raw.trim() === '') return null;
    const exact = exactDecimal(raw, name);
    if (exact instanceof FieldError) return exact;
    scaled = exact;
  } else {
    return new FieldError('wrong-type', `${name} must be a number, got ${show(raw)}`);
  }
  if (scaled < 0n) return new FieldError('negative-value', `${name} is negative (${show(raw)})`);
  return scaled;
}

/** Decimal text → value scaled by 10^MINUTES_SCALE, telling "too many decimals" from "not a number". */
function exactDecimal(text: string, name: string): bigint | FieldError {
  try {
    return parseDecimal(text, MINUTES_SCALE);
  } catch {
    let finerOk = true;
    try {
      parseDecimal(text, 400);
    } catch {
      finerOk = false;
    }
    return finerOk
      ? new FieldError(
          'too-many-decimals',
          `${name} is ${show(text)}: more than ${MINUTES_SCALE} decimal places, beyond the exact range`,
        )
      : new FieldError('invalid-number', `${name} is ${show(text)}, not a decimal number`);
  }
}
