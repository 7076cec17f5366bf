/**
 * An RFC 4180 reader for the small inputs users hand us (rate decks, connectors files): UTF-8 text,
 * optional byte-order mark, LF or CRLF line ends, fields quoted with `"` and `""` inside quotes,
 * blank lines skipped. Each record keeps the line it starts on, for error messages.
 *
 * Our own rather than csv-parse at run time: on a 57,000-row deck csv-parse's sync API took
 * ~0.8 s (1.3 s with line numbers) on the bench machine, this ~0.1 s — a 200k-CDR run takes ~6 s,
 * so the difference alone was most of the 10 % a deck may cost. A test checks both agree.
 */

import { FailureError } from './errors';
import { stripBom } from './text';

/** Thrown for text that is not RFC 4180 CSV; the message names the line. */
export class CsvSyntaxError extends FailureError {
  override readonly name = 'CsvSyntaxError';

  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** One record: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

const QUOTE = 34; // "
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Splits CSV text into records (see the module comment); throws CsvSyntaxError. */
export function readCsvRecords(input: string): CsvRecord[] {
  const text = stripBom(input);
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) {
      // A blank line.
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field: string;
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0) throw new CsvSyntaxError('a quoted field is never closed', start);
          const chunk = text.slice(from, close);
          for (let k = chunk.indexOf('\n'); k >= 0; k = chunk.indexOf('\n', k + 1)) line++;
          value += chunk;
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            from = close + 2;
          } else {
            i = close + 1;
            break;
          }
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== LF && next !== CR)
          throw new CsvSyntaxError('characters after a closing quote', line);
        field = value;
      } else {
        let end = i;
        while (end < n) {
          const ch = text.charCodeAt(end);
          if (ch === COMMA || ch === LF || ch === CR) break;
          if (ch === QUOTE) throw new CsvSyntaxError('a quote inside an unquoted field', line);
          end++;
        }
        field = text.slice(i, end);
        i = end;
      }
      fields.push(field);
      if (i >= n) break;
      const sep = text.charCodeAt(i);
      if (sep === COMMA) {
        i++;
        continue;
      }
      // End of the record.
      i += sep === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    records.push({ fields, line: start });
  }
  return records;
}
