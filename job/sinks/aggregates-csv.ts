import { aggregateColumns, hourlyAggregateColumns } from '../core/aggregate-columns';
import { csvField } from '../core/csv-field';
import { formatDecimal, parseDecimal } from '../core/decimal';
import { FailureError } from '../core/errors';
import { COST_SCALE, MINUTES_SCALE, type ServiceCode } from '../core/schema';
import type { AggregateRow, HourRow } from '../report/aggregates/rows';

/** Thrown when an aggregate file cannot be read back. */
export class AggregatesFormatError extends FailureError {
  override readonly name = 'AggregatesFormatError';
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet will not run as a formula (a leading `'`), RFC 4180 quoted when needed. */
function textCell(text: string): string {
  return csvField(FORMULA_START.test(text) ? `'${text}` : text);
}

function untext(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

function line(cells: readonly string[]): string {
  return `${cells.join(',')}\r\n`;
}

/** `aggregates.csv`: header + one row per day × connector × usage type × country × direction. */
export function aggregatesCsv(service: ServiceCode, rows: readonly AggregateRow[]): string {
  const columns = aggregateColumns(service).map((c) => c.name);
  const charged = rows.some((r) => r.charged !== undefined);
  const parts = [line(charged ? [...columns, 'ChargedAmount'] : columns)];
  for (const r of rows) {
    const cells = [
      r.day,
      textCell(r.connector),
      textCell(r.usageType),
      textCell(r.country),
      textCell(r.direction),
      String(r.calls),
      formatDecimal(r.minutes, MINUTES_SCALE),
      formatDecimal(r.cost, COST_SCALE),
      String(r.rated),
      String(r.unrated),
      formatDecimal(r.unratedMinutes, MINUTES_SCALE),
    ];
    if (charged) cells.push(r.charged === undefined ? '' : formatDecimal(r.charged, COST_SCALE));
    parts.push(line(cells));
  }
  return parts.join('');
}

/** `hourly.csv`: header + one row per day × connector × hour of day. */
export function hourlyCsv(service: ServiceCode, rows: readonly HourRow[]): string {
  const parts = [line(hourlyAggregateColumns(service).map((c) => c.name))];
  for (const r of rows) {
    parts.push(
      line([
        r.day,
        textCell(r.connector),
        String(r.hour),
        String(r.calls),
        formatDecimal(r.minutes, MINUTES_SCALE),
        formatDecimal(r.cost, COST_SCALE),
      ]),
    );
  }
  return parts.join('');
}

/** Splits RFC 4180 text into records of fields (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
    i++;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

function checkedRecords(text: string, expected: readonly string[], what: string): string[][] {
  const [header, ...records] = parseCsv(text);
  if (!header || expected.some((name, i) => header[i] !== name))
    throw new AggregatesFormatError(`${what}: unexpected header ${JSON.stringify(header?.join(','))}`);
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

function whole(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new AggregatesFormatError(`${what}: ${JSON.stringify(text)} is not a count`);
  return Number(text);
}

/** Reads `aggregates.csv` back into rows. */
export function parseAggregatesCsv(service: ServiceCode, text: string, what = 'aggregates.csv'): AggregateRow[] {
  const names = aggregateColumns(service).map((c) => c.name);
  return checkedRecords(text, names, what).map((r) => {
    if (r.length < names.length) throw new AggregatesFormatError(`${what}: a row has ${r.length} fields`);
    const [
      day,
      connector,
      usageType,
      country,
      direction,
      calls,
      minutes,
      cost,
      rated,
      unrated,
      unratedMinutes,
      charged,
    ] = r as string[];
    try {
      return {
        day: day as string,
        connector: untext(connector as string),
        usageType: untext(usageType as string),
        country: untext(country as string),
        direction: untext(direction as string),
        calls: whole(calls as string, what),
        minutes: parseDecimal(minutes as string, MINUTES_SCALE),
        cost: parseDecimal(cost as string, COST_SCALE),
        rated: whole(rated as string, what),
        unrated: whole(unrated as string, what),
        unratedMinutes: parseDecimal(unratedMinutes as string, MINUTES_SCALE),
        ...(charged === undefined || charged === '' ? {} : { charged: parseDecimal(charged, COST_SCALE) }),
      };
    } catch (error) {
      if (error instanceof AggregatesFormatError) throw error;
      throw new AggregatesFormatError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** Reads `hourly.csv` back into rows. */
export function parseHourlyCsv(service: ServiceCode, text: string, what = 'hourly.csv'): HourRow[] {
  const names = hourlyAggregateColumns(service).map((c) => c.name);
  return checkedRecords(text, names, what).map((r) => {
    const [day, connector, hour, calls, minutes, cost] = r as string[];
    try {
      return {
        day: day as string,
        connector: untext(connector as string),
        hour: whole(hour as string, what),
        calls: whole(calls as string, what),
        minutes: parseDecimal(minutes as string, MINUTES_SCALE),
        cost: parseDecimal(cost as string, COST_SCALE),
      };
    } catch (error) {
      if (error instanceof AggregatesFormatError) throw error;
      throw new AggregatesFormatError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
