/**
 * Reading back the manifests of earlier runs (the late arrivals they named). Only report folders
 * are listed: `csv/<Frequency>/<YYYY>/<MM>/` for the months asked, one read per report folder.
 */

import { reportFolderEnd, reportMonths } from '../core/layout/report-folders';
import type { CalendarDate, Frequency } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { ObjectNotFoundError, type ObjectStore } from '../store/object-store';
import type { Manifest } from './manifest';

/** The manifest fields late-arrival handling reads (manifests of older versions lack the late fields). */
export type ManifestFacts = Pick<Manifest, 'frequency' | 'periodStart' | 'periodEnd' | 'startedAt' | 'finishedAt'> &
  Partial<Pick<Manifest, 'lateArrivals' | 'lateArrivalsTotal' | 'lateArrivalPeriods' | 'lateArrivalFolders'>>;

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

/**
 * The manifests of every frequency whose period ends in [from, to], except those `skip` names
 * (not even read).
 */
export async function manifestsEndingBetween(
  store: ObjectStore,
  schema: ServiceSchema,
  from: CalendarDate,
  to: CalendarDate,
  skip: (frequency: Frequency, end: CalendarDate) => boolean = () => false,
): Promise<ManifestFacts[]> {
  const found: ManifestFacts[] = [];
  for (const month of reportMonths(schema, from, to)) {
    const listing = await store.listFolder(month.prefix, { sizes: false });
    for (const folder of listing.folders) {
      const end = reportFolderEnd(month, folder, from, to);
      if (end === undefined || skip(month.frequency, end)) continue;
      const manifest = await readManifestFacts(store, `${folder}manifest.json`);
      if (manifest) found.push(manifest);
    }
  }
  return found;
}
