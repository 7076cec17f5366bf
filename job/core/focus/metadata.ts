import { createHash } from 'node:crypto';
import { MONEY_PRECISION } from '../schema';
import { FOCUS_COLUMNS, FOCUS_VERSION, type FocusColumn } from './columns';

/** The name of this data generator in FOCUS metadata. */
export const FOCUS_DATA_GENERATOR = 'chime-cdr-summary';

/** One column of the FOCUS schema metadata (`specification/metadata/schema/column_definition/`). */
export interface FocusColumnMetadata {
  readonly ColumnName: string;
  readonly DataType: 'STRING' | 'DATETIME' | 'DECIMAL' | 'INTEGER' | 'JSON';
  readonly NumericPrecision?: number;
  readonly NumberScale?: number;
  readonly StringEncoding?: 'UTF-8';
  readonly ProviderTagPrefixes?: readonly string[];
}

/**
 * The FOCUS metadata that travels with each export (`metadata.json`): the Data Generator object and
 * the Schema object (`specification/metadata/` of FOCUS 1.2). The SchemaId is a hash of the column
 * definitions, so it changes exactly when the structure does.
 */
export interface FocusMetadata {
  readonly DataGenerator: { readonly DataGenerator: string };
  readonly Schema: {
    readonly SchemaId: string;
    readonly FocusVersion: string;
    /** When this metadata was written (FOCUS date/time format). */
    readonly CreationDate: string;
    readonly DataGeneratorVersion: string;
    readonly ColumnDefinition: readonly FocusColumnMetadata[];
  };
}

function columnMetadata(column: FocusColumn): FocusColumnMetadata {
  const name = column.name;
  switch (column.type.kind) {
    case 'string':
      return { ColumnName: name, DataType: 'STRING', StringEncoding: 'UTF-8' };
    case 'datetime':
      return { ColumnName: name, DataType: 'DATETIME' };
    case 'json':
      // Tags holds user-defined tags only: no provider tag prefix is used.
      return name === 'Tags'
        ? { ColumnName: name, DataType: 'JSON', ProviderTagPrefixes: [] }
        : { ColumnName: name, DataType: 'JSON' };
    case 'integer':
      return { ColumnName: name, DataType: 'INTEGER' };
    case 'decimal':
      return {
        ColumnName: name,
        DataType: 'DECIMAL',
        NumericPrecision: MONEY_PRECISION,
        NumberScale: column.type.scale,
      };
  }
}

/** The schema's columns as metadata, in export order. */
export function focusColumnMetadata(): FocusColumnMetadata[] {
  return FOCUS_COLUMNS.map(columnMetadata);
}

/** A GUID-shaped id derived from the column definitions (same columns, same id). */
export function focusSchemaId(): string {
  const hex = createHash('sha256')
    .update(JSON.stringify({ version: FOCUS_VERSION, columns: focusColumnMetadata() }))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The metadata document of an export written at `created` by generator version `version`. */
export function focusMetadata(created: Date, version: string): FocusMetadata {
  return {
    DataGenerator: { DataGenerator: FOCUS_DATA_GENERATOR },
    Schema: {
      SchemaId: focusSchemaId(),
      FocusVersion: FOCUS_VERSION,
      CreationDate: `${created.toISOString().slice(0, 19)}Z`,
      DataGeneratorVersion: version,
      ColumnDefinition: focusColumnMetadata(),
    },
  };
}
