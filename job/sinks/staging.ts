import { formatDate, type Period } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { datasetRoot } from './parquet';

/**
 * The staging folder of a period's runs: `<summaryPrefix>staging/<Frequency>-<YYYY-MM-DD>/`. A run
 * writes its Parquet files there (invisible to Athena, which reads only `parquet/`) and copies them
 * into the dataset when it commits; one run (or one array job) per period works at a time (the period
 * lease), so whatever else is found there was left by a run that died.
 */
export function stagingFolder(schema: ServiceSchema, period: Period): string {
  return `${schema.summaryPrefix}staging/${period.frequency}-${formatDate(period.end)}/`;
}

/** An owner id as a key segment (`batch:1234` → `batch-1234`). */
export function ownerTag(owner: string): string {
  return owner.replace(/[^A-Za-z0-9._-]/g, '-');
}

/**
 * Where one run (or the shards of one array job, which share an owner id) stages its Parquet files:
 * `<stagingFolder>/<owner tag>/parquet/`, holding `year=/month=/day=/` folders like the dataset.
 */
export function stagingRoot(schema: ServiceSchema, period: Period, owner: string): string {
  return `${stagingFolder(schema, period)}${ownerTag(owner)}/parquet/`;
}

/** The dataset key a staged file is committed to: the same `year=/month=/day=/<name>` under `parquet/`. */
export function committedKey(schema: ServiceSchema, stagedKey: string): string {
  const at = stagedKey.lastIndexOf('/parquet/year=');
  if (!stagedKey.startsWith(schema.summaryPrefix) || at < 0) throw new Error(`not a staged Parquet key: ${stagedKey}`);
  return `${datasetRoot(schema)}${stagedKey.slice(at + '/parquet/'.length)}`;
}
