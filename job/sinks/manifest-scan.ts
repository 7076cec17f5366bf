/**
 * Reading back the manifests of earlier runs (late arrivals they named). Only report folders are
 * listed: `csv/<Frequency>/<YYYY>/<MM>/` for the months asked, one read per report folder.
 */

import { addDays, type CalendarDate, compareDates, FREQUENCIES, pad2 } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { ObjectNotFoundError, type ObjectStore } from '../store/object-store';
import type { Manifest } from './manifest';

/** The manifest fields late-arrival handling reads (manifests of older versions lack the late fields). */
export type ManifestFacts = Pick<Manifest, 'frequency' | 'periodStart' | 'periodEnd' | 'startedAt' | 'finishedAt'> &
  Partial<Pick<Manifest, 'lateArrivals' | 'lateArrivalsTotal' | 'lateArrivalPeriods'>>;

/** Reads one manifest; undefined when it does not exist or is not a manifest (e.g. cut short by hand). */
export async function readManifestFacts(store: ObjectStore, key: string): Promise<ManifestFacts | undefined> {
  let text: string;
  try {
    text = (await store.read(key)).toString('utf8');
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  }
  try {
    const manifest = JSON.parse(text) as ManifestFacts;
    return typeof manifest.startedAt === 'string' && typeof manifest.finishedAt === 'string' ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** The manifest key of the period of `frequency` ending on `end`. */
export function manifestKeyOf(schema: ServiceSchema, frequency: string, end: CalendarDate): string {
  return `${schema.summaryPrefix}csv/${frequency}/${end.year}/${pad2(end.month)}/${pad2(end.day)}/manifest.json`;
}

/** The manifests of every frequency whose period ends in [from, to]. */
export async function manifestsEndingBetween(
  store: ObjectStore,
  schema: ServiceSchema,
  from: CalendarDate,
  to: CalendarDate,
): Promise<ManifestFacts[]> {
  const found: ManifestFacts[] = [];
  if (compareDates(from, to) > 0) return found;
  const months: CalendarDate[] = [];
  for (let m = { year: from.year, month: from.month, day: 1 }; compareDates(m, to) <= 0; ) {
    months.push(m);
    m = addDays({ year: m.year, month: m.month, day: 28 }, 4);
    m = { year: m.year, month: m.month, day: 1 };
  }
  for (const frequency of FREQUENCIES) {
    for (const month of months) {
      const prefix = `${schema.summaryPrefix}csv/${frequency}/${month.year}/${pad2(month.month)}/`;
      const listing = await store.listFolder(prefix, { sizes: false });
      for (const folder of listing.folders) {
        const name = folder.slice(prefix.length, -1);
        if (!/^\d{2}$/.test(name)) continue;
        const end = { year: month.year, month: month.month, day: Number(name) };
        if (compareDates(end, from) < 0 || compareDates(end, to) > 0) continue;
        const manifest = await readManifestFacts(store, `${folder}manifest.json`);
        if (manifest) found.push(manifest);
      }
    }
  }
  return found;
}
