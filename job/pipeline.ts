import type { Logger } from 'pino';
import { dayBatches } from './chunk';
import { inProcessProcessor, workerProcessor } from './chunk-pool';
import { orderedMap } from './concurrency';
import { chunkTasks, crawl, planCrawl } from './crawl';
import { formatDecimal } from './money';
import { formatDate, type Period, periodDays } from './period';
import type { RateTable } from './prices/rate-table';
import type { SnapshotVersion } from './prices/snapshot-format';
import { Rater } from './rate';
import { COST_SCALE, type ServiceSchema } from './schema';
import { CsvReportWriter } from './sinks/csv';
import { type Manifest, serializeManifest, type UsageTypeTotal } from './sinks/manifest';
import { outputKeys } from './sinks/output-keys';
import { PartitionedParquetSink } from './sinks/parquet';
import { RejectsWriter } from './sinks/rejects';
import type { ObjectStore } from './store/object-store';

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
}

/**
 * Runs one period's summary: crawl the period's day folders, parse and validate every object, rate
 * each call against the price version in effect at its start, stream record batches to the CSV
 * report and the Parquet dataset, write rejects, and write the manifest last.
 */
export async function runSummary(options: SummaryRunOptions): Promise<Manifest> {
  const { schema, period, source, dest, logger } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const keys = outputKeys(schema, period);

  // A manifest means "complete": remove the old one before anything of this run is written.
  await dest.delete([keys.manifestKey]);

  const plan = await planCrawl(source, schema, period);
  logger.info(
    { period: `${formatDate(period.start)}..${formatDate(period.end)}`, connectors: plan.partitions.length },
    'crawl planned',
  );

  const csv = new CsvReportWriter(schema, dest.openWriter(keys.csvKey, 'text/csv; charset=utf-8'));
  const rejects = new RejectsWriter(dest.openWriter(keys.rejectsKey, 'application/x-ndjson'));
  const parquet = new PartitionedParquetSink(dest, schema, { fileRows: options.parquetFileRows });
  const readConcurrency = options.readConcurrency ?? 64;
  const workers = options.workers ?? 0;
  const processor =
    workers > 0 && options.workerSource
      ? workerProcessor(
          {
            source: options.workerSource.location,
            service: schema.service,
            period,
            versions: options.workerSource.priceVersions,
            readConcurrency,
          },
          workers,
        )
      : inProcessProcessor({
          store: source,
          schema,
          period,
          rater: new Rater(schema, options.rateTable),
          readConcurrency,
        });

  let objectsRead = 0;
  let rated = 0;
  let unrated = 0;
  let rejected = 0;
  let outside = 0;
  let rejectsOutside = 0;
  let totalCost = 0n;
  const byUsageType = new Map<string, { calls: number; cost: bigint }>();
  const unratedByStatus: Record<string, number> = {};
  const callsByVersion = new Map<string, number>();

  try {
    const tasks = chunkTasks(crawl(source, schema, plan), options.chunkSize ?? 512);
    for await (const result of orderedMap(tasks, processor.parallelism, (task) => processor.run(task))) {
      objectsRead += result.objectsRead;
      rated += result.rated;
      unrated += result.unrated;
      outside += result.outside;
      rejectsOutside += result.rejectsOutside;
      rejected += result.rejects.length;
      for (const [usageType, calls, cost] of result.costs) {
        const total = byUsageType.get(usageType);
        if (total) {
          total.calls += calls;
          total.cost += cost;
        } else byUsageType.set(usageType, { calls, cost });
        totalCost += cost;
      }
      for (const [status, calls] of result.unratedByStatus)
        unratedByStatus[status] = (unratedByStatus[status] ?? 0) + calls;
      for (const [version, calls] of result.callsByVersion)
        callsByVersion.set(version, (callsByVersion.get(version) ?? 0) + calls);
      await csv.writeText(result.csv);
      for (const day of result.days) await parquet.add(day.day, dayBatches(day));
      for (const reject of result.rejects) await rejects.add(reject.key, reject.rejection);
      options.onProgress?.(objectsRead, undefined);
    }
    await csv.close();
    await rejects.close();
  } catch (error) {
    await Promise.allSettled([csv.abort(), rejects.abort()]);
    throw error;
  } finally {
    await processor.close();
  }
  options.onProgress?.(objectsRead, objectsRead);

  const parquetKeys = await parquet.finish(periodDays(period));
  // The period folder holds exactly one report: drop earlier reports of the same period.
  const previous = (await dest.listFolder(keys.reportFolder)).objects
    .map((o) => o.key)
    .filter((key) => key !== keys.csvKey && key !== keys.manifestKey);
  if (previous.length > 0) await dest.delete(previous);

  const costByUsageType: UsageTypeTotal[] = [...byUsageType]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([usageType, t]) => ({ usageType, calls: t.calls, cost: formatDecimal(t.cost, COST_SCALE) }));
  const finishedAt = now();
  const manifest: Manifest = {
    manifestVersion: 1,
    service: schema.service,
    frequency: period.frequency,
    periodStart: formatDate(period.start),
    periodEnd: formatDate(period.end),
    source: source.location,
    prices: options.pricesLocation,
    objectsRead,
    recordsRated: rated,
    recordsUnrated: unrated,
    recordsRejected: rejected,
    objectsOutsidePeriod: outside,
    rejectsOutsidePeriod: rejectsOutside,
    totalCost: formatDecimal(totalCost, COST_SCALE),
    currency: 'USD',
    costByUsageType,
    unratedByStatus,
    csvKey: keys.csvKey,
    csvBytes: csv.size,
    parquetKeys,
    rejectsKey: keys.rejectsKey,
    priceVersions: options.rateTable.versions.map((v) => ({
      id: v.id,
      effectiveFrom: new Date(v.effectiveFrom * 1000).toISOString(),
      effectiveUntil: v.effectiveUntil === null ? null : new Date(v.effectiveUntil * 1000).toISOString(),
      calls: callsByVersion.get(v.id) ?? 0,
    })),
    connectors: plan.partitions.length,
    foldersListed: plan.partitions.length * plan.days.length,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
  };
  await dest.write(keys.manifestKey, serializeManifest(manifest), 'application/json');
  logger.info(
    {
      objectsRead,
      recordsRated: rated,
      recordsUnrated: unrated,
      recordsRejected: rejected,
      objectsOutsidePeriod: outside,
      totalCost: manifest.totalCost,
      csvBytes: csv.size,
      parquetFiles: parquetKeys.length,
      parquetBytes: parquet.bytes,
      durationMs: manifest.durationMs,
    },
    'summary written',
  );
  return manifest;
}
