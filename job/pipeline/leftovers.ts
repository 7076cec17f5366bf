import { outputKeys, partialKeys } from '../core/layout/summary-keys';
import { type Period, periodDays } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { partitionPrefix } from '../sinks/parquet';
import { stagingFolder } from '../sinks/staging';
import type { ObjectStore } from '../store/object-store';
import { dayLeaseKey } from './day-leases';
import { leaseKey } from './lease';

/** The folder of a key (up to its last `/`). */
function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

/**
 * Removes what earlier runs of this period that died (kill -9, OOM kill, a lost host) left behind:
 * their staged Parquet files (except those under `keepStaging`, the folder of this run's own owner,
 * whose shards may be writing right now) and, on a local disk, temporary files of processes that are
 * gone in the period's report, rejects, partials, lease and day-partition folders. Call it holding the
 * period's lease. Returns how many objects and files were removed.
 */
export async function removeLeftovers(
  dest: ObjectStore,
  schema: ServiceSchema,
  period: Period,
  keepStaging?: string,
): Promise<number> {
  const staged: string[] = [];
  for await (const entry of dest.listAll(stagingFolder(schema, period))) {
    if (keepStaging === undefined || !entry.key.startsWith(keepStaging)) staged.push(entry.key);
  }
  if (staged.length > 0) await dest.delete(staged);
  const keys = outputKeys(schema, period);
  const folders = [
    stagingFolder(schema, period),
    keys.reportFolder,
    keys.rejectsFolder,
    partialKeys(schema, period, { index: 0, count: 1 }).folder,
    folderOf(leaseKey(schema.summaryPrefix, period)),
    ...periodDays(period).flatMap((date) => [
      partitionPrefix(schema, date),
      folderOf(dayLeaseKey(schema.summaryPrefix, date)),
    ]),
  ];
  const temporary = (await dest.removeDeadTemporaryFiles?.([...new Set(folders)])) ?? 0;
  return staged.length + temporary;
}
