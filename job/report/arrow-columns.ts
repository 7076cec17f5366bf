/**
 * Arrow columns built with `makeData` straight over our own typed arrays, from plain JS values
 * (string, number, boolean, bigint for decimals, epoch milliseconds for timestamps, null when empty).
 * Kept hand-written because Arrow assembly is already ~8 % of the main thread (docs/performance.md
 * profiles) and exact Decimal128 values are written as two 64-bit stores each, refusing any value
 * beyond the column's precision. The report's batches and the FOCUS export both build on it.
 */
import {
  Bool,
  type Data,
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
import { FailureError } from '../core/errors';

/** The physical shape of a column: what Arrow type holds it and how its values are laid out. */
export type ArrowShape =
  | { readonly kind: 'utf8' | 'int64' | 'timestamp' | 'boolean' }
  | {
      readonly kind: 'decimal';
      readonly precision: number;
      readonly scale: number;
      /** Names the values in a range error (e.g. `cost`). */
      readonly label: string;
    };

/** A plain JS cell value (see the file header). */
export type ArrowCell = string | number | boolean | bigint | null | undefined;

/** One column of a record batch: its name, shape, nullability and values. */
export interface ArrowColumn {
  readonly name: string;
  readonly shape: ArrowShape;
  readonly nullable: boolean;
}

/** Thrown instead of writing a decimal that does not fit its column's precision (never wrapped). */
export class DecimalRangeError extends FailureError {
  override readonly name = 'DecimalRangeError';
}

/** The Arrow type of a shape: signed 64-bit integers, UTF-8, Decimal128, timestamps in UTC milliseconds. */
export function arrowTypeOf(shape: ArrowShape): DataType {
  switch (shape.kind) {
    case 'utf8':
      return new Utf8();
    case 'int64':
      return new Int64();
    case 'boolean':
      return new Bool();
    case 'timestamp':
      return new TimestampMillisecond('UTC');
    case 'decimal':
      return new Decimal(shape.scale, shape.precision, 128);
  }
}

/** The Arrow schema of these columns. */
export function arrowSchemaOf(columns: readonly ArrowColumn[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowTypeOf(c.shape), c.nullable)));
}

function validityBitmap(
  values: readonly ArrowCell[],
  length: number,
): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  const bitmap = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
  }
  return { nullBitmap: nullCount === 0 ? undefined : bitmap, nullCount };
}

/** The first `length` values as one Arrow column of this shape. */
export function arrowColumnData(shape: ArrowShape, values: readonly ArrowCell[], length: number): Data {
  const common = { length, ...validityBitmap(values, length) };
  switch (shape.kind) {
    case 'utf8': {
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
    case 'int64':
    case 'timestamp': {
      const data = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (typeof value === 'number') data[i] = BigInt(value);
        else if (typeof value === 'bigint') data[i] = value;
      }
      return shape.kind === 'int64'
        ? makeData({ type: new Int64(), ...common, data })
        : makeData({ type: new TimestampMillisecond('UTC'), ...common, data });
    }
    case 'boolean': {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) data[i >> 3] = (data[i >> 3] as number) | (1 << (i & 7));
      return makeData({ type: new Bool(), ...common, data });
    }
    case 'decimal': {
      // Decimal128: two's complement, little-endian, two 64-bit halves per value. A BigInt64Array
      // element keeps a value's low 64 bits (modulo 2^64), so each half is one store. A value beyond
      // the column's precision is refused, never wrapped.
      const halves = new BigInt64Array(length * 2);
      const limit = 10n ** BigInt(shape.precision);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (typeof value !== 'bigint') continue;
        if (value >= limit || value <= -limit)
          throw new DecimalRangeError(
            `a ${shape.label} value (${value} × 10^-${shape.scale}) exceeds decimal(${shape.precision},${shape.scale})`,
          );
        halves[i * 2] = value;
        halves[i * 2 + 1] = value >> 64n;
      }
      return makeData({
        type: new Decimal(shape.scale, shape.precision, 128),
        ...common,
        data: new Uint32Array(halves.buffer),
      });
    }
  }
}

/** A record batch of `length` rows: the schema's columns, each from its values (column-major). */
export function arrowRecordBatch(
  schema: Schema,
  columns: readonly ArrowColumn[],
  values: readonly (readonly ArrowCell[])[],
  length: number,
): RecordBatch {
  const children = columns.map((column, i) => arrowColumnData(column.shape, values[i] ?? [], length));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}
