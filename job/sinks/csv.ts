/**
 * CSV rows of the report, rendered by hand straight into UTF-8 bytes: kept because encoding one
 * concatenated string per chunk cost ~1 s per 200k rows (docs/performance.md, profiles); csvRows is now ~2 % of a run.
 */
import type { CdrValue } from '../cdr/record';
import { csvField } from '../core/csv-field';
import { formatDecimal } from '../core/decimal';
import { isoTimestamp } from '../core/iso-timestamp';
import { perSchema } from '../core/per-schema';
import {
  CHARGE_SCALE,
  COST_SCALE,
  type ColumnKind,
  MINUTES_SCALE,
  PRICE_SCALE,
  type ServiceSchema,
} from '../core/schema';
import type { ReportBatch } from '../report/report-batch';
import type { ObjectWriter } from '../store/object-store';
import { writeChunk } from '../store/stream-write';

/** Text of one CSV cell: decimals exact, timestamps ISO 8601 UTC, empty for null. */
export function csvCell(kind: ColumnKind, value: CdrValue): string {
  if (value === null) return '';
  switch (kind) {
    case 'minutes':
      return formatDecimal(value as bigint, MINUTES_SCALE);
    case 'price':
      return formatDecimal(value as bigint, PRICE_SCALE);
    case 'cost':
      return formatDecimal(value as bigint, COST_SCALE);
    case 'charge':
      return formatDecimal(value as bigint, CHARGE_SCALE);
    case 'timestamp':
      return isoTimestamp(value as number);
    default:
      return String(value);
  }
}

/** The UTF-8 byte order mark: `--csv-bom` starts the report with it, so Excel reads the file as UTF-8. */
export const UTF8_BOM = '\ufeff';

/** The header row: column names in the schema's order, CRLF-terminated; after a BOM when asked. */
export function csvHeader(schema: ServiceSchema, bom = false): string {
  return `${bom ? UTF8_BOM : ''}${schema.columns.map((c) => csvField(c.name)).join(',')}\r\n`;
}

/** Distinct decimals remembered per column before a cache starts over (bounds its memory). */
const DECIMAL_CACHE_SIZE = 4096;

/**
 * Text of decimal cells, remembered per column: prices repeat on almost every row and durations
 * (hence costs) cluster, so most cells skip the bigint-to-text conversion.
 */
class DecimalTexts {
  private readonly texts = new Map<bigint, string>();

  constructor(private readonly kind: ColumnKind) {}

  text(value: bigint): string {
    let text = this.texts.get(value);
    if (text === undefined) {
      if (this.texts.size >= DECIMAL_CACHE_SIZE) this.texts.clear();
      text = csvCell(this.kind, value);
      this.texts.set(value, text);
    }
    return text;
  }
}

const decimalTextsFor = perSchema((schema): (DecimalTexts | undefined)[] =>
  schema.columns.map((c) =>
    c.kind === 'minutes' || c.kind === 'price' || c.kind === 'cost' || c.kind === 'charge'
      ? new DecimalTexts(c.kind)
      : undefined,
  ),
);

/**
 * Renders a batch's rows as UTF-8 CSV bytes (CRLF after every row, no header), in the schema's
 * column order. Each row is built as a short string and encoded straight into the output buffer:
 * encoding one long concatenated string costs several times more (V8 flattens it first). When
 * `rowEnds` is given, the byte offset just after each row is stored in it.
 */
export function csvRows(schema: ServiceSchema, batch: ReportBatch, rowEnds?: Uint32Array): Buffer {
  const columns = batch.columns;
  const kinds = schema.columns.map((c) => c.kind);
  const width = kinds.length;
  const decimals = decimalTextsFor(schema);
  let out = Buffer.allocUnsafeSlow(Math.max(1024, batch.length * 512));
  let used = 0;
  for (let r = 0; r < batch.length; r++) {
    let row = '';
    for (let c = 0; c < width; c++) {
      const value = (columns[c] as CdrValue[])[r] ?? null;
      const kind = kinds[c] as ColumnKind;
      const decimal = decimals[c];
      const cell =
        typeof value === 'string' && kind === 'string'
          ? csvField(value)
          : decimal && typeof value === 'bigint'
            ? decimal.text(value)
            : csvCell(kind, value);
      row += c === 0 ? cell : `,${cell}`;
    }
    row += '\r\n';
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    if (used + 3 * row.length > out.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * out.length, used + 3 * row.length));
      out.copy(grown, 0, 0, used);
      out = grown;
    }
    used += out.write(row, used, 'utf8');
    if (rowEnds) rowEnds[r] = used;
  }
  return out.subarray(0, used);
}

/** Streams the period's report as RFC 4180 CSV (UTF-8, CRLF, header row, fixed column order). */
export class CsvReportWriter {
  private bytes = 0;
  /** The header row's write; awaited before the first rows (and by close). */
  private readonly headerWrite: Promise<void>;

  constructor(
    schema: ServiceSchema,
    private readonly writer: ObjectWriter,
    header = true,
    bom = false,
  ) {
    this.headerWrite = header ? this.push(csvHeader(schema, bom)) : Promise.resolve();
    // Observed by writeRows/close; never an unhandled rejection in between.
    this.headerWrite.catch(() => {});
  }

  /** Bytes written so far. */
  get size(): number {
    return this.bytes;
  }

  /** Appends rendered rows (see `csvRows`); resolves when the stream can take more. */
  async writeRows(rows: Uint8Array): Promise<void> {
    await this.headerWrite;
    if (rows.length > 0) await this.push(rows);
  }

  /** Writes and waits for 'drain' when needed; throws the stream's error (never waits on a failed stream). */
  private async push(data: string | Uint8Array): Promise<void> {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.bytes += buffer.length;
    await writeChunk(this.writer.stream, buffer);
  }

  /** Completes the object. */
  async close(): Promise<void> {
    await this.headerWrite;
    await this.writer.done();
  }

  /** Abandons the object. */
  async abort(): Promise<void> {
    await this.writer.abort();
  }
}
