import type { OutputKeys } from '../core/layout/summary-keys';
import { type Period, periodDays } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import type { ObjectStore } from '../store/object-store';
import { partitionPrefix } from './parquet';

/**
 * Makes a completed period's outputs the only ones: deletes every Parquet file in the partitions of
 * the period's days that this run did not write (so no call is ever held twice and nothing stale
 * stays), and every earlier report in the period's report folder.
 */
export async function removeStaleOutputs(
  dest: ObjectStore,
  schema: ServiceSchema,
  period: Period,
  keys: OutputKeys,
  parquetKeys: readonly string[],
): Promise<void> {
  const keep = new Set(parquetKeys);
  for (const date of periodDays(period)) {
    const listing = await dest.listFolder(partitionPrefix(schema, date), { sizes: false });
    const stale = listing.objects.map((o) => o.key).filter((key) => !keep.has(key));
    if (stale.length > 0) await dest.delete(stale);
  }
  const previous = (await dest.listFolder(keys.reportFolder, { sizes: false })).objects
    .map((o) => o.key)
    .filter((key) => key !== keys.csvKey && key !== keys.manifestKey);
  if (previous.length > 0) await dest.delete(previous);
}
