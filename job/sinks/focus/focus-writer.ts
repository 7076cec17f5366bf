import {
  type Data,
  type DataType,
  Decimal,
  Field,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { csvField } from '../../core/csv-field';
import { formatDecimal } from '../../core/decimal';
import { FOCUS_COLUMNS, type FocusType } from '../../core/focus/columns';
import type { FocusMetadata } from '../../core/focus/metadata';
import { isoSecondsText } from '../../core/iso-timestamp';
import type { FocusKeys } from '../../core/layout/focus-keys';
import { MONEY_PRECISION } from '../../core/schema';
import type { FocusTable, FocusValue } from '../../report/focus-rows';
import type { ObjectStore } from '../../store/object-store';
import { encodeParquetIpc } from '../parquet-encode';

/** FOCUS date/time text: `YYYY-MM-DDTHH:mm:ssZ` (the specification's extended ISO 8601 form). */
export function focusDateTime(epochMs: number): string {
  return isoSecondsText(epochMs);
}

function cellText(type: FocusType, value: FocusValue): string {
  if (value === null) return '';
  switch (type.kind) {
    case 'decimal':
      return formatDecimal(value as bigint, type.scale);
    case 'datetime':
      return focusDateTime(value as number);
    case 'integer':
      return String(value);
    default:
      return csvField(String(value));
  }
}

/** The FOCUS table as RFC 4180 CSV (UTF-8, CRLF, header row of the FOCUS column IDs). */
export function focusCsv(table: FocusTable): string {
  const lines = [FOCUS_COLUMNS.map((c) => c.name).join(',')];
  for (let r = 0; r < table.length; r++) {
    lines.push(FOCUS_COLUMNS.map((c, i) => cellText(c.type, (table.columns[i] as FocusValue[])[r] ?? null)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function arrowType(type: FocusType): DataType {
  switch (type.kind) {
    case 'string':
    case 'json':
      return new Utf8();
    case 'datetime':
      return new TimestampMillisecond('UTC');
    case 'integer':
      return new Int64();
    case 'decimal':
      return new Decimal(type.scale, MONEY_PRECISION, 128);
  }
}

const U64_MASK = (1n << 64n) - 1n;

function validity(values: readonly FocusValue[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  values.forEach((value, i) => {
    if (value === null) nullCount++;
    else bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
  });
  return { nullBitmap: nullCount === 0 ? undefined : bitmap, nullCount };
}

function columnData(type: FocusType, values: readonly FocusValue[]): Data {
  const length = values.length;
  switch (type.kind) {
    case 'string':
    case 'json':
      return vectorFromArray(
        values.map((v) => (v === null ? null : String(v))),
        new Utf8(),
      ).data[0] as Data;
    case 'datetime':
    case 'integer': {
      const data = new BigInt64Array(length);
      values.forEach((v, i) => {
        if (v !== null) data[i] = BigInt(v as number);
      });
      const common = { length, ...validity(values), data };
      return type.kind === 'integer'
        ? makeData({ type: new Int64(), ...common })
        : makeData({ type: new TimestampMillisecond('UTC'), ...common });
    }
    case 'decimal': {
      // Decimal128: two's complement, little-endian, four 32-bit words per value.
      const words = new Uint32Array(length * 4);
      values.forEach((v, i) => {
        if (typeof v !== 'bigint') return;
        const low = v & U64_MASK;
        const high = (v >> 64n) & U64_MASK;
        words[i * 4] = Number(low & 0xffffffffn);
        words[i * 4 + 1] = Number(low >> 32n);
        words[i * 4 + 2] = Number(high & 0xffffffffn);
        words[i * 4 + 3] = Number(high >> 32n);
      });
      return makeData({ type: arrowType(type) as Decimal, length, ...validity(values), data: words });
    }
  }
}

/** The FOCUS table as one Parquet file (ZSTD, data page v1, like the report's files). */
export function focusParquet(table: FocusTable): Uint8Array {
  const schema = new Schema(FOCUS_COLUMNS.map((c) => new Field(c.name, arrowType(c.type), c.nullable)));
  const children = FOCUS_COLUMNS.map((c, i) => columnData(c.type, table.columns[i] as FocusValue[]));
  const data = makeData({ type: new Struct(schema.fields), length: table.length, nullCount: 0, children });
  return encodeParquetIpc(tableToIPC(new Table([new RecordBatch(schema, data)]), 'stream'));
}

/** Writes the period's FOCUS export: the CSV, the Parquet file and the metadata (each replaced whole). */
export async function writeFocus(
  store: ObjectStore,
  keys: FocusKeys,
  table: FocusTable,
  metadata: FocusMetadata,
): Promise<void> {
  await store.write(keys.csvKey, focusCsv(table), 'text/csv; charset=utf-8');
  await store.write(keys.parquetKey, focusParquet(table), 'application/vnd.apache.parquet');
  await store.write(keys.metadataKey, `${JSON.stringify(metadata, null, 2)}\n`, 'application/json');
}
