/** ISO 8601 instants as used by price lists and snapshots, converted to and from epoch seconds. */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Parses `YYYY-MM-DD` (UTC midnight) or `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)` into whole epoch
 * seconds (fractions dropped). A date-time without a zone is rejected: it would mean local time.
 * Returns undefined when the text is not such an instant.
 */
export function parseInstant(text: string): number | undefined {
  const match = INSTANT.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour] = match;
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) return undefined;
  if (hour !== undefined && (Number(hour) > 23 || Number(match[5]) > 59 || Number(match[6] ?? '0') > 59)) {
    return undefined;
  }
  const ms = Date.parse(hour === undefined ? `${year}-${month}-${day}T00:00:00Z` : text.trim().replace(' ', 'T'));
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2025-02-30 over to March; reject dates that do not exist.
  if (hour === undefined && new Date(ms).getUTCDate() !== Number(day)) return undefined;
  return Math.floor(ms / 1000);
}

/** Formats epoch seconds as `YYYY-MM-DDTHH:MM:SSZ`. */
export function formatInstant(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
