import { stringify } from 'csv-stringify/sync';
import type { CdrValue } from '../cdr/record';
import { formatDecimal } from '../money';
import { COST_SCALE, type ColumnKind, MINUTES_SCALE, PRICE_SCALE, type ServiceSchema } from '../schema';
import type { ObjectWriter } from '../store/object-store';
import type { ReportBatch } from '../table';

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
    case 'timestamp':
      return new Date(value as number).toISOString();
    default:
      return String(value);
  }
}

/** Streams the period's report as RFC 4180 CSV (UTF-8, CRLF, header row, fixed column order). */
export class CsvReportWriter {
  private readonly kinds: ColumnKind[];
  private bytes = 0;

  constructor(
    private readonly schema: ServiceSchema,
    private readonly writer: ObjectWriter,
  ) {
    this.kinds = schema.columns.map((c) => c.kind);
    this.push(stringify([schema.columns.map((c) => c.name)], { record_delimiter: '\r\n' }));
  }

  /** Bytes written so far. */
  get size(): number {
    return this.bytes;
  }

  /** Appends a batch of rows; resolves when the stream can take more. */
  async write(batch: ReportBatch): Promise<void> {
    const rows: string[][] = new Array(batch.length);
    const columns = batch.columns;
    const kinds = this.kinds;
    for (let r = 0; r < batch.length; r++) {
      const row: string[] = new Array(kinds.length);
      for (let c = 0; c < kinds.length; c++)
        row[c] = csvCell(kinds[c] as ColumnKind, (columns[c] as CdrValue[])[r] ?? null);
      rows[r] = row;
    }
    if (!this.push(stringify(rows, { record_delimiter: '\r\n' }))) {
      await new Promise<void>((resolve) => this.writer.stream.once('drain', resolve));
    }
  }

  private push(text: string): boolean {
    const buffer = Buffer.from(text, 'utf8');
    this.bytes += buffer.length;
    return this.writer.stream.write(buffer);
  }

  /** Completes the object. */
  async close(): Promise<void> {
    await this.writer.done();
  }

  /** Abandons the object. */
  async abort(): Promise<void> {
    await this.writer.abort();
  }

  /** Column names in order (the header), for callers that need them. */
  get header(): string[] {
    return this.schema.columns.map((c) => c.name);
  }
}
