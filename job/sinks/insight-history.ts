import { manifestEndDate, manifestMonthFolder } from '../core/layout/insight-keys';
import { outputKeys } from '../core/layout/summary-keys';
import {
  addDays,
  compareDates,
  FREQUENCIES,
  type Frequency,
  formatDate,
  type Period,
  parseDate,
  periodDays,
  periodEndingOn,
} from '../core/period';
import type { ServiceSchema } from '../core/schema';
import type { InsightHistory } from '../report/anomalies/detect';
import { ObjectNotFoundError, type ObjectStore } from '../store/object-store';
import { readJsonIfPresent } from '../store/read-json';
import { parseAggregatesCsv, parseHourlyCsv } from './aggregates-csv';

/** The few manifest fields the history needs (manifests of completed runs). */
interface ManifestHead {
  readonly frequency: Frequency;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly aggregatesKey?: string;
  readonly hourlyAggregatesKey?: string;
}

interface Candidate {
  readonly head: ManifestHead;
  readonly rank: number;
}

function monthsBetween(from: string, to: string): { year: number; month: number }[] {
  const out: { year: number; month: number }[] = [];
  const start = parseDate(from);
  const end = parseDate(to);
  let year = start.year;
  let month = start.month;
  while (year < end.year || (year === end.year && month <= end.month)) {
    out.push({ year, month });
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return out;
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  return (await readJsonIfPresent(store, key)) as T | undefined;
}

/**
 * The account's history before `period`, from the outputs completed runs left in `dest`: for each of
 * the `lookBackDays` days before the period, the aggregate rows of one completed run that covered it
 * (a manifest names its aggregate files; Daily runs are preferred, then Weekly, then Monthly, later
 * end dates first). Never reads a CDR. Runs that predate the aggregate files are skipped.
 */
export async function loadInsightHistory(
  dest: ObjectStore,
  schema: ServiceSchema,
  period: Period,
  lookBackDays: number,
): Promise<InsightHistory> {
  const first = formatDate(addDays(period.start, -lookBackDays));
  const last = formatDate(addDays(period.start, -1));
  // Periods ending up to a month after the window can still cover its last days.
  const months = monthsBetween(first, formatDate(addDays(period.end, 31)));
  const candidates: Candidate[] = [];
  for (const [rank, frequency] of FREQUENCIES.entries()) {
    for (const { year, month } of months) {
      for await (const entry of dest.listAll(manifestMonthFolder(schema, frequency, year, month))) {
        const found = manifestEndDate(schema, entry.key);
        if (!found || found.frequency !== frequency) continue;
        if (found.end < first) continue;
        const head = await readJson<ManifestHead>(dest, entry.key);
        if (!head?.aggregatesKey || !head.hourlyAggregatesKey) continue;
        if (head.periodStart > last) continue;
        candidates.push({ head, rank });
      }
    }
  }
  candidates.sort((a, b) => a.rank - b.rank || (a.head.periodEnd < b.head.periodEnd ? 1 : -1));

  // Day → the run that covers it.
  const chosen = new Map<Candidate, Set<string>>();
  for (let day = parseDate(first); compareDates(day, period.start) < 0; day = addDays(day, 1)) {
    const text = formatDate(day);
    const run = candidates.find((c) => c.head.periodStart <= text && text <= c.head.periodEnd);
    if (!run) continue;
    const days = chosen.get(run) ?? new Set<string>();
    days.add(text);
    chosen.set(run, days);
  }

  const days: string[] = [];
  const rows: InsightHistory['rows'][number][] = [];
  const hourRows: InsightHistory['hourRows'][number][] = [];
  const sources: string[] = [];
  for (const [run, wanted] of chosen) {
    const aggregatesKey = run.head.aggregatesKey as string;
    const hourlyKey = run.head.hourlyAggregatesKey as string;
    let aggregatesText: string;
    let hourlyText: string;
    try {
      aggregatesText = (await dest.read(aggregatesKey)).toString('utf8');
      hourlyText = (await dest.read(hourlyKey)).toString('utf8');
    } catch (error) {
      if (error instanceof ObjectNotFoundError) continue;
      throw error;
    }
    for (const row of parseAggregatesCsv(schema.service, aggregatesText, aggregatesKey))
      if (wanted.has(row.day)) rows.push(row);
    for (const row of parseHourlyCsv(schema.service, hourlyText, hourlyKey))
      if (wanted.has(row.day)) hourRows.push(row);
    days.push(...wanted);
    sources.push(aggregatesKey);
  }
  return { days: days.sort(), rows, hourRows, sources: sources.sort() };
}

/** Totals of the previous period of the same frequency, when its manifest exists. */
export interface PreviousPeriod {
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly totalCost: string;
  readonly calls: number;
  /** Absent for runs that predate the field. */
  readonly totalBillableMinutes?: string;
}

/** Reads the manifest of the period of the same frequency that ends the day before `period` starts. */
export async function readPreviousPeriod(
  dest: ObjectStore,
  schema: ServiceSchema,
  period: Period,
): Promise<PreviousPeriod | undefined> {
  const previous = periodEndingOn(period.frequency, addDays(period.start, -1));
  const manifest = await readJson<{
    periodStart: string;
    periodEnd: string;
    totalCost: string;
    recordsRated: number;
    recordsUnrated: number;
    totalBillableMinutes?: string;
  }>(dest, outputKeys(schema, previous).manifestKey);
  if (!manifest || typeof manifest.totalCost !== 'string') return undefined;
  return {
    periodStart: manifest.periodStart,
    periodEnd: manifest.periodEnd,
    totalCost: manifest.totalCost,
    calls: manifest.recordsRated + manifest.recordsUnrated,
    ...(manifest.totalBillableMinutes === undefined ? {} : { totalBillableMinutes: manifest.totalBillableMinutes }),
  };
}

/** The period's days as YYYY-MM-DD. */
export function periodDayTexts(period: Period): string[] {
  return periodDays(period).map(formatDate);
}
