import type { OutputKeys } from '../core/layout/summary-keys';
import { type Period, periodDays } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import type { ObjectStore } from '../store/object-store';
import { isOwnParquetFile, isOwnReportFile } from './own-files';
import { partitionPrefix } from './parquet';

/** What `removeStaleOutputs` did. */
export interface RetentionResult {
  /** Files in the period's report folder and Parquet partitions that this tool did not write: kept. */
  readonly foreignFilesKept: readonly string[];
}

/**
 * Makes a completed period's outputs the only ones: deletes every Parquet file in the partitions of
 * the period's days that this run did not write (so no call is ever held twice and nothing stale
 * stays), and every earlier report in the period's report folder. Only files with this tool's own
 * names are deleted (see own-files.ts); any other file found there is kept and returned.
 */
export async function removeStaleOutputs(
  dest: ObjectStore,
  schema: ServiceSchema,
  period: Period,
  keys: OutputKeys,
  parquetKeys: readonly string[],
): Promise<RetentionResult> {
  const keep = new Set(parquetKeys);
  const foreign: string[] = [];
  for (const date of periodDays(period)) {
    const listing = await dest.listFolder(partitionPrefix(schema, date), { sizes: false });
    const others = listing.objects.map((o) => o.key).filter((key) => !keep.has(key));
    foreign.push(...others.filter((key) => !isOwnParquetFile(key)));
    const stale = others.filter(isOwnParquetFile);
    if (stale.length > 0) await dest.delete(stale);
  }
  const others = (await dest.listFolder(keys.reportFolder, { sizes: false })).objects
    .map((o) => o.key)
    .filter((key) => key !== keys.csvKey && key !== keys.manifestKey);
  foreign.push(...others.filter((key) => !isOwnReportFile(schema, key)));
  const previous = others.filter((key) => isOwnReportFile(schema, key));
  if (previous.length > 0) await dest.delete(previous);
  return { foreignFilesKept: foreign.sort() };
}
