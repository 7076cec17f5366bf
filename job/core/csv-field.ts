import * as csvSafety from './csv-safety';

// Bound once: a module namespace property read per cell costs measurably on this path.
const NEEDS_CARE = csvSafety.NEEDS_CARE;
const isE164 = csvSafety.isE164;
const spreadsheetSafe = csvSafety.spreadsheetSafe;

/** Quote, comma, semicolon (the separator of Excel in many locales), CR, LF. */
const NEEDS_QUOTES = /[",;\r\n]/;
const QUOTE = /"/g;

/**
 * One RFC 4180 field of text from a CDR, spreadsheet-safe (see `spreadsheetSafe`): quoted (with
 * doubled quotes) only when it holds a quote, comma, semicolon, CR or LF — what csv-stringify writes
 * with `escape_formulas` and that quoting rule (a test checks the two agree), at a fraction of the
 * cost per cell. Most cells pass one regex test and come back unchanged.
 */
export function csvField(text: string): string {
  if (!NEEDS_CARE.test(text) || isE164(text)) return text;
  const safe = spreadsheetSafe(text);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(QUOTE, '""')}"` : safe;
}
