/**
 * The names this tool gives the files it writes into shared folders (a period's report folder, a
 * call day's Parquet partition). Re-runs delete only files that match them: anything else found there
 * (a hand-made note, another tool's export) is kept and reported as a foreign file. Pure functions.
 */

import { FREQUENCIES } from '../core/period';
import type { ServiceSchema } from '../core/schema';

const DATE = String.raw`\d{4}-\d{2}-\d{2}`;

function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * Whether `key`, found in a period's report folder (`csv/<Frequency>/<YYYY>/<MM>/<DD>/`), is a file
 * this tool wrote there: the period report `<Service>-<Frequency>-<start>_<end>[-partial].csv` or
 * `manifest.json`.
 */
export function isOwnReportFile(schema: ServiceSchema, key: string): boolean {
  const name = baseName(key);
  if (name === 'manifest.json') return true;
  const service = schema.summaryPrefix.slice(0, -'-Summary/'.length);
  const report = new RegExp(`^${service}-(${FREQUENCIES.join('|')})-${DATE}_${DATE}(-partial)?\\.csv$`);
  return report.test(name);
}

/** Whether `key`, found in a call day's Parquet partition, is a file this tool wrote (`part-*.parquet`). */
export function isOwnParquetFile(key: string): boolean {
  return /^part-[A-Za-z0-9_-]+\.parquet$/.test(baseName(key));
}
