import { Table, tableToIPC } from 'apache-arrow';
import { csvField } from '../../core/csv-field';
import { formatDecimal } from '../../core/decimal';
import { FOCUS_COLUMNS, type FocusType } from '../../core/focus/columns';
import type { FocusMetadata } from '../../core/focus/metadata';
import { isoSecondsText } from '../../core/iso-timestamp';
import type { FocusKeys } from '../../core/layout/focus-keys';
import { MONEY_PRECISION } from '../../core/schema';
import { type ArrowColumn, type ArrowShape, arrowRecordBatch, arrowSchemaOf } from '../../report/arrow-columns';
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

function shapeOf(type: FocusType): ArrowShape {
  switch (type.kind) {
    case 'string':
    case 'json':
      return { kind: 'utf8' };
    case 'datetime':
      return { kind: 'timestamp' };
    case 'integer':
      return { kind: 'int64' };
    case 'decimal':
      return { kind: 'decimal', precision: MONEY_PRECISION, scale: type.scale, label: 'FOCUS' };
  }
}

const FOCUS_ARROW_COLUMNS: readonly ArrowColumn[] = FOCUS_COLUMNS.map((c) => ({
  name: c.name,
  shape: shapeOf(c.type),
  nullable: c.nullable,
}));

/** The FOCUS table as one Parquet file (ZSTD, data page v1, like the report's files). */
export function focusParquet(table: FocusTable): Uint8Array {
  const values = FOCUS_COLUMNS.map((c, i) => {
    const column = table.columns[i] as FocusValue[];
    // Text columns may hold numbers (e.g. an account id): written as their text.
    return shapeOf(c.type).kind === 'utf8' ? column.map((v) => (v === null ? null : String(v))) : column;
  });
  const batch = arrowRecordBatch(arrowSchemaOf(FOCUS_ARROW_COLUMNS), FOCUS_ARROW_COLUMNS, values, table.length);
  return encodeParquetIpc(tableToIPC(new Table([batch]), 'stream'));
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
