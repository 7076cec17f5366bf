/**
 * Re-running the periods late-filed CDRs belong to. A run that finds a CDR filed later than the day
 * after its call started names it in its manifest (`lateArrivals`: key, call id, start day, the
 * scheduled Daily/Weekly/Monthly periods it belongs to). A run of a period reads those names and
 * lists the folders holding its late calls (pipeline/late-folders.ts), so a re-run includes them.
 * On each scheduled invocation the scheduler reads the manifests of recent runs of every frequency
 * and re-runs the periods of its own frequency whose current report does not include a late call
 * named for them. Once a period's report includes it, the period is not re-run again for it.
 */

import { manifestKeyOf, reportFolderEnd, reportMonths } from '../core/layout/report-folders';
import {
  addDays,
  type CalendarDate,
  dateOfEpochSeconds,
  dayIsOver,
  type Frequency,
  type Period,
  parseDate,
  periodEndingOn,
} from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { compareKeys } from '../core/text';
import type { ManifestFacts } from '../sinks/manifest-scan';
import type { ObjectStore } from '../store/object-store';
import { readJsonIfPresent } from '../store/read-json';

/** Days back (by period end date) whose manifests are read for late arrivals. */
export const LATE_ARRIVAL_LOOKBACK_DAYS = 40;
/** Re-runs submitted per invocation at most (each stores a price snapshot first); the rest follow next time. */
export const MAX_LATE_ARRIVAL_RERUNS = 5;

/** A period named by late arrivals, with what its report must include. */
export interface RerunCandidate {
  readonly period: Period;
  /** Keys of the late CDRs named for it. */
  readonly keys: ReadonlySet<string>;
  /** finishedAt (ISO 8601) of the latest naming manifest that named more late CDRs than it listed. */
  readonly unlistedSince?: string;
}

/**
 * The finished periods of `frequency` that manifests name for late arrivals, oldest first. A
 * manifest's own period is left out (its report holds the calls it names).
 */
export function namedPeriods(manifests: readonly ManifestFacts[], frequency: Frequency, now: Date): RerunCandidate[] {
  const byEnd = new Map<string, { keys: Set<string>; unlistedSince?: string }>();
  const entry = (end: string) => {
    const found = byEnd.get(end) ?? { keys: new Set<string>() };
    byEnd.set(end, found);
    return found;
  };
  const wanted = (manifest: ManifestFacts, p: { frequency: string; end: string }) =>
    p.frequency === frequency &&
    !(manifest.frequency === p.frequency && manifest.periodEnd === p.end) &&
    dayIsOver(parseDate(p.end), now);
  for (const manifest of manifests) {
    for (const late of manifest.lateArrivals ?? [])
      for (const p of late.periods) if (wanted(manifest, p)) entry(p.end).keys.add(late.key);
    // Beyond the listed late arrivals only their periods are known: fall back to "reported before".
    if ((manifest.lateArrivalsTotal ?? 0) > (manifest.lateArrivals?.length ?? 0)) {
      for (const p of manifest.lateArrivalPeriods ?? []) {
        if (!wanted(manifest, p)) continue;
        const found = entry(p.end);
        if (found.unlistedSince === undefined || found.unlistedSince < manifest.finishedAt)
          found.unlistedSince = manifest.finishedAt;
      }
    }
  }
  return [...byEnd]
    .sort(compareKeys)
    .map(([end, found]) => ({ period: periodEndingOn(frequency, parseDate(end)), ...found }));
}

/**
 * Whether a named period needs a re-run, given its current manifest: when its report lacks one of
 * the late CDRs named for it (or, for late CDRs beyond a manifest's list, was written by a run that
 * started before they were named). A period with no manifest (never reported, or a run of it under
 * way) is not re-run from here.
 */
export function needsRerun(candidate: RerunCandidate, current: ManifestFacts | undefined): boolean {
  if (current === undefined) return false;
  const included = new Set((current.lateArrivals ?? []).map((late) => late.key));
  for (const key of candidate.keys) if (!included.has(key)) return true;
  return candidate.unlistedSince !== undefined && current.startedAt < candidate.unlistedSince;
}

async function readFacts(store: ObjectStore, key: string): Promise<ManifestFacts | undefined> {
  const manifest = (await readJsonIfPresent(store, key)) as Partial<ManifestFacts> | null | undefined;
  return typeof manifest?.startedAt === 'string' && typeof manifest.finishedAt === 'string'
    ? (manifest as ManifestFacts)
    : undefined;
}

/**
 * The periods of `frequency` to re-run for late arrivals named by the manifests (in `store`) of runs
 * that ended in the last LATE_ARRIVAL_LOOKBACK_DAYS days, oldest first, at most MAX_LATE_ARRIVAL_RERUNS.
 */
export async function lateArrivalReruns(
  store: ObjectStore,
  schema: ServiceSchema,
  frequency: Frequency,
  now: Date,
): Promise<{ readonly due: Period[]; readonly waiting: number }> {
  const today: CalendarDate = dateOfEpochSeconds(Math.floor(now.getTime() / 1000));
  const from = addDays(today, -LATE_ARRIVAL_LOOKBACK_DAYS);
  const manifests: ManifestFacts[] = [];
  for (const month of reportMonths(schema, from, today)) {
    for (const folder of (await store.listFolder(month.prefix, { sizes: false })).folders) {
      if (reportFolderEnd(month, folder, from, today) === undefined) continue;
      const manifest = await readFacts(store, `${folder}manifest.json`);
      if (manifest) manifests.push(manifest);
    }
  }
  const due: Period[] = [];
  for (const candidate of namedPeriods(manifests, frequency, now)) {
    const current = await readFacts(store, manifestKeyOf(schema, frequency, candidate.period.end));
    if (needsRerun(candidate, current)) due.push(candidate.period);
  }
  return { due: due.slice(0, MAX_LATE_ARRIVAL_RERUNS), waiting: Math.max(0, due.length - MAX_LATE_ARRIVAL_RERUNS) };
}
