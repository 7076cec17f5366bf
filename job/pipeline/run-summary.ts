import type { Logger } from 'pino';
import { outputKeys, partialKeys, type ShardSpec } from '../core/layout/summary-keys';
import { folderInPeriod, formatDate, type Period } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import type { RateTable } from '../prices/rate-table';
import { Rater } from '../prices/rater';
import type { SnapshotVersion } from '../prices/snapshot-format';
import { CostAggregates } from '../report/aggregates/cost-aggregates';
import { CrawlFindings } from '../report/crawl-findings';
import { RunTotals } from '../report/run-totals';
import { CsvReportWriter } from '../sinks/csv';
import { buildManifest, type Manifest, type PartialManifest, serializeManifest } from '../sinks/manifest';
import { PartitionedParquetSink } from '../sinks/parquet';
import { RejectsWriter } from '../sinks/rejects';
import { removeStaleOutputs } from '../sinks/retention';
import type { ObjectStore } from '../store/object-store';
import { dayBatches } from './chunk';
import { type ChunkProcessor, inProcessProcessor, workerProcessor } from './chunk-pool';
import { type CrawledObject, chunkTasks, crawl, type DayFolder, planCrawl, shardPlan } from './crawl';
import { emptyPeriodMessage, requireObjects } from './empty-period';
import { announceInsight, type InsightOptions, prepareInsight, writeInsight } from './insight';
import { lateFoldersFor } from './late-folders';
import { orderedMap } from './ordered-map';

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
  /** Anomaly thresholds, notifier and connector names for the cost insight (defaults when absent). */
  readonly insight?: InsightOptions;
  /**
   * Report a period whose day folders hold no CDR object (an empty report). Without it such a run
   * throws EmptyPeriodError having written and deleted nothing.
   */
  readonly allowEmpty?: boolean;
  /** The period is not over yet (`--partial`): the manifest says `"complete": false`, the CSV is `…-partial.csv`. */
  readonly partial?: boolean;
}

/** Whether a crawled object shows the period is not empty: in its own day folders or a folder of its late calls. */
function countsFor(period: Period, lateFolders: readonly DayFolder[]): (object: CrawledObject) => boolean {
  const late = new Set(lateFolders.map((f) => f.prefix));
  return (object) =>
    folderInPeriod(period, object.folderDate) || late.has(object.key.slice(0, object.key.lastIndexOf('/') + 1));
}

/** Where the rows of one pass go, and what the pass produced. */
interface PassOutputs {
  readonly csvKey: string;
  readonly rejectsKey: string;
  /** Parquet file-name prefix, distinct per shard. */
  readonly filePrefix: string;
  /** Whether the CSV starts with the header row (single runs; finalize adds it for shards). */
  readonly header: boolean;
}

interface PassResult {
  readonly totals: RunTotals;
  readonly aggregates: CostAggregates;
  readonly csvBytes: number;
  readonly parquetKeys: string[];
}

function chunkProcessor(options: SummaryRunOptions): ChunkProcessor {
  const { schema, period } = options;
  const readConcurrency = options.readConcurrency ?? 64;
  const workers = options.workers ?? 0;
  const burstCollection = options.insight?.thresholds;
  if (workers > 0 && options.workerSource) {
    const setup = {
      source: options.workerSource.location,
      service: schema.service,
      period,
      versions: options.workerSource.priceVersions,
      readConcurrency,
      ...(burstCollection && {
        burstCollection: {
          shortCallSeconds: burstCollection.shortCallSeconds,
          prefixDigits: burstCollection.prefixDigits,
        },
      }),
    };
    return workerProcessor(setup, workers);
  }
  const rater = new Rater(schema, options.rateTable);
  return inProcessProcessor({ store: options.source, schema, period, rater, readConcurrency, burstCollection });
}

/**
 * Reads the plan's folders and streams every call in the period to the CSV, the Parquet dataset and
 * the rejects file, in crawl order. Outputs become visible only when complete.
 */
async function runPass(
  options: SummaryRunOptions,
  objects: AsyncIterable<CrawledObject>,
  outputs: PassOutputs,
): Promise<PassResult> {
  const { schema, dest } = options;
  const csv = new CsvReportWriter(schema, dest.openWriter(outputs.csvKey, 'text/csv; charset=utf-8'), outputs.header);
  const rejects = new RejectsWriter(dest.openWriter(outputs.rejectsKey, 'application/x-ndjson'));
  const parquet = new PartitionedParquetSink(dest, schema, {
    fileRows: options.parquetFileRows,
    filePrefix: outputs.filePrefix,
  });
  const processor = chunkProcessor(options);
  const totals = new RunTotals();
  const aggregates = new CostAggregates();
  try {
    const tasks = chunkTasks(objects, options.chunkSize ?? 512);
    for await (const result of orderedMap(tasks, processor.parallelism, (task) => processor.run(task))) {
      totals.addChunk(result);
      aggregates.addChunk(result.aggregates);
      aggregates.addRejects(result.rejects);
      await csv.writeRows(result.csv);
      for (const day of result.days) await parquet.add(day.day, dayBatches(day));
      for (const reject of result.rejects) await rejects.add(reject.key, reject.rejection);
      options.onProgress?.(totals.objectsRead, undefined);
    }
    await csv.close();
    await rejects.close();
  } catch (error) {
    await Promise.allSettled([csv.abort(), rejects.abort(), parquet.abort()]);
    throw error;
  } finally {
    await processor.close();
  }
  options.onProgress?.(totals.objectsRead, totals.objectsRead);
  const parquetKeys = await parquet.close();
  return { totals, aggregates, csvBytes: csv.size, parquetKeys };
}

/**
 * Runs one period's summary in this process: crawl the period's day folders, parse and validate
 * every object, rate each call against the price version in effect at its start, stream record
 * batches to the CSV report and the Parquet dataset, write rejects, replace what earlier runs left,
 * and write the manifest last (its presence means the period is complete).
 */
export async function runSummary(options: SummaryRunOptions): Promise<Manifest> {
  const { schema, period, source, dest, logger } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const keys = outputKeys(schema, period, { partial: options.partial });
  const findings = new CrawlFindings();
  const ownPlan = await planCrawl(source, schema, period, findings);
  // Folders outside the period where earlier runs found late-filed calls of it.
  const lateFolders = await lateFoldersFor(dest, schema, period, ownPlan, now());
  const plan = { ...ownPlan, folders: [...ownPlan.folders, ...lateFolders] };
  // Nothing to report is refused before anything is written or deleted (unless allowEmpty).
  const objects = await requireObjects(
    crawl(source, schema, plan, undefined, findings),
    countsFor(period, lateFolders),
    options.allowEmpty ?? false,
    () => emptyPeriodMessage(source.location, schema, period, ownPlan),
  );
  // A manifest means "complete": remove the old one before anything of this run is written.
  await dest.delete([keys.manifestKey]);
  logger.info(
    {
      period: `${formatDate(period.start)}..${formatDate(period.end)}`,
      connectors: plan.partitions.length,
      folders: plan.folders.length,
    },
    'crawl planned',
  );
  const pass = await runPass(options, objects, {
    csvKey: keys.csvKey,
    rejectsKey: keys.rejectsKey,
    filePrefix: 'part-',
    header: true,
  });
  const { foreignFilesKept } = await removeStaleOutputs(dest, schema, period, keys, pass.parquetKeys);
  const insight = await prepareInsight({
    schema,
    period,
    dest,
    aggregates: pass.aggregates,
    totals: pass.totals,
    options: options.insight,
  });
  const manifest = buildManifest({
    schema,
    period,
    complete: !options.partial,
    findings: findings.toJSON(),
    foreignFilesKept,
    lateFoldersRead: lateFolders.map((f) => f.prefix ?? ''),
    source: source.location,
    prices: options.pricesLocation,
    totals: pass.totals,
    csvKey: keys.csvKey,
    csvBytes: pass.csvBytes,
    rejectsKey: keys.rejectsKey,
    parquetKeys: pass.parquetKeys,
    priceVersions: options.rateTable.versions,
    connectors: plan.partitions.length,
    foldersListed: plan.folders.length,
    shards: 1,
    startedAt,
    finishedAt: now(),
    insight: insight.fields,
  });
  await writeInsight(dest, schema, insight, manifest);
  await dest.write(keys.manifestKey, serializeManifest(manifest), 'application/json');
  logSummary(logger, manifest, pass.parquetKeys.length);
  await announceInsight(logger, insight, manifest, options.insight?.notifier);
  logFindings(logger, manifest);
  return manifest;
}

/**
 * Runs one shard of a fanned-out period (a Batch array child): reads its slice of the period's
 * folders, writes its Parquet files (named per shard) and a partial report, rejects and manifest
 * under `partials/`. `finalize` merges the shards into the period's single report and manifest.
 */
export async function runShard(options: SummaryRunOptions, shard: ShardSpec): Promise<PartialManifest> {
  const { schema, period, source, dest, logger } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const keys = partialKeys(schema, period, shard);
  const findings = new CrawlFindings();
  // Every shard plans the whole period; the first one alone counts what planning finds.
  const ownPlan = await planCrawl(source, schema, period, shard.index === 0 ? findings : undefined);
  const lateFolders = await lateFoldersFor(dest, schema, period, ownPlan, now());
  const fullPlan = { ...ownPlan, folders: [...ownPlan.folders, ...lateFolders] };
  // Every shard checks the whole period (listing only until its first CDR), so an empty period is
  // refused by all of them before anything is written or deleted.
  const probe = await requireObjects(
    crawl(source, schema, fullPlan),
    countsFor(period, lateFolders),
    options.allowEmpty ?? false,
    () => emptyPeriodMessage(source.location, schema, period, ownPlan),
  );
  await probe[Symbol.asyncIterator]().return?.(undefined);
  const plan = shardPlan(fullPlan, shard.index, shard.count);
  await dest.delete([keys.manifestKey, outputKeys(schema, period).manifestKey]);
  logger.info({ shard: `${shard.index + 1}/${shard.count}`, folders: plan.folders.length }, 'shard planned');
  const pass = await runPass(options, crawl(source, schema, plan, undefined, findings), {
    csvKey: keys.csvKey,
    rejectsKey: keys.rejectsKey,
    filePrefix: `part-s${String(shard.index).padStart(4, '0')}-`,
    header: false,
  });
  const partial: PartialManifest = {
    partialVersion: 1,
    service: schema.service,
    frequency: period.frequency,
    periodStart: formatDate(period.start),
    periodEnd: formatDate(period.end),
    shardIndex: shard.index,
    shardCount: shard.count,
    complete: !options.partial,
    source: source.location,
    prices: options.pricesLocation,
    priceVersions: options.rateTable.versions,
    totals: pass.totals.toJSON(),
    aggregates: pass.aggregates.toJSON(),
    findings: findings.toJSON(),
    lateFoldersRead: lateFolders.map((f) => f.prefix ?? ''),
    csvKey: keys.csvKey,
    csvBytes: pass.csvBytes,
    rejectsKey: keys.rejectsKey,
    parquetKeys: pass.parquetKeys,
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

/**
 * Warns about what a completed period found besides its calls: late-filed CDRs (the periods they
 * belong to need a re-run), objects in unexpected places, and foreign files kept in our folders.
 */
export function logFindings(logger: Logger, manifest: Manifest): void {
  if (manifest.lateArrivalsTotal > 0) {
    logger.warn(
      {
        lateArrivals: manifest.lateArrivalsTotal,
        examples: manifest.lateArrivals
          .slice(0, 5)
          .map((a) => ({ key: a.key, [a.callIdField]: a.callId, startDay: a.startDay })),
        periods: manifest.lateArrivalPeriods.map((p) => `${p.frequency} ${p.end}`),
      },
      `${manifest.lateArrivalsTotal} CDR(s) filed later than the day after their call started: re-run the periods they belong to`,
    );
  }
  if (manifest.objectsUnexpected > 0) {
    logger.warn(
      { objectsUnexpected: manifest.objectsUnexpected, examples: manifest.unexpectedSamples },
      `${manifest.objectsUnexpected} object(s) or folder(s) outside the CDR layout were not read`,
    );
  }
  if (manifest.foreignFilesKept.length > 0) {
    logger.warn(
      { foreignFilesKept: manifest.foreignFilesKept },
      `${manifest.foreignFilesKept.length} file(s) not written by this tool kept in the report folder or Parquet partitions`,
    );
  }
}
