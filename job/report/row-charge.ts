import { DataType, type RecordBatch } from 'apache-arrow';
import type { CdrValue } from '../cdr/record';

/** What one report row adds to the run's totals: its rating status, usage type, price version and cost. */
export interface RowCharge {
  /** The call id (TransactionId / CdrId). */
  readonly callId: string | null;
  readonly status: string;
  readonly usageType: string | null;
  readonly version: string | null;
  /** Cost scaled by 10^COST_SCALE; null when the call was not rated. */
  readonly cost: bigint | null;
  /** The whole row in report column order, as a ReportBatch holds it (to take it out of the aggregates too). */
  readonly values: readonly CdrValue[];
}

const TWO_128 = 1n << 128n;

/** A Decimal128 value (four little-endian 32-bit words, two's complement) as a bigint. */
function decimal128(words: Uint32Array): bigint {
  const value =
    (BigInt(words[3] as number) << 96n) |
    (BigInt(words[2] as number) << 64n) |
    (BigInt(words[1] as number) << 32n) |
    BigInt(words[0] as number);
  return (words[3] as number) >= 0x80000000 ? value - TWO_128 : value;
}

function text(batch: RecordBatch, column: string, row: number): string | null {
  const value = batch.getChild(column)?.get(row) as unknown;
  return typeof value === 'string' ? value : null;
}

/** The charge of row `row` of a report batch, read back from its columns (`idField`: the call id column). */
export function rowCharge(batch: RecordBatch, row: number, idField: string): RowCharge {
  const costs = batch.getChild('Cost');
  const cost = costs?.isValid(row) ? decimal128(costs.get(row) as Uint32Array) : null;
  return {
    callId: text(batch, idField, row),
    status: text(batch, 'RatingStatus', row) ?? '',
    usageType: text(batch, 'UsageType', row),
    version: text(batch, 'PriceVersion', row),
    cost,
    values: batch.schema.fields.map((_, column) => cellValue(batch, column, row)),
  };
}

/** One cell of an Arrow report batch as a ReportBatch holds it (see report-batch.ts). */
function cellValue(batch: RecordBatch, column: number, row: number): CdrValue {
  const vector = batch.getChildAt(column);
  if (!vector?.isValid(row)) return null;
  const value = vector.get(row) as unknown;
  if (DataType.isDecimal(vector.type)) return decimal128(value as Uint32Array);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`column ${batch.schema.fields[column]?.name} holds a value a report row cannot: ${String(value)}`);
}
