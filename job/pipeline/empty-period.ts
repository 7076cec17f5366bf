import { InputError } from '../core/errors';
import { addDays, compareDates, epochSeconds, folderInPeriod, formatDate, type Period, pad2 } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import type { CrawledObject, CrawlPlan } from './crawl';

/**
 * Thrown when a period's day folders hold no CDR object: nothing was written or deleted. The message
 * is one line naming where the run looked (and the nearest day folder that exists, when one was seen).
 */
export class EmptyPeriodError extends InputError {
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
 * Returns the crawl's objects unchanged when at least one of them `counts` (sits in one of the
 * period's own day folders, or in a folder known to hold its late-filed calls); otherwise, unless
 * `allowEmpty`, stops the crawl and throws EmptyPeriodError with `message()`. Objects ahead of the
 * first one that counts (the next day's folder) are held meanwhile.
 */
export async function requireObjects(
  objects: AsyncIterable<CrawledObject>,
  counts: (object: CrawledObject) => boolean,
  allowEmpty: boolean,
  message: () => string,
): Promise<AsyncIterable<CrawledObject>> {
  const iterator = objects[Symbol.asyncIterator]();
  const held: CrawledObject[] = [];
  let next = await iterator.next();
  while (!next.done && !counts(next.value)) {
    held.push(next.value);
    next = await iterator.next();
  }
  if (next.done && !allowEmpty) {
    await iterator.return?.(undefined);
    throw new EmptyPeriodError(message());
  }
  const found = next;
  return (async function* () {
    try {
      yield* held;
      if (found.done) return;
      yield found.value;
      for (;;) {
        const item = await iterator.next();
        if (item.done) return;
        yield item.value;
      }
    } finally {
      await iterator.return?.(undefined);
    }
  })();
}
