/**
 * One batch of report rows, column-major, and what builds it; `toArrow()` assembles the Arrow record
 * batch (report/arrow-columns.ts) for the Parquet sink.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import type { CdrRecord, CdrValue } from '../cdr/record';
import { perSchema } from '../core/per-schema';
import { type ColumnDefinition, type ColumnKind, decimalShape, type ServiceSchema } from '../core/schema';
import type { Charge } from '../prices/rate-deck/charger';
import type { Rating } from '../prices/rater';
import { type ArrowColumn, type ArrowShape, arrowRecordBatch, arrowSchemaOf } from './arrow-columns';
import type { ConnectorCells } from './connectors';

/** The Arrow shape of a report column kind. */
function shapeOf(kind: ColumnKind): ArrowShape {
  switch (kind) {
    case 'string':
      return { kind: 'utf8' };
    case 'integer':
      return { kind: 'int64' };
    case 'boolean':
    case 'timestamp':
      return { kind };
    case 'minutes':
    case 'price':
    case 'cost':
    case 'charge':
      return { kind: 'decimal', ...decimalShape(kind), label: kind };
  }
}

/** The report's columns as Arrow columns (name, shape, nullability), derived from schema.ts. */
const reportColumns = perSchema((schema): readonly ArrowColumn[] =>
  schema.columns.map((c) => ({ name: c.name, shape: shapeOf(c.kind), nullable: !isAlwaysPresent(c, schema) })),
);

/** The Arrow schema of a service's report, derived from schema.ts. */
export function arrowSchema(schema: ServiceSchema): Schema {
  return arrowSchemaOf(reportColumns(schema));
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
    return arrowRecordBatch(arrowSchema(this.schema), reportColumns(this.schema), this.columns, this.length);
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
