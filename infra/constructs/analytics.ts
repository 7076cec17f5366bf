import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import {
  GlueCatalogTable,
  type GlueCatalogTableStorageDescriptorColumns,
} from '@cdktf/provider-aws/lib/glue-catalog-table';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { type AggregateColumn, aggregateColumns, hourlyAggregateColumns } from '../../job/core/aggregate-columns';
import { FOCUS_VERSION, focusAthenaColumns } from '../../job/core/focus/columns';
import { focusParquetRoot } from '../../job/core/layout/focus-keys';
import { FREQUENCIES } from '../../job/core/period';
import { athenaColumns, type ServiceCode, schemaFor } from '../../job/core/schema';
import { AGGREGATE_PARTITION_KEYS, dashboardQueries, namedQueries, PARTITION_KEYS } from '../athena-queries';

/** Athena engine the workgroup pins (reads DECIMAL(38,16) and INT64 millis timestamps as written). */
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';
/** First year the partition projection covers. */
export const FIRST_PROJECTED_YEAR = 2018;
/** Last year the partition projection covers. */
export const LAST_PROJECTED_YEAR = 2099;

/** Partition projection of the year/month/day partition keys (Athena computes the partitions, none are added). */
const DATE_PROJECTION = {
  'projection.year.type': 'integer',
  'projection.year.range': `${FIRST_PROJECTED_YEAR},${LAST_PROJECTED_YEAR}`,
  'projection.month.type': 'integer',
  'projection.month.range': '1,12',
  'projection.month.digits': '2',
  'projection.day.type': 'integer',
  'projection.day.range': '1,31',
  'projection.day.digits': '2',
};

/** Table parameters of a Parquet table partitioned by year/month/day with partition projection over `template`. */
function parquetTableParameters(template: string): Record<string, string> {
  return {
    EXTERNAL: 'TRUE',
    classification: 'parquet',
    'projection.enabled': 'true',
    ...DATE_PROJECTION,
    'storage.location.template': template,
  };
}

/** Storage descriptor of a Parquet table at `location` with these columns. */
function parquetStorage(location: string, columns: GlueCatalogTableStorageDescriptorColumns[]) {
  return {
    location,
    inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    serDeInfo: {
      name: 'parquet',
      serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      parameters: { 'serialization.format': '1' },
    },
    columns,
  };
}

/** Properties of {@link SummaryAnalytics}. */
export interface SummaryAnalyticsProps {
  /** Prefix of every resource name (hyphens become underscores in catalog names). */
  readonly namePrefix: string;
  readonly service: ServiceCode;
  /** Bucket holding the reports. */
  readonly bucketName: string;
  /** Per-query limit on bytes scanned. @default 10 GiB */
  readonly bytesScannedCutoff?: number;
  /** Table name. @default 'calls' */
  readonly tableName?: string;
  /** Frequency of the stack's runs: the FOCUS table reads `focus/<Frequency>/`. @default 'Daily' */
  readonly frequency?: string;
  /** Name of the FOCUS table. @default 'focus' */
  readonly focusTableName?: string;
}

/**
 * Athena over the Parquet reports: a Glue database and an external table on
 * `s3://<bucket>/<Service>-Summary/parquet/` whose columns are generated from job/core/schema.ts
 * (lower-cased, as Glue stores them), partitioned by year/month/day with partition projection (no
 * crawler, no `MSCK REPAIR`); a workgroup pinned to engine v3 with its own results location and a
 * bytes-scanned cutoff; and named queries for the questions users ask first.
 */
export class SummaryAnalytics extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly table: GlueCatalogTable;
  /** The cost aggregates (`aggregates/…/aggregates.csv`) and calls by hour (`aggregates-hourly/…/hourly.csv`). */
  readonly aggregatesTable: GlueCatalogTable;
  readonly hourlyTable: GlueCatalogTable;
  /** The FOCUS export of the stack's frequency (one partition per period end date). */
  readonly focusTable: GlueCatalogTable;
  readonly workgroup: AthenaWorkgroup;
  /** Saved queries, by id (`cost-by-connector-by-day`, …). */
  readonly namedQueries: Readonly<Record<string, AthenaNamedQuery>>;
  /** `s3://…/` location of the Parquet dataset. */
  readonly dataLocation: string;
  /** `s3://…/` location of query results. */
  readonly resultsLocation: string;

  constructor(scope: Construct, id: string, props: SummaryAnalyticsProps) {
    super(scope, id);
    const cutoff = props.bytesScannedCutoff ?? 10 * 1024 ** 3;
    if (!Number.isSafeInteger(cutoff) || cutoff < 10_485_760) {
      throw new Error('SummaryAnalytics: bytesScannedCutoff must be at least 10485760 (10 MB)');
    }
    const catalogName = props.namePrefix.replace(/-/g, '_');
    if (!/^[a-z][a-z0-9_]{0,254}$/.test(catalogName)) {
      throw new Error(`SummaryAnalytics: ${JSON.stringify(props.namePrefix)} does not make a Glue database name`);
    }
    const tableName = props.tableName ?? 'calls';
    const schema = schemaFor(props.service);
    this.dataLocation = `s3://${props.bucketName}/${schema.summaryPrefix}parquet/`;
    this.resultsLocation = `s3://${props.bucketName}/${schema.summaryPrefix}athena-results/${props.namePrefix}/`;

    this.database = new GlueCatalogDatabase(this, 'database', {
      name: catalogName,
      description: `Amazon Chime ${props.service} CDR summaries (chime-cdr-summary)`,
    });

    // Terraform must not interpolate the ${year} placeholders: Athena fills them in.
    const template = `${this.dataLocation}${PARTITION_KEYS.map((key) => `${key}=${Fn.rawString(`\${${key}}`)}`).join('/')}/`;
    this.table = new GlueCatalogTable(this, 'table', {
      name: tableName,
      databaseName: this.database.name,
      description: `Rated ${props.service} calls, one partition per call start day (UTC)`,
      tableType: 'EXTERNAL_TABLE',
      parameters: parquetTableParameters(template),
      partitionKeys: PARTITION_KEYS.map((key) => ({ name: key, type: 'int', comment: `Call start ${key} (UTC)` })),
      storageDescriptor: parquetStorage(
        this.dataLocation,
        athenaColumns(props.service).map((column) => ({
          name: column.name.toLowerCase(),
          type: column.type,
          comment: column.comment,
        })),
      ),
    });

    // FOCUS export: `focus/<Frequency>/<YYYY>/<MM>/<DD>/parquet/` (the CSV beside it stays out of the table).
    const focusLocation = `s3://${props.bucketName}/${focusParquetRoot(schema, props.frequency ?? 'Daily')}`;
    const raw = (key: string) => Fn.rawString(`\${${key}}`);
    this.focusTable = new GlueCatalogTable(this, 'focus-table', {
      name: props.focusTableName ?? 'focus',
      databaseName: this.database.name,
      description: `FOCUS ${FOCUS_VERSION} charges of ${props.service}, one partition per report period end date`,
      tableType: 'EXTERNAL_TABLE',
      parameters: parquetTableParameters(`${focusLocation}${raw('year')}/${raw('month')}/${raw('day')}/parquet/`),
      partitionKeys: PARTITION_KEYS.map((key) => ({ name: key, type: 'int', comment: `Report period end ${key}` })),
      storageDescriptor: parquetStorage(focusLocation, focusAthenaColumns()),
    });

    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: props.namePrefix,
      description: `Queries over the ${props.service} CDR summaries`,
      state: 'ENABLED',
      // Deleting the stack removes the workgroup even when it has query history.
      forceDestroy: true,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: this.resultsLocation,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    this.aggregatesTable = this.aggregateTable('aggregates-table', {
      name: 'aggregates',
      folder: `s3://${props.bucketName}/${schema.summaryPrefix}aggregates/`,
      description: `Cost aggregates of ${props.service} per run: call day × connector × usage type × destination country × direction`,
      columns: aggregateColumns(props.service),
    });
    this.hourlyTable = this.aggregateTable('aggregates-hourly-table', {
      name: 'aggregates_hourly',
      folder: `s3://${props.bucketName}/${schema.summaryPrefix}aggregates-hourly/`,
      description: `Calls of ${props.service} per run: call day × connector × hour of day (UTC)`,
      columns: hourlyAggregateColumns(props.service),
    });

    const queries: Record<string, AthenaNamedQuery> = {};
    for (const query of [
      ...namedQueries(props.service, catalogName, tableName),
      ...dashboardQueries(props.service, catalogName, 'aggregates', 'aggregates_hourly'),
    ]) {
      queries[query.id] = new AthenaNamedQuery(this, `query-${query.id}`, {
        name: `${props.namePrefix}: ${query.title}`,
        description: query.description,
        database: this.database.name,
        workgroup: this.workgroup.name,
        query: query.sql,
      });
    }
    this.namedQueries = queries;
  }

  /**
   * An external table over one kind of aggregate CSV file (header row, RFC 4180 quoting: Open CSV
   * SerDe), partitioned by the run's frequency and end date with partition projection.
   */
  private aggregateTable(
    id: string,
    table: { name: string; folder: string; description: string; columns: readonly AggregateColumn[] },
  ): GlueCatalogTable {
    const placeholders = AGGREGATE_PARTITION_KEYS.map((key) => Fn.rawString(`\${${key}}`)).join('/');
    return new GlueCatalogTable(this, id, {
      name: table.name,
      databaseName: this.database.name,
      description: table.description,
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        EXTERNAL: 'TRUE',
        classification: 'csv',
        'skip.header.line.count': '1',
        'projection.enabled': 'true',
        'projection.frequency.type': 'enum',
        'projection.frequency.values': FREQUENCIES.join(','),
        ...DATE_PROJECTION,
        'storage.location.template': `${table.folder}${placeholders}/`,
      },
      partitionKeys: AGGREGATE_PARTITION_KEYS.map((key) => ({
        name: key,
        type: key === 'frequency' ? 'string' : 'int',
        comment: key === 'frequency' ? 'Frequency of the run' : `Period end ${key} (UTC)`,
      })),
      storageDescriptor: {
        location: table.folder,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serDeInfo: {
          name: 'csv',
          serializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
          parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' },
        },
        columns: table.columns.map((column) => ({
          name: column.name.toLowerCase(),
          type: column.athenaType,
          comment: column.description,
        })),
      },
    });
  }
}
