import type { Logger } from 'pino';
import { dayBatches } from './chunk';
import { type ChunkProcessor, inProcessProcessor, workerProcessor } from './chunk-pool';
import { orderedMap } from './concurrency';
import { type CrawlPlan, chunkTasks, crawl, planCrawl, shardPlan } from './crawl';
import { commitPeriod } from './day-commit';
import { abortable, throwIfAborted } from './interruption';
import { defaultLeaseOwner } from './lease';
import { removeLeftovers } from './leftovers';
import { formatDate, type Period } from './period';
import type { RateTable } from './prices/rate-table';
import type { SnapshotVersion } from './prices/snapshot-format';
import { Rater } from './rate';
import type { ServiceSchema } from './schema';
import { CsvReportWriter } from './sinks/csv';
import { buildManifest, type Manifest, type PartialManifest, serializeManifest } from './sinks/manifest';
import { outputKeys, partialKeys, type ShardSpec } from './sinks/output-keys';
import { PartitionedParquetSink } from './sinks/parquet';
import { RejectsWriter } from './sinks/rejects';
import { stagingRoot } from './sinks/staging';
import type { ObjectStore } from './store/object-store';
import { RunTotals } from './totals';

/** Everything one summary run needs. */
export interface SummaryRunOptions {
  readonly schema: ServiceSchema;
  readonly period: Period;
  readonly source: ObjectStore;
  readonly dest: ObjectStore;
  readonly rateTable: RateTable;
  /** Where the prices came from (for the manifest). */
  readonly pricesLocation: string;
  readonly logger: Logger;
  /** Objects read concurrently. Default 64. */
  readonly readConcurrency?: number;
  /** Objects per chunk of work. Default 512. */
  readonly chunkSize?: number;
  /** Worker threads for parsing and rating; 0 (default) works in this thread. Needs `workerSource`. */
  readonly workers?: number;
  /** How workers reopen the source and rebuild the rate table (plain data). */
  readonly workerSource?: { readonly location: string; readonly priceVersions: readonly SnapshotVersion[] };
  /** Rows per Parquet file. */
  readonly parquetFileRows?: number;
  /** Called as objects are processed (progress bar). */
  readonly onProgress?: (done: number, total: number | undefined) => void;
  /** Clock, for tests. */
  readonly now?: () => Date;
  /**
   * Replace a day's Parquet partition that holds rows with an empty one when this run found no call
   * on that day (CDRs expired from the bucket look exactly like that). Without it such a run stops
   * with EmptyDaysRefusedError (exit 2) before anything becomes visible.
   */
  readonly allowEmpty?: boolean;
  /**
   * The run's owner id, as in its period lease (default: a fresh `run:` id). The shards and finalize
   * of one array job share it: it names their staging folder and their day leases.
   */
  readonly owner?: string;
  /** Longest wait for another run's day lease at commit (default DEFAULT_DAY_LEASE_WAIT_MS). */
  readonly dayLeaseWaitMs?: number;
  /** Aborted on SIGTERM/SIGINT: the run stops within seconds, cleaning up what it was writing. */
  readonly signal?: AbortSignal;
}

/** Where the rows of one pass go, and what the pass produced. */
interface PassOutputs {
  readonly csvKey: string;
  readonly rejectsKey: string;
  /** Parquet file-name prefix, distinct per shard. */
  readonly filePrefix: string;
  /** Where the Parquet files are staged until the commit (see job/sinks/staging.ts). */
  readonly stagingRoot: string;
  /** Whether the CSV starts with the header row (single runs; finalize adds it for shards). */
  readonly header: boolean;
}

interface PassResult {
  readonly totals: RunTotals;
  readonly csvBytes: number;
  /** Staged Parquet keys, sorted. */
  readonly staged: string[];
  /** Still open: the caller completes (`close`) or abandons (`abort`) them. */
  readonly csv: CsvReportWriter;
  readonly rejects: RejectsWriter;
}

function chunkProcessor(options: SummaryRunOptions): ChunkProcessor {
  const { schema, period } = options;
  const readConcurrency = options.readConcurrency ?? 64;
  const workers = options.workers ?? 0;
  if (workers > 0 && options.workerSource) {
    const setup = {
      source: options.workerSource.location,
      service: schema.service,
      period,
      versions: options.workerSource.priceVersions,
      readConcurrency,
    };
    return workerProcessor(setup, workers);
  }
  const rater = new Rater(schema, options.rateTable);
  return inProcessProcessor({ store: options.source, schema, period, rater, readConcurrency });
}

/**
 * Reads the plan's folders and streams every call in the period to the CSV, the staged Parquet files
 * and the rejects file, in crawl order. Returns with the CSV and rejects still open (nothing of them
 * visible yet). On any failure, or when `options.signal` aborts, it abandons the writers (temporary
 * files removed, multipart uploads aborted), deletes the files it staged and rethrows at once.
 */
async function runPass(options: SummaryRunOptions, plan: CrawlPlan, outputs: PassOutputs): Promise<PassResult> {
  const { schema, source, dest, signal } = options;
  const csv = new CsvReportWriter(schema, dest.openWriter(outputs.csvKey, 'text/csv; charset=utf-8'), outputs.header);
  let rejects: RejectsWriter;
  let parquet: PartitionedParquetSink;
  let processor: ChunkProcessor;
  try {
    rejects = new RejectsWriter(dest.openWriter(outputs.rejectsKey, 'application/x-ndjson'));
  } catch (error) {
    await csv.abort();
    throw error;
  }
  try {
    parquet = new PartitionedParquetSink(dest, schema, {
      fileRows: options.parquetFileRows,
      filePrefix: outputs.filePrefix,
      root: outputs.stagingRoot,
    });
  } catch (error) {
    await Promise.allSettled([csv.abort(), rejects.abort()]);
    throw error;
  }
  try {
    processor = chunkProcessor(options);
  } catch (error) {
    await Promise.allSettled([csv.abort(), rejects.abort(), parquet.abort()]);
    throw error;
  }
  const totals = new RunTotals();
  const work = async (): Promise<string[]> => {
    const tasks = chunkTasks(crawl(source, schema, plan), options.chunkSize ?? 512);
    for await (const result of orderedMap(tasks, processor.parallelism, (task) => processor.run(task))) {
      throwIfAborted(signal);
      totals.addChunk(result);
      await csv.writeRows(result.csv);
      for (const day of result.days) {
        throwIfAborted(signal);
        await parquet.add(day.day, dayBatches(day));
      }
      for (const reject of result.rejects) await rejects.add(reject.key, reject.rejection);
      options.onProgress?.(totals.objectsRead, undefined);
    }
    throwIfAborted(signal);
    options.onProgress?.(totals.objectsRead, totals.objectsRead);
    return parquet.close();
  };
  try {
    const staged = await abortable(work(), signal);
    return { totals, csvBytes: csv.size, staged, csv, rejects };
  } catch (error) {
    await Promise.allSettled([csv.abort(), rejects.abort(), parquet.abort()]);
    await dest.delete(parquet.keys).catch(() => {});
    throw error;
  } finally {
    await processor.close();
  }
}

/**
 * Runs one period's summary in this process: crawl the period's day folders, parse and validate
 * every object, rate each call against the price version in effect at its start, stream record
 * batches to the CSV report and staged Parquet files, write rejects; then commit (job/day-commit.ts):
 * holding the lease of each of the period's days, publish the report, replace the days' Parquet
 * partitions and write the manifest last (its presence means the period is complete).
 */
export async function runSummary(options: SummaryRunOptions): Promise<Manifest> {
  const { schema, period, source, dest, logger, signal } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const owner = options.owner ?? defaultLeaseOwner();
  const keys = outputKeys(schema, period);
  const plan = await abortable(planCrawl(source, schema, period), signal);
  // One run of the period at a time (the period lease): whatever is staged for it was left by a dead run.
  const leftovers = await removeLeftovers(dest, schema, period);
  logger.info(
    {
      period: `${formatDate(period.start)}..${formatDate(period.end)}`,
      connectors: plan.partitions.length,
      folders: plan.folders.length,
      ...(leftovers > 0 && { leftoversRemoved: leftovers }),
    },
    'crawl planned',
  );
  const pass = await runPass(options, plan, {
    csvKey: keys.csvKey,
    rejectsKey: keys.rejectsKey,
    filePrefix: 'part-',
    stagingRoot: stagingRoot(schema, period, owner),
    header: true,
  });
  const written: { manifest?: Manifest } = {};
  try {
    const parquetKeys = await commitPeriod({
      dest,
      schema,
      period,
      owner,
      keys,
      staged: pass.staged,
      allowEmpty: options.allowEmpty ?? false,
      logger,
      dayLeaseWaitMs: options.dayLeaseWaitMs,
      signal,
      async publish() {
        // A manifest means "complete": remove the old one before anything of this run becomes visible.
        await dest.delete([keys.manifestKey]);
        await pass.csv.close();
        await pass.rejects.close();
      },
      async writeManifest(committed) {
        const manifest = buildManifest({
          schema,
          period,
          source: source.location,
          prices: options.pricesLocation,
          totals: pass.totals,
          csvKey: keys.csvKey,
          csvBytes: pass.csvBytes,
          rejectsKey: keys.rejectsKey,
          parquetKeys: committed,
          priceVersions: options.rateTable.versions,
          connectors: plan.partitions.length,
          foldersListed: plan.folders.length,
          shards: 1,
          startedAt,
          finishedAt: now(),
        });
        await dest.write(keys.manifestKey, serializeManifest(manifest), 'application/json');
        written.manifest = manifest;
      },
    });
    if (!written.manifest) throw new Error('the commit wrote no manifest');
    logSummary(logger, written.manifest, parquetKeys.length);
  } catch (error) {
    // Abandons what is not complete yet (a no-op for what publish completed).
    await Promise.allSettled([pass.csv.abort(), pass.rejects.abort()]);
    throw error;
  } finally {
    await dest.delete(pass.staged).catch((error: unknown) => logger.warn({ err: error }, 'staged files not removed'));
  }
  return written.manifest;
}

/**
 * Runs one shard of a fanned-out period (a Batch array child): reads its slice of the period's
 * folders, stages its Parquet files (named per shard) and writes a partial report, rejects and
 * manifest under `partials/`. `finalize` commits the shards into the period's single report, the
 * dataset and the manifest.
 */
export async function runShard(options: SummaryRunOptions, shard: ShardSpec): Promise<PartialManifest> {
  const { schema, period, source, dest, logger, signal } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const owner = options.owner ?? defaultLeaseOwner();
  const keys = partialKeys(schema, period, shard);
  const fullPlan = await abortable(planCrawl(source, schema, period), signal);
  const plan = shardPlan(fullPlan, shard.index, shard.count);
  const root = stagingRoot(schema, period, owner);
  // Only with an owner shared by the sibling shards can a shard tell their staged files from a dead run's.
  if (options.owner !== undefined) await removeLeftovers(dest, schema, period, root.slice(0, -'parquet/'.length));
  await dest.delete([keys.manifestKey]);
  logger.info({ shard: `${shard.index + 1}/${shard.count}`, folders: plan.folders.length }, 'shard planned');
  const pass = await runPass(options, plan, {
    csvKey: keys.csvKey,
    rejectsKey: keys.rejectsKey,
    filePrefix: `part-s${String(shard.index).padStart(4, '0')}-`,
    stagingRoot: root,
    header: false,
  });
  try {
    await pass.csv.close();
    await pass.rejects.close();
  } catch (error) {
    await Promise.allSettled([pass.csv.abort(), pass.rejects.abort()]);
    await dest.delete(pass.staged).catch(() => {});
    throw error;
  }
  const partial: PartialManifest = {
    partialVersion: 1,
    service: schema.service,
    frequency: period.frequency,
    periodStart: formatDate(period.start),
    periodEnd: formatDate(period.end),
    shardIndex: shard.index,
    shardCount: shard.count,
    source: source.location,
    prices: options.pricesLocation,
    priceVersions: options.rateTable.versions,
    totals: pass.totals.toJSON(),
    csvKey: keys.csvKey,
    csvBytes: pass.csvBytes,
    rejectsKey: keys.rejectsKey,
    parquetKeys: pass.staged,
    ...(options.allowEmpty && { allowEmpty: true }),
    connectors: fullPlan.partitions.length,
    foldersListed: plan.folders.length,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
  };
  await dest.write(keys.manifestKey, `${JSON.stringify(partial, null, 2)}\n`, 'application/json');
  logger.info(
    { shard: `${shard.index + 1}/${shard.count}`, objectsRead: partial.totals.objectsRead, csvBytes: pass.csvBytes },
    'shard written',
  );
  return partial;
}

/** Logs the outcome of a completed period as one structured line. */
export function logSummary(logger: Logger, manifest: Manifest, parquetFiles: number): void {
  logger.info(
    {
      service: manifest.service,
      frequency: manifest.frequency,
      periodStart: manifest.periodStart,
      periodEnd: manifest.periodEnd,
      objectsRead: manifest.objectsRead,
      recordsRated: manifest.recordsRated,
      recordsUnrated: manifest.recordsUnrated,
      recordsRejected: manifest.recordsRejected,
      objectsOutsidePeriod: manifest.objectsOutsidePeriod,
      totalCost: manifest.totalCost,
      csvBytes: manifest.csvBytes,
      parquetFiles,
      shards: manifest.shards,
      durationMs: manifest.durationMs,
    },
    'summary written',
  );
}
