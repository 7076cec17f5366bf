const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from here on toISOString writes a six-digit year. */
const YEAR_10000_MS = 253_402_300_800_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let cachedDay = Number.NaN;
let cachedDatePrefix = '';

/**
 * `new Date(ms).toISOString()` (`2025-02-26T00:03:56.000Z`) without a Date per call: the date part
 * is cached per day (calls of a chunk mostly share one), the time part built from digit tables.
 * Identical output for every integer millisecond in 1970..9999; anything else goes through Date.
 */
export function isoTimestamp(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDatePrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${cachedDatePrefix}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${THREE_DIGITS[milli]}Z`;
}

/** ISO 8601 UTC to the second, without milliseconds (`2025-02-26T00:03:56Z`), as FOCUS and price windows write it. */
export function isoSecondsText(ms: number): string {
  return `${isoTimestamp(ms).slice(0, 19)}Z`;
}
