import { dayFolderPrefix } from '../core/layout/cdr-keys';
import { type CalendarDate, folderDays, type Period } from '../core/period';
import type { ServiceSchema } from '../core/schema';
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
}

/** What the crawl is asked to cover. */
export interface CrawlPlan {
  /** Connector/account folders found under the CDR prefix, sorted. */
  readonly partitions: readonly string[];
  /** Day folders to list, day by day then partition by partition (the period's days plus the next day). */
  readonly folders: readonly DayFolder[];
}

/** Lists the connector (or account) folders under the service's CDR prefix, and nothing else. */
export async function planCrawl(store: ObjectStore, schema: ServiceSchema, period: Period): Promise<CrawlPlan> {
  const listing = await store.listFolder(schema.cdrPrefix, { sizes: false });
  const partitions = listing.folders.map((folder) => folder.slice(schema.cdrPrefix.length, -1)).sort();
  const folders = folderDays(period).flatMap((date) => partitions.map((partitionId) => ({ date, partitionId })));
  return { partitions, folders };
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
 * Yields the objects of every (day, partition) folder of the plan, day by day then partition by
 * partition, each folder in key order. Only those day folders are listed — never the whole bucket.
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
): AsyncGenerator<CrawledObject> {
  const list = async ({ date, partitionId }: DayFolder): Promise<(CrawledObject | undefined)[]> => {
    const listing = await store.listFolder(dayFolderPrefix(schema, partitionId, date), { sizes: false });
    return listing.objects.map((entry) => ({ key: entry.key, size: entry.size, folderDate: date, partitionId }));
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
