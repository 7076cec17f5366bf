import { formatDate, type Period, pad2 } from '../period';
import type { ServiceSchema } from '../schema';

/** Where a period's FOCUS export goes. */
export interface FocusKeys {
  /** `…-Summary/focus/<Frequency>/<YYYY>/<MM>/<DD>/` (the end date). */
  readonly folder: string;
  /** The CSV, in the folder. */
  readonly csvKey: string;
  /** The Parquet file, in the folder's `parquet/` sub-folder: an Athena table reads every file of its location. */
  readonly parquetKey: string;
  /** The FOCUS metadata (data generator, schema) of the export, in the folder. */
  readonly metadataKey: string;
}

/** The FOCUS keys of a period (deterministic: a re-run replaces them). */
export function focusKeys(schema: ServiceSchema, period: Period): FocusKeys {
  const end = period.end;
  const folder = `${schema.summaryPrefix}focus/${period.frequency}/${end.year}/${pad2(end.month)}/${pad2(end.day)}/`;
  const name = `${schema.summaryPrefix.slice(0, -'-Summary/'.length)}-FOCUS-${period.frequency}-${formatDate(period.start)}_${formatDate(end)}`;
  return {
    folder,
    csvKey: `${folder}${name}.csv`,
    parquetKey: `${folder}parquet/${name}.parquet`,
    metadataKey: `${folder}metadata.json`,
  };
}

/** Prefix of the FOCUS Parquet files of one frequency (the Athena table's location). */
export function focusParquetRoot(schema: ServiceSchema, frequency: string): string {
  return `${schema.summaryPrefix}focus/${frequency}/`;
}
