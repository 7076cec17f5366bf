/**
 * Where earlier runs' manifests are: `<Summary>csv/<Frequency>/<YYYY>/<MM>/<DD>/manifest.json`, one
 * report folder per period end date. Pure functions: the month prefixes to list for a range of end
 * dates, and the end date a listed folder stands for.
 */

import { addDays, type CalendarDate, compareDates, FREQUENCIES, type Frequency, pad2 } from '../period';
import type { ServiceSchema } from '../schema';

/** One month of report folders of one frequency. */
export interface ReportMonth {
  readonly frequency: Frequency;
  readonly year: number;
  readonly month: number;
  /** `<Summary>csv/<Frequency>/<YYYY>/<MM>/` */
  readonly prefix: string;
}

/** The month prefixes (every frequency) that hold report folders of periods ending in [from, to]. */
export function reportMonths(schema: ServiceSchema, from: CalendarDate, to: CalendarDate): ReportMonth[] {
  const months: { year: number; month: number }[] = [];
  for (let m = { year: from.year, month: from.month, day: 1 }; compareDates(m, to) <= 0; ) {
    months.push(m);
    const next = addDays({ year: m.year, month: m.month, day: 28 }, 4);
    m = { year: next.year, month: next.month, day: 1 };
  }
  return FREQUENCIES.flatMap((frequency) =>
    months.map(({ year, month }) => ({
      frequency,
      year,
      month,
      prefix: `${schema.summaryPrefix}csv/${frequency}/${year}/${pad2(month)}/`,
    })),
  );
}

/** The end date of a listed report folder (`<prefix><DD>/`) when it lies in [from, to]. */
export function reportFolderEnd(
  month: ReportMonth,
  folder: string,
  from: CalendarDate,
  to: CalendarDate,
): CalendarDate | undefined {
  const name = folder.slice(month.prefix.length, -1);
  if (!/^\d{2}$/.test(name)) return undefined;
  const end = { year: month.year, month: month.month, day: Number(name) };
  return compareDates(end, from) < 0 || compareDates(end, to) > 0 ? undefined : end;
}

/** The manifest key of the period of `frequency` ending on `end`. */
export function manifestKeyOf(schema: ServiceSchema, frequency: Frequency, end: CalendarDate): string {
  return `${schema.summaryPrefix}csv/${frequency}/${end.year}/${pad2(end.month)}/${pad2(end.day)}/manifest.json`;
}
