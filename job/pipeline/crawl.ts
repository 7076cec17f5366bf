import { skipReason } from '../cdr/skip-rules';
import { dayFolderPrefix, partitionPrefix } from '../core/layout/cdr-keys';
import { type CalendarDate, daysInMonth, folderDays, formatDate, type Period } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import type { CrawlFindings } from '../report/crawl-findings';
import type { ObjectEntry, ObjectStore } from '../store/object-store';
import type { ChunkTask } from './chunk';

/** One CDR object found by the crawl, with the folder it sits in. */
export interface CrawledObject extends ObjectEntry {
  /** Date of the day folder the object sits in. */
  readonly folderDate: CalendarDate;
  /** Connector (Voice Connector) or account (Business Calling) folder name. */
  readonly partitionId: string;
}

/** One day folder of one connector (or account). */
export interface DayFolder {
  readonly date: CalendarDate;
  readonly partitionId: string;
  /** The prefix to list when it is not the zero-padded spelling (`…/2025/3/1/`). */
  readonly prefix?: string;
}

/** A day folder seen while planning (any day of the listed months). */
export interface SeenDayFolder {
  readonly date: CalendarDate;
  readonly prefix: string;
}

/** What the crawl is asked to cover. */
export interface CrawlPlan {
  /** Connector/account folders found under the CDR prefix, sorted. */
  readonly partitions: readonly string[];
  /** Day folders to list, day by day then partition by partition (the period's days plus the next day). */
  readonly folders: readonly DayFolder[];
  /** Day folders that exist in the months listed for the period (for "nearest folder with CDRs" hints). */
  readonly seenDayFolders?: readonly SeenDayFolder[];
}

/** Listings in flight while planning (connector, year and month levels). */
const PLAN_LIST_CONCURRENCY = 16;

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The number a folder name spells (`03` or `3`), or NaN when it is not 1–`max` digits. */
function folderNumber(folder: string, parent: string, digits: RegExp): number {
  const name = folder.slice(parent.length, -1);
  return digits.test(name) ? Number(name) : Number.NaN;
}

/**
 * Plans the crawl of a period: lists the connector (or account) folders under the service's CDR
 * prefix, then, for each, only the levels that lead to the period's day folders (connector, the
 * period's years, the period's months) — never the whole bucket. The zero-padded day folders Chime
 * writes are always planned; other spellings (`2025/3/1/`) when they exist. With `findings`, objects
 * met on the way are counted: not-a-CDR objects as skipped, anything else (files directly under a
 * connector, year or month folder; folders that are not years, months or days) as unexpected.
 */
export async function planCrawl(
  store: ObjectStore,
  schema: ServiceSchema,
  period: Period,
  findings?: CrawlFindings,
): Promise<CrawlPlan> {
  const note = (objects: readonly ObjectEntry[]) => {
    for (const object of objects) {
      const reason = skipReason(object.key);
      if (reason) findings?.skip(reason);
      else findings?.unexpectedAt(object.key);
    }
  };
  const listing = await store.listFolder(schema.cdrPrefix, { sizes: false });
  note(listing.objects);
  const partitions = listing.folders.map((folder) => folder.slice(schema.cdrPrefix.length, -1)).sort();
  const days = folderDays(period);
  const wanted = new Set(days.map(formatDate));
  const years = new Set(days.map((d) => d.year));
  const months = new Set(days.map((d) => `${d.year}-${d.month}`));
  const extra = new Map<string, DayFolder[]>();
  const seen: SeenDayFolder[] = [];
  await forEachLimited(partitions, PLAN_LIST_CONCURRENCY, async (partitionId) => {
    const base = partitionPrefix(schema, partitionId);
    const yearLevel = await store.listFolder(base, { sizes: false });
    note(yearLevel.objects);
    for (const yearFolder of yearLevel.folders) {
      const year = folderNumber(yearFolder, base, /^\d{4}$/);
      if (Number.isNaN(year)) findings?.unexpectedAt(yearFolder);
      if (!years.has(year)) continue;
      const monthLevel = await store.listFolder(yearFolder, { sizes: false });
      note(monthLevel.objects);
      for (const monthFolder of monthLevel.folders) {
        const month = folderNumber(monthFolder, yearFolder, /^\d{1,2}$/);
        if (!(month >= 1 && month <= 12)) findings?.unexpectedAt(monthFolder);
        if (!months.has(`${year}-${month}`)) continue;
        const dayLevel = await store.listFolder(monthFolder, { sizes: false });
        note(dayLevel.objects);
        for (const dayFolder of dayLevel.folders) {
          const day = folderNumber(dayFolder, monthFolder, /^\d{1,2}$/);
          if (!(day >= 1 && day <= daysInMonth(year, month))) {
            findings?.unexpectedAt(dayFolder);
            continue;
          }
          const date = { year, month, day };
          seen.push({ date, prefix: dayFolder });
          const id = formatDate(date);
          if (wanted.has(id) && dayFolder !== dayFolderPrefix(schema, partitionId, date)) {
            const key = `${id} ${partitionId}`;
            extra.set(key, [...(extra.get(key) ?? []), { date, partitionId, prefix: dayFolder }]);
          }
        }
      }
    }
  });
  const folders = days.flatMap((date) =>
    partitions.flatMap((partitionId) => [
      { date, partitionId },
      ...(extra.get(`${formatDate(date)} ${partitionId}`) ?? []).sort((a, b) =>
        (a.prefix as string) < (b.prefix as string) ? -1 : 1,
      ),
    ]),
  );
  seen.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  return { partitions, folders, seenDayFolders: seen };
}

/**
 * The part of a plan one shard reads: a contiguous, balanced slice of its folders, so the shards'
 * outputs concatenated in shard order equal a single run's exactly.
 */
export function shardPlan(plan: CrawlPlan, index: number, count: number): CrawlPlan {
  const n = plan.folders.length;
  return {
    partitions: plan.partitions,
    folders: plan.folders.slice(Math.floor((index * n) / count), Math.floor(((index + 1) * n) / count)),
  };
}

/** Objects the crawl may hold listed ahead of the caller (bounds memory whatever the folder sizes). */
export const LIST_AHEAD_OBJECTS = 8_192;

/**
 * Listings in flight at most: with many small folders (hundreds of connectors) LIST latency, not
 * memory, is the limit (`npm run bench -- --listing`: 200 connectors at 20-40 ms per LIST, 16.7 s at 8,
 * 6.4 s at 32). Memory stays bounded by LIST_AHEAD_OBJECTS whatever this is.
 */
export const LIST_CONCURRENCY = 32;

/**
 * Yields the CDR candidates of every (day, partition) folder of the plan, day by day then partition
 * by partition, each folder in key order; not-a-CDR objects and nested folders go to `findings`.
 * Only those day folders are listed — never the whole bucket.
 * Folders are listed ahead of the caller within a budget of about LIST_AHEAD_OBJECTS objects (what
 * is left of the folder being read counts): up to `listConcurrency` listings at once while folders
 * are small (many tiny folders: listing latency dominates), and for folders larger than the budget
 * the next one is listed once fewer than half the budget remain. Objects already handed out are
 * dropped from the folder's list, so memory stays bounded however large a day gets.
 */
export async function* crawl(
  store: ObjectStore,
  schema: ServiceSchema,
  plan: CrawlPlan,
  listConcurrency = LIST_CONCURRENCY,
  findings?: CrawlFindings,
): AsyncGenerator<CrawledObject> {
  const list = async ({ date, partitionId, prefix }: DayFolder): Promise<(CrawledObject | undefined)[]> => {
    const listing = await store.listFolder(prefix ?? dayFolderPrefix(schema, partitionId, date), { sizes: false });
    // Folders nested in a day folder are not part of Chime's layout: counted, not descended into.
    for (const folder of listing.folders) findings?.unexpectedAt(folder);
    const objects: CrawledObject[] = [];
    for (const entry of listing.objects) {
      const reason = skipReason(entry.key);
      if (reason) findings?.skip(reason);
      else objects.push({ key: entry.key, size: entry.size, folderDate: date, partitionId });
    }
    return objects;
  };
  const ahead: Promise<(CrawledObject | undefined)[]>[] = [];
  let next = 0;
  /** Largest folder seen so far: the size assumed for folders still being listed. */
  let largestFolder = 0;
  const fill = (remaining: number) => {
    const perFolder = largestFolder === 0 ? LIST_AHEAD_OBJECTS / 2 : largestFolder;
    while (
      next < plan.folders.length &&
      ahead.length < listConcurrency &&
      (remaining + (ahead.length + 1) * perFolder <= LIST_AHEAD_OBJECTS ||
        (ahead.length === 0 && remaining <= LIST_AHEAD_OBJECTS / 2))
    ) {
      const listing = list(plan.folders[next++] as DayFolder);
      // Awaited in order below; a failure surfaces there, never as an unhandled rejection.
      listing.catch(() => {});
      ahead.push(listing);
    }
  };
  fill(0);
  while (ahead.length > 0) {
    const objects = await (ahead.shift() as Promise<(CrawledObject | undefined)[]>);
    largestFolder = Math.max(largestFolder, objects.length);
    for (let i = 0; i < objects.length; i++) {
      const object = objects[i] as CrawledObject;
      objects[i] = undefined;
      if (ahead.length === 0 || (i & 255) === 0) fill(objects.length - i - 1);
      yield object;
    }
    fill(0);
  }
}

/** Groups crawled objects into numbered chunks of up to `size` objects, in crawl order. */
export async function* chunkTasks(objects: AsyncIterable<CrawledObject>, size: number): AsyncGenerator<ChunkTask> {
  let seq = 0;
  let chunk: CrawledObject[] = [];
  for await (const object of objects) {
    chunk.push(object);
    if (chunk.length >= size) {
      yield { seq: seq++, objects: chunk };
      chunk = [];
    }
  }
  if (chunk.length > 0) yield { seq: seq++, objects: chunk };
}
