import { type AggregateColumn, aggregateColumns, hourlyAggregateColumns } from '../core/aggregate-columns';
import { csvField } from '../core/csv-field';
import { formatDecimal, parseDecimal } from '../core/decimal';
import { FailureError } from '../core/errors';
import { CHARGE_SCALE, COST_SCALE, MINUTES_SCALE, type ServiceCode } from '../core/schema';
import { MARGIN_CURRENCY } from '../report/aggregates/margin';
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

/** The charge cells of a row: empty without charges; the margin only when the charges are in USD. */
function chargeCells(r: AggregateRow, currency: string | null): string[] {
  if (currency === null) return ['', '', '', '', '', '', ''];
  return [
    String(r.chargedCalls),
    formatDecimal(r.charged, CHARGE_SCALE),
    textCell(currency),
    String(r.marginCalls),
    formatDecimal(r.marginCharged, CHARGE_SCALE),
    formatDecimal(r.marginCost, COST_SCALE),
    currency === MARGIN_CURRENCY ? formatDecimal(r.marginCharged - r.marginCost, COST_SCALE) : '',
  ];
}

/** A CSV file: the columns' header line, then one line of `cells` per row. */
function csvFile<Row>(
  columns: readonly AggregateColumn[],
  rows: readonly Row[],
  cells: (row: Row) => string[],
): string {
  const parts = [line(columns.map((c) => c.name))];
  for (const row of rows) parts.push(line(cells(row)));
  return parts.join('');
}

/**
 * `aggregates.csv`: header + one row per day × connector × usage type × country × direction, with the
 * connector's name and, when the run charged (`chargeCurrency` not null), the charges and the margin.
 */
export function aggregatesCsv(
  service: ServiceCode,
  rows: readonly AggregateRow[],
  chargeCurrency: string | null,
): string {
  return csvFile(aggregateColumns(service), rows, (r) => [
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
    textCell(r.connectorName ?? ''),
    ...chargeCells(r, chargeCurrency),
  ]);
}

/** `hourly.csv`: header + one row per day × connector × hour of day. */
export function hourlyCsv(service: ServiceCode, rows: readonly HourRow[]): string {
  return csvFile(hourlyAggregateColumns(service), rows, (r) => [
    r.day,
    textCell(r.connector),
    String(r.hour),
    String(r.calls),
    formatDecimal(r.minutes, MINUTES_SCALE),
    formatDecimal(r.cost, COST_SCALE),
    textCell(r.connectorName ?? ''),
  ]);
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

/** Columns every version of a file has, in this order; later ones are found by name (older files lack them). */
const REQUIRED_AGGREGATE_COLUMNS = 11;
const REQUIRED_HOURLY_COLUMNS = 6;

interface Records {
  readonly records: string[][];
  /** The cell of a column found by name, '' when the file has no such column. */
  readonly cell: (record: readonly string[], name: string) => string;
}

function checkedRecords(text: string, expected: readonly string[], required: number, what: string): Records {
  const [header, ...records] = parseCsv(text);
  if (!header || expected.slice(0, required).some((name, i) => header[i] !== name))
    throw new AggregatesFormatError(`${what}: unexpected header ${JSON.stringify(header?.join(','))}`);
  const index = new Map(header.map((name, i) => [name, i]));
  return {
    records: records
      .filter((r) => !(r.length === 1 && r[0] === ''))
      .map((r) => {
        if (r.length < required) throw new AggregatesFormatError(`${what}: a row has ${r.length} fields`);
        return r;
      }),
    cell: (record, name) => {
      const at = index.get(name);
      return at === undefined ? '' : (record[at] ?? '');
    },
  };
}

function whole(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new AggregatesFormatError(`${what}: ${JSON.stringify(text)} is not a count`);
  return Number(text);
}

function optionalWhole(text: string, what: string): number {
  return text === '' ? 0 : whole(text, what);
}

function optionalDecimal(text: string, scale: number): bigint {
  return text === '' ? 0n : parseDecimal(text, scale);
}

/**
 * Reads an aggregate file's rows: checks its header against `columns` (the first `required` must be
 * there, in order), reads each record with `read` and adds the row's ConnectorName when it has one.
 * Every malformed cell becomes one AggregatesFormatError naming the file.
 */
function readAggregateFile<T extends object>(
  text: string,
  columns: readonly AggregateColumn[],
  required: number,
  what: string,
  read: (cells: readonly string[], records: Records) => T,
): (T & { connectorName?: string })[] {
  const records = checkedRecords(
    text,
    columns.map((c) => c.name),
    required,
    what,
  );
  return records.records.map((record) => {
    try {
      const name = untext(records.cell(record, 'ConnectorName'));
      const row = read(record, records);
      return name === '' ? row : { ...row, connectorName: name };
    } catch (error) {
      if (error instanceof AggregatesFormatError) throw error;
      throw new AggregatesFormatError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** Reads `aggregates.csv` back into rows (files written before the name and charge columns too: zeros). */
export function parseAggregatesCsv(service: ServiceCode, text: string, what = 'aggregates.csv'): AggregateRow[] {
  return readAggregateFile(text, aggregateColumns(service), REQUIRED_AGGREGATE_COLUMNS, what, (r, records) => {
    const [day, connector, usageType, country, direction, calls, minutes, cost, rated, unrated, unratedMinutes] =
      r as string[];
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
      chargedCalls: optionalWhole(records.cell(r, 'ChargedCalls'), what),
      charged: optionalDecimal(records.cell(r, 'ChargedAmount'), CHARGE_SCALE),
      marginCalls: optionalWhole(records.cell(r, 'MarginCalls'), what),
      marginCharged: optionalDecimal(records.cell(r, 'MarginChargedAmount'), CHARGE_SCALE),
      marginCost: optionalDecimal(records.cell(r, 'MarginCost'), COST_SCALE),
    };
  });
}

/** Reads `hourly.csv` back into rows. */
export function parseHourlyCsv(service: ServiceCode, text: string, what = 'hourly.csv'): HourRow[] {
  return readAggregateFile(text, hourlyAggregateColumns(service), REQUIRED_HOURLY_COLUMNS, what, (r) => {
    const [day, connector, hour, calls, minutes, cost] = r as string[];
    return {
      day: day as string,
      connector: untext(connector as string),
      hour: whole(hour as string, what),
      calls: whole(calls as string, what),
      minutes: parseDecimal(minutes as string, MINUTES_SCALE),
      cost: parseDecimal(cost as string, COST_SCALE),
    };
  });
}
