/**
 * Day folders outside a period that hold its late-filed calls. Earlier runs that found a CDR filed
 * later than the day after its call started named it in their manifests (`lateArrivals`); a run of a
 * period containing that call's start day lists those folders too, so the call is in its report
 * (its other objects count as outside the period, and nothing in them is named twice: see
 * needsRerun in the scheduler).
 */

import { parseCdrKey } from '../core/layout/cdr-keys';
import {
  addDays,
  compareDates,
  dateOfEpochSeconds,
  folderDays,
  formatDate,
  type Period,
  parseDate,
} from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { manifestsEndingBetween } from '../sinks/manifest-scan';
import type { ObjectStore } from '../store/object-store';
import type { CrawlPlan, DayFolder } from './crawl';

/** How long after a period's end runs are searched for late arrivals of it (by their end date). */
export const LATE_ARRIVAL_HORIZON_DAYS = 40;

/**
 * The day folders (outside the plan) named by manifests in `dest` of runs ending from the period's
 * start to LATE_ARRIVAL_HORIZON_DAYS after its end (and not after today) as holding late calls that
 * started in the period.
 */
export async function lateFoldersFor(
  dest: ObjectStore,
  schema: ServiceSchema,
  period: Period,
  plan: CrawlPlan,
  now: Date,
): Promise<DayFolder[]> {
  const today = dateOfEpochSeconds(Math.floor(now.getTime() / 1000));
  const horizon = addDays(period.end, LATE_ARRIVAL_HORIZON_DAYS);
  const to = compareDates(horizon, today) < 0 ? horizon : today;
  // The period's own earlier manifest is not read: what it names came from the others.
  const own = formatDate(period.end);
  const manifests = await manifestsEndingBetween(
    dest,
    schema,
    period.start,
    to,
    (frequency, end) => frequency === period.frequency && formatDate(end) === own,
  );
  const days = new Set(folderDays(period).map(formatDate));
  const planned = new Set(plan.folders.map((f) => `${formatDate(f.date)} ${f.partitionId}`));
  const extra = new Map<string, DayFolder>();
  for (const manifest of manifests) {
    const folders =
      manifest.lateArrivalFolders ??
      (manifest.lateArrivals ?? []).map((late) => ({
        folder: late.key.slice(0, late.key.lastIndexOf('/') + 1),
        startDays: [late.startDay],
      }));
    for (const { folder, startDays } of folders) {
      const inPeriod = startDays.some((day) => {
        const start = parseDate(day);
        return compareDates(start, period.start) >= 0 && compareDates(start, period.end) <= 0;
      });
      if (!inPeriod) continue;
      const info = parseCdrKey(schema, `${folder}x`);
      if (!info || days.has(formatDate(info.date)) || planned.has(`${formatDate(info.date)} ${info.partitionId}`))
        continue;
      extra.set(folder, { date: info.date, partitionId: info.partitionId, prefix: folder });
    }
  }
  return [...extra.values()].sort(
    (a, b) => compareDates(a.date, b.date) || ((a.prefix ?? '') < (b.prefix ?? '') ? -1 : 1),
  );
}
