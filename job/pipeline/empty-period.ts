import { addDays, compareDates, epochSeconds, folderInPeriod, formatDate, type Period, pad2 } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import type { CrawledObject, CrawlPlan } from './crawl';

/**
 * Thrown when a period's day folders hold no CDR object: nothing was written or deleted. The message
 * is one line naming where the run looked (and the nearest day folder that exists, when one was seen).
 */
export class EmptyPeriodError extends Error {
  override readonly name = 'EmptyPeriodError';
}

const DAY_SECONDS = 86_400;

/** Days between a date and the nearest day of the period (0 inside it). */
function distance(period: Period, date: { year: number; month: number; day: number }): number {
  if (compareDates(date, period.start) < 0) return (period.startEpochSeconds - epochSeconds(date)) / DAY_SECONDS;
  if (compareDates(date, period.end) > 0) return (epochSeconds(date) - epochSeconds(period.end)) / DAY_SECONDS;
  return 0;
}

/** The one-line "nothing found" message for a period. */
export function emptyPeriodMessage(location: string, schema: ServiceSchema, period: Period, plan: CrawlPlan): string {
  const range = `${period.frequency} ${formatDate(period.start)}..${formatDate(period.end)}`;
  const root = `${location.replace(/\/$/, '')}/${schema.cdrPrefix}`;
  if (plan.partitions.length === 0) {
    return `no CDR objects for ${range}: no connector or account folders under ${root} (check --source and --service)`;
  }
  const start = period.start;
  const days =
    compareDates(period.start, period.end) === 0
      ? `${start.year}/${pad2(start.month)}/${pad2(start.day)}/`
      : `${start.year}/${pad2(start.month)}/${pad2(start.day)}/ … ${period.end.year}/${pad2(period.end.month)}/${pad2(period.end.day)}/`;
  const where = `looked in ${root}<${plan.partitions.length} folder(s): ${plan.partitions.slice(0, 3).join(', ')}${plan.partitions.length > 3 ? ', …' : ''}>/${days}`;
  const next = addDays(period.end, 1);
  const nearest = (plan.seenDayFolders ?? [])
    .filter((f) => !folderInPeriod(period, f.date))
    .sort((a, b) => distance(period, a.date) - distance(period, b.date) || compareDates(b.date, a.date))[0];
  const hint = nearest
    ? `; nearest day folder found: ${location.replace(/\/$/, '')}/${nearest.prefix}${compareDates(nearest.date, next) === 0 ? ' (the next day)' : ''}`
    : '';
  return `no CDR objects for ${range}: ${where}${hint}; use --allow-empty to report a genuinely quiet period`;
}

/**
 * Returns the crawl's objects unchanged when the period's own day folders hold at least one CDR
 * object (the crawl yields those before the next day's folder); otherwise, unless `allowEmpty`,
 * stops the crawl and throws EmptyPeriodError with `message()`. Reads only the first object ahead.
 */
export async function requireObjects(
  objects: AsyncIterable<CrawledObject>,
  period: Period,
  allowEmpty: boolean,
  message: () => string,
): Promise<AsyncIterable<CrawledObject>> {
  const iterator = objects[Symbol.asyncIterator]();
  const first = await iterator.next();
  if ((first.done || !folderInPeriod(period, first.value.folderDate)) && !allowEmpty) {
    await iterator.return?.(undefined);
    throw new EmptyPeriodError(message());
  }
  return (async function* () {
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.(undefined);
    }
  })();
}
