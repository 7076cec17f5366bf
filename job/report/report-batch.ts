/**
 * Arrow record batches built column by column with `makeData` over our own typed arrays: kept because
 * Arrow assembly is already ~8 % of the main thread (docs/performance.md profiles) and the exact
 * Decimal128 columns are written as two 64-bit stores per value, refusing any value beyond the column.
 */
import {
  Bool,
  type DataType,
  Decimal,
  Field,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow';
import type { CdrRecord, CdrValue } from '../cdr/record';
import { FailureError } from '../core/errors';
import {
  type ColumnDefinition,
  type ColumnKind,
  type DecimalKind,
  decimalShape,
  type ServiceSchema,
} from '../core/schema';
import type { Charge } from '../prices/rate-deck/charger';
import type { Rating } from '../prices/rater';
import type { ConnectorCells } from './connectors';

/** Arrow type of a column kind: signed integers, UTF-8, Decimal128, timestamps in UTC milliseconds. */
export function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case 'string':
      return new Utf8();
    case 'integer':
      return new Int64();
    case 'boolean':
      return new Bool();
    case 'minutes':
    case 'price':
    case 'cost':
    case 'charge': {
      const { precision, scale } = decimalShape(kind);
      return new Decimal(scale, precision, 128);
    }
    case 'timestamp':
      return new TimestampMillisecond('UTC');
  }
}

/** The Arrow schema of a service's report, derived from schema.ts. */
export function arrowSchema(schema: ServiceSchema): Schema {
  return new Schema(schema.columns.map((c) => new Field(c.name, arrowType(c.kind), !isAlwaysPresent(c, schema))));
}

function isAlwaysPresent(column: ColumnDefinition, schema: ServiceSchema): boolean {
  return column.name === 'RatingStatus' || (column.required && schema.cdrFields.includes(column));
}

/**
 * One batch of report rows, column-major. Values are plain JS (string, number, boolean, bigint for
 * decimals, number of epoch milliseconds for timestamps, null when empty) so the CSV sink can read
 * them directly; `toArrow()` builds the Arrow record batch for Parquet.
 */
export class ReportBatch {
  constructor(
    readonly schema: ServiceSchema,
    readonly columns: CdrValue[][],
    readonly length: number,
  ) {}

  /** The rows at `indexes`, in that order, as a new batch. */
  select(indexes: readonly number[]): ReportBatch {
    return new ReportBatch(
      this.schema,
      this.columns.map((column) => indexes.map((i) => column[i] ?? null)),
      indexes.length,
    );
  }

  /** Builds an Arrow RecordBatch with the report schema. */
  toArrow(): RecordBatch {
    const arrow = arrowSchema(this.schema);
    const children = this.schema.columns.map((column, i) =>
      columnData(column.kind, this.columns[i] as CdrValue[], this.length),
    );
    const data = makeData({
      type: new Struct(arrow.fields),
      length: this.length,
      nullCount: 0,
      children,
    });
    return new RecordBatch(arrow, data);
  }
}

/** Collects rated calls into a ReportBatch (one per chunk of work). */
export class ReportBatchBuilder {
  private columns: CdrValue[][];
  private rows = 0;
  private readonly cdrFieldCount: number;
  private readonly usageTypeIndex: number;

  constructor(readonly schema: ServiceSchema) {
    this.cdrFieldCount = schema.cdrFields.length;
    this.usageTypeIndex = schema.cdrFields.findIndex((f) => f.name === 'UsageType');
    this.columns = this.emptyColumns();
  }

  private emptyColumns(): CdrValue[][] {
    return this.schema.columns.map(() => []);
  }

  /** Number of rows collected and not yet taken. */
  get length(): number {
    return this.rows;
  }

  /** Adds one rated call, with what the operator charges for it and its connector's name and tags. */
  append(record: CdrRecord, rating: Rating, charge: Charge, connector: ConnectorCells): void {
    const columns = this.columns;
    const values = record.values;
    const n = this.cdrFieldCount;
    for (let i = 0; i < n; i++) (columns[i] as CdrValue[]).push(values[i] ?? null);
    if (this.usageTypeIndex >= 0 && record.usageType === undefined && rating.price) {
      // Business Calling: record the usage type the price was identified by.
      (columns[this.usageTypeIndex] as CdrValue[])[this.rows] = rating.price.usageType;
    }
    (columns[n] as CdrValue[]).push(record.startEpochSeconds * 1000);
    (columns[n + 1] as CdrValue[]).push(record.endEpochSeconds === null ? null : record.endEpochSeconds * 1000);
    (columns[n + 2] as CdrValue[]).push(rating.price ? rating.price.pricePerUnit : null);
    (columns[n + 3] as CdrValue[]).push(rating.price ? rating.price.unit : null);
    (columns[n + 4] as CdrValue[]).push(rating.version);
    (columns[n + 5] as CdrValue[]).push(rating.status);
    (columns[n + 6] as CdrValue[]).push(rating.cost);
    (columns[n + 7] as CdrValue[]).push(charge.deckPrefix);
    (columns[n + 8] as CdrValue[]).push(charge.deckRatePerMinute);
    (columns[n + 9] as CdrValue[]).push(charge.chargedSeconds);
    (columns[n + 10] as CdrValue[]).push(charge.amount);
    (columns[n + 11] as CdrValue[]).push(charge.currency);
    (columns[n + 12] as CdrValue[]).push(charge.deckStatus);
    (columns[n + 13] as CdrValue[]).push(connector.name);
    (columns[n + 14] as CdrValue[]).push(connector.tags);
    this.rows++;
  }

  /** Takes the collected rows as a batch and starts a new one; undefined when empty. */
  take(): ReportBatch | undefined {
    if (this.rows === 0) return undefined;
    const batch = new ReportBatch(this.schema, this.columns, this.rows);
    this.columns = this.emptyColumns();
    this.rows = 0;
    return batch;
  }
}

function validityBitmap(
  values: readonly CdrValue[],
  length: number,
): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  const bitmap = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) {
    if (values[i] === null || values[i] === undefined) nulls++;
    else bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
  }
  return { bitmap: nulls === 0 ? undefined : bitmap, nulls };
}

/** Thrown instead of writing a decimal that does not fit its column's precision (never wrapped). */
export class DecimalRangeError extends FailureError {
  override readonly name = 'DecimalRangeError';
}

/** 10^precision of each decimal kind: a value's magnitude must stay below it. */
const DECIMAL_LIMITS: Readonly<Record<DecimalKind, bigint>> = {
  minutes: 10n ** BigInt(decimalShape('minutes').precision),
  price: 10n ** BigInt(decimalShape('price').precision),
  cost: 10n ** BigInt(decimalShape('cost').precision),
  charge: 10n ** BigInt(decimalShape('charge').precision),
};

function columnData(kind: ColumnKind, values: readonly CdrValue[], length: number) {
  const { bitmap, nulls } = validityBitmap(values, length);
  const common = { length, nullCount: nulls, nullBitmap: bitmap };
  switch (kind) {
    case 'string': {
      // Two passes: byte lengths first, then encode straight into one buffer.
      const offsets = new Int32Array(length + 1);
      let total = 0;
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (typeof value === 'string') total += Buffer.byteLength(value, 'utf8');
        offsets[i + 1] = total;
      }
      const data = Buffer.allocUnsafe(total);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (typeof value === 'string' && value.length > 0) data.write(value, offsets[i] as number, 'utf8');
      }
      return makeData({ type: new Utf8(), ...common, valueOffsets: offsets, data });
    }
    case 'integer':
    case 'timestamp': {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (typeof value === 'number') data[i] = BigInt(value);
      }
      return kind === 'integer'
        ? makeData({ type: new Int64(), ...common, data })
        : makeData({ type: new TimestampMillisecond('UTC'), ...common, data });
    }
    case 'boolean': {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) data[i >> 3] = (data[i >> 3] as number) | (1 << (i & 7));
      return makeData({ type: new Bool(), ...common, data });
    }
    case 'minutes':
    case 'price':
    case 'cost':
    case 'charge': {
      // Decimal128: two's complement, little-endian, two 64-bit halves per value. A BigInt64Array
      // element keeps a value's low 64 bits (modulo 2^64), so each half is one store. A value beyond
      // the column's precision is refused, never wrapped.
      const halves = new BigInt64Array(length * 2);
      const limit = DECIMAL_LIMITS[kind];
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (typeof value !== 'bigint') continue;
        if (value >= limit || value <= -limit) {
          const { precision, scale } = decimalShape(kind);
          throw new DecimalRangeError(
            `a ${kind} value (${value} × 10^-${scale}) exceeds decimal(${precision},${scale})`,
          );
        }
        halves[i * 2] = value;
        halves[i * 2 + 1] = value >> 64n;
      }
      const words = new Uint32Array(halves.buffer);
      return makeData({ type: arrowType(kind) as Decimal, ...common, data: words });
    }
  }
}
