/**
 * Late arrivals: CDRs that Amazon Chime filed in a day folder later than the day after the call
 * started. The runs of the call's periods that were made before the object appeared could not see it,
 * so the run that finds one names it, with every scheduled period it belongs to, in its manifest
 * (and the scheduler re-runs those periods). Pure functions and a bounded collector.
 */

import { type CalendarDate, dateOfEpochSeconds, epochSeconds, FREQUENCIES, formatDate } from '../core/period';

const DAY_SECONDS = 86_400;

import { scheduledEndContaining } from '../core/scheduled-periods';
import type { ServiceSchema } from '../core/schema';
import { compareKeys } from '../core/text';
import type { CdrRecord } from './record';

/** A scheduled period a late call belongs to. */
export interface LatePeriod {
  readonly frequency: (typeof FREQUENCIES)[number];
  /** Included end date, YYYY-MM-DD. */
  readonly end: string;
}

/** One late-filed CDR. */
export interface LateArrival {
  readonly key: string;
  /** `TransactionId` (Voice Connector) or `CdrId` (Business Calling). */
  readonly callIdField: 'TransactionId' | 'CdrId';
  readonly callId: string;
  /** Day (UTC) the call started, YYYY-MM-DD. */
  readonly startDay: string;
  /** Date of the day folder it was filed in, YYYY-MM-DD. */
  readonly folderDay: string;
  /** The Daily, Weekly and Monthly periods (as scheduled) that contain the call. */
  readonly periods: readonly LatePeriod[];
}

/** Late arrivals listed in full in a manifest; beyond it only counted (their periods still are). */
export const LATE_ARRIVALS_LISTED = 1_000;

/** The field naming a call in a service's CDRs. */
export function callIdField(schema: ServiceSchema): LateArrival['callIdField'] {
  return schema.service === 'AmazonChimeBusinessCalling' ? 'CdrId' : 'TransactionId';
}

/** The scheduled periods (one per frequency) that contain `day`. */
export function periodsContaining(day: CalendarDate): LatePeriod[] {
  return FREQUENCIES.map((frequency) => ({ frequency, end: formatDate(scheduledEndContaining(frequency, day)) }));
}

/**
 * The late arrival an object is, or undefined when it was filed on its call's start day or the day
 * after (where Chime files calls that start late in a day).
 */
export function lateArrivalOf(
  schema: ServiceSchema,
  object: { readonly key: string; readonly folderDate: CalendarDate },
  record: CdrRecord,
): LateArrival | undefined {
  // Day numbers first (no Date per call): almost every object is filed on time.
  if (
    Math.floor(epochSeconds(object.folderDate) / DAY_SECONDS) <=
    Math.floor(record.startEpochSeconds / DAY_SECONDS) + 1
  )
    return undefined;
  const startDay = dateOfEpochSeconds(record.startEpochSeconds);
  const field = callIdField(schema);
  const index = schema.cdrFields.findIndex((c) => c.name === field);
  return {
    key: object.key,
    callIdField: field,
    callId: String(record.values[index] ?? ''),
    startDay: formatDate(startDay),
    folderDay: formatDate(object.folderDate),
    periods: periodsContaining(startDay),
  };
}

/** A day folder holding late-filed CDRs, and the days their calls started. */
export interface LateFolder {
  /** The folder's key prefix (ends with `/`). */
  readonly folder: string;
  /** YYYY-MM-DD, sorted. */
  readonly startDays: readonly string[];
}

/**
 * Late arrivals of a run, collected chunk by chunk (and shard by shard): the first
 * LATE_ARRIVALS_LISTED in full; their periods and folders (with the calls' start days) always all.
 */
export class LateArrivalLog {
  total = 0;
  readonly listed: LateArrival[] = [];
  private readonly periods = new Map<string, LatePeriod>();
  private readonly folders = new Map<string, Set<string>>();

  /**
   * Adds late arrivals; for a shard's already capped list, `total`, `periods` and `folders` carry
   * what the list left out.
   */
  add(
    arrivals: readonly LateArrival[],
    total = arrivals.length,
    periods: readonly LatePeriod[] = [],
    folders: readonly LateFolder[] = [],
  ): void {
    this.total += total;
    for (const arrival of arrivals) {
      if (this.listed.length < LATE_ARRIVALS_LISTED) this.listed.push(arrival);
      for (const period of arrival.periods) this.periods.set(`${period.frequency} ${period.end}`, period);
      this.addFolder(arrival.key.slice(0, arrival.key.lastIndexOf('/') + 1), [arrival.startDay]);
    }
    for (const period of periods) this.periods.set(`${period.frequency} ${period.end}`, period);
    for (const folder of folders) this.addFolder(folder.folder, folder.startDays);
  }

  private addFolder(folder: string, startDays: readonly string[]): void {
    const days = this.folders.get(folder) ?? new Set<string>();
    for (const day of startDays) days.add(day);
    this.folders.set(folder, days);
  }

  /** Every distinct period a late arrival belongs to (also of those beyond the list), sorted. */
  allPeriods(): LatePeriod[] {
    return [...this.periods.values()].sort(
      (a, b) =>
        FREQUENCIES.indexOf(a.frequency) - FREQUENCIES.indexOf(b.frequency) ||
        (a.end < b.end ? -1 : a.end > b.end ? 1 : 0),
    );
  }

  /** Every folder holding a late arrival, with the start days of its late calls, sorted by folder. */
  allFolders(): LateFolder[] {
    return [...this.folders].sort(compareKeys).map(([folder, days]) => ({ folder, startDays: [...days].sort() }));
  }
}
