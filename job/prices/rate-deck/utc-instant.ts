const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:Z|\+00:?00)$/;

/**
 * Epoch seconds of an ISO 8601 UTC date (`2025-03-01`, midnight) or date-time (`2025-03-01T12:00:00Z`,
 * `…+00:00`, seconds optional); undefined when the text is neither or names no real instant.
 */
export function parseUtcInstant(text: string): number | undefined {
  const match = DATE_TIME.exec(text) ?? DATE.exec(text);
  if (!match) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = match.slice(1).map((part) => part ?? '0');
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = fields;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    back.getUTCHours() !== hour ||
    back.getUTCMinutes() !== minute ||
    back.getUTCSeconds() !== second
  )
    return undefined;
  return ms / 1000;
}
