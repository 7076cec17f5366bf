import { stripBom } from '../core/text';
import { PriceSourceError } from './errors';

/**
 * Parses text holding one JSON document, or several concatenated ones (saved API pages such as
 * `aws pricing get-products … --no-paginate` run in a loop and appended to one file). Returns the
 * documents in order. A leading byte-order mark is ignored. Throws PriceSourceError (one line) when
 * the text is not JSON.
 */
export function parseJsonDocuments(text: string): unknown[] {
  const body = stripBom(text);
  if (body.trim() === '') throw new PriceSourceError('empty file');
  try {
    return [JSON.parse(body)];
  } catch (error) {
    const segments = splitConcatenated(body);
    if (segments && segments.length > 1) {
      try {
        return segments.map((segment) => JSON.parse(segment) as unknown);
      } catch {
        // Fall through to the original error, which describes the first problem.
      }
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new PriceSourceError(`not valid JSON (${reason})`);
  }
}

/**
 * Splits concatenated top-level JSON objects/arrays by bracket depth (strings and escapes
 * respected). Returns undefined when the text is not a sequence of complete objects/arrays.
 */
function splitConcatenated(text: string): string[] | undefined {
  const segments: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === 0x5c) escaped = true;
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) {
      if (depth === 0) return undefined;
      inString = true;
    } else if (ch === 0x7b || ch === 0x5b) {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) segments.push(text.slice(start, i + 1));
    } else if (depth === 0 && ch !== 0x20 && ch !== 0x0a && ch !== 0x0d && ch !== 0x09) {
      return undefined;
    }
  }
  return depth === 0 && !inString ? segments : undefined;
}
