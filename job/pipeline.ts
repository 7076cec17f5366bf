import type { Logger } from 'pino';
import { MAX_CDR_BYTES, parseCdr } from './cdr/parse';
import type { ParseResult, Rejection } from './cdr/record';
import { orderedMap } from './concurrency';
import { type CrawledObject, crawl, planCrawl } from './crawl';
import { formatDecimal } from './money';
import { folderInPeriod, formatDate, inPeriod, type Period, periodDays } from './period';
import type { RateTable } from './prices/rate-table';
import { Rater } from './rate';
import { COST_SCALE, type ServiceSchema } from './schema';
import { CsvReportWriter } from './sinks/csv';
import { type Manifest, serializeManifest, type UsageTypeTotal } from './sinks/manifest';
import { outputKeys } from './sinks/output-keys';
import { PartitionedParquetSink } from './sinks/parquet';
import { RejectsWriter } from './sinks/rejects';
import type { ObjectStore } from './store/object-store';
import { ReportBatchBuilder } from './table';

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
  /** Rows per record batch. Default 32 768. */
  readonly batchRows?: number;
  /** Rows per Parquet file. */
  readonly parquetFileRows?: number;
  /** Called as objects are processed (progress bar). */
  readonly onProgress?: (done: number, total: number | undefined) => void;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

interface ReadObject {
  readonly object: CrawledObject;
  readonly result: ParseResult;
}

function oversize(object: CrawledObject): Rejection {
  const size = object.size > MAX_CDR_BYTES ? `${object.size} bytes` : 'more bytes';
  return { code: 'too-large', reason: `the object has ${size}, more than the ${MAX_CDR_BYTES}-byte cap` };
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
  const rater = new Rater(schema, options.rateTable);
  const readConcurrency = options.readConcurrency ?? 64;

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
  const builder = new ReportBatchBuilder(schema, options.batchRows);

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

  const flush = async (): Promise<void> => {
    const batch = builder.take();
    if (!batch) return;
    await csv.write(batch);
    await parquet.add(batch);
  };

  try {
    const reads = orderedMap(crawl(source, schema, plan), readConcurrency, async (object): Promise<ReadObject> => {
      const bytes = object.size > MAX_CDR_BYTES ? undefined : await source.readCapped(object.key, MAX_CDR_BYTES);
      if (bytes === undefined) return { object, result: { ok: false, rejection: oversize(object) } };
      return { object, result: parseCdr(bytes, schema) };
    });
    for await (const { object, result } of reads) {
      objectsRead++;
      if (!result.ok) {
        if (folderInPeriod(period, object.folderDate)) {
          rejected++;
          await rejects.add(object.key, result.rejection);
        } else {
          outside++;
          rejectsOutside++;
        }
      } else if (!inPeriod(period, result.record.startEpochSeconds)) {
        outside++;
      } else {
        const rating = rater.rate(result.record);
        builder.append(result.record, rating);
        if (rating.version) callsByVersion.set(rating.version, (callsByVersion.get(rating.version) ?? 0) + 1);
        if (rating.status === 'RATED' && rating.price && rating.cost !== null) {
          rated++;
          totalCost += rating.cost;
          const total = byUsageType.get(rating.price.usageType) ?? { calls: 0, cost: 0n };
          total.calls++;
          total.cost += rating.cost;
          byUsageType.set(rating.price.usageType, total);
        } else {
          unrated++;
          unratedByStatus[rating.status] = (unratedByStatus[rating.status] ?? 0) + 1;
        }
        if (builder.full) await flush();
      }
      if (options.onProgress && (objectsRead & 1023) === 0) options.onProgress(objectsRead, undefined);
    }
    await flush();
    await csv.close();
    await rejects.close();
  } catch (error) {
    await Promise.allSettled([csv.abort(), rejects.abort()]);
    throw error;
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
