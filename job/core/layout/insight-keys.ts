import { type Frequency, formatDate, type Period, pad2 } from '../period';
import type { ServiceSchema } from '../schema';

/** Where one period's cost-insight outputs go, relative to the destination root. */
export interface InsightKeys {
  /** `…-Summary/aggregates/<Frequency>/<YYYY>/<MM>/<DD>/aggregates.csv`: day × connector × usage type × country × direction. */
  readonly aggregatesKey: string;
  /** `…-Summary/aggregates-hourly/<Frequency>/<YYYY>/<MM>/<DD>/hourly.csv`: day × connector × hour of day. */
  readonly hourlyAggregatesKey: string;
  /** `…-Summary/dashboard/<Frequency>/<YYYY>/<MM>/<DD>/index.html`: the period's self-contained dashboard. */
  readonly dashboardKey: string;
}

/** `<Frequency>/<YYYY>/<MM>/<DD>/` of a period's end date. */
function datedFolder(frequency: Frequency, period: Period): string {
  const end = period.end;
  return `${frequency}/${end.year}/${pad2(end.month)}/${pad2(end.day)}/`;
}

/** The insight output keys of a period. */
export function insightKeys(schema: ServiceSchema, period: Period): InsightKeys {
  const dated = datedFolder(period.frequency, period);
  return {
    aggregatesKey: `${schema.summaryPrefix}aggregates/${dated}aggregates.csv`,
    hourlyAggregatesKey: `${schema.summaryPrefix}aggregates-hourly/${dated}hourly.csv`,
    dashboardKey: `${schema.summaryPrefix}dashboard/${dated}index.html`,
  };
}

/** Folder of the report manifests of one frequency and month (`…-Summary/csv/<Frequency>/<YYYY>/<MM>/`). */
export function manifestMonthFolder(schema: ServiceSchema, frequency: Frequency, year: number, month: number): string {
  return `${schema.summaryPrefix}csv/${frequency}/${year}/${pad2(month)}/`;
}

/** Whether a key is a period manifest (`…/csv/<Frequency>/<YYYY>/<MM>/<DD>/manifest.json`), and its end date. */
export function manifestEndDate(schema: ServiceSchema, key: string): { frequency: string; end: string } | undefined {
  const match = /^csv\/(Daily|Weekly|Monthly)\/(\d{4})\/(\d{2})\/(\d{2})\/manifest\.json$/.exec(
    key.startsWith(schema.summaryPrefix) ? key.slice(schema.summaryPrefix.length) : '',
  );
  if (!match) return undefined;
  return { frequency: match[1] as string, end: `${match[2]}-${match[3]}-${match[4]}` };
}

/** Human label of a period: `Weekly 2025-02-26..2025-03-04`. */
export function periodLabel(period: Period): string {
  return `${period.frequency} ${formatDate(period.start)}..${formatDate(period.end)}`;
}
