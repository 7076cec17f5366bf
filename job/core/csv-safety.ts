/**
 * Spreadsheet-safe CSV text (OWASP "CSV injection"): a cell a spreadsheet would evaluate as a
 * formula is prefixed with a single quote, which Excel, LibreOffice and Google Sheets read as "this
 * is text"; control and bidi-override characters, which hide or reorder what a reader sees, are
 * replaced by U+FFFD (TAB, CR and LF stay: inside a quoted RFC 4180 field they are plain text, and
 * at the start they get the quote prefix). E.164 numbers and plain numbers stay byte-exact. Only
 * text that came from a CDR goes through here; the Parquet dataset keeps every raw value.
 */

/** C0 controls but TAB, LF and CR; DEL; C1 controls; the bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HARMFUL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HARMFUL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * First characters that make a spreadsheet evaluate a cell: `=`, `+`, `-`, `@`, TAB, CR (OWASP),
 * and their full-width forms, which Apple Numbers normalizes (as csv-stringify's escape_formulas).
 */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** An E.164 phone number (`+12065550100`): kept exactly, it is what the column is for. */
const E164 = /^\+\d{1,15}$/;
/** Whether `text` is an E.164 phone number (kept byte-exact). */
export function isE164(text: string): boolean {
  return text.charCodeAt(0) === 0x2b /* + */ && E164.test(text);
}

/** A plain decimal number (`-3`, `0.5`): a spreadsheet reads it as that number, nothing more. */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/**
 * Whether a CSV cell needs any care: `spreadsheetSafe` may change it, or it needs quotes (quote,
 * comma, semicolon, CR, LF). One regex test answers for almost every cell (the hot path's question).
 */
export const NEEDS_CARE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[",;\r\n\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|^[=+\-@\t\uff1d\uff0b\uff0d\uff20]/;

/**
 * The text a spreadsheet shows as-is: harmful characters replaced by U+FFFD, and a `'` before a
 * formula start unless the text is an E.164 number or a plain number.
 */
export function spreadsheetSafe(text: string): string {
  if (isE164(text)) return text;
  const harmless = HARMFUL_CHARACTER.test(text) ? text.replace(HARMFUL_CHARACTERS, '\ufffd') : text;
  if (FORMULA_START.test(harmless) && !E164.test(harmless) && !PLAIN_NUMBER.test(harmless)) return `'${harmless}`;
  return harmless;
}
