import type { Logger } from 'pino';
import { abortable, throwIfAborted } from '../core/interruption';
import { outputKeys, partialKeys, type ShardSpec } from '../core/layout/summary-keys';
import { folderInPeriod, formatDate, type Period } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { type ChargerSetup, chargeCurrencyOf, createCharger } from '../prices/rate-deck/charger';
import type { RateTable } from '../prices/rate-table';
import { Rater } from '../prices/rater';
import type { SnapshotVersion } from '../prices/snapshot-format';
import { CostAggregates } from '../report/aggregates/cost-aggregates';
import { ChargeTotals } from '../report/charge-totals';
import { ConnectorDirectory, type ConnectorInfo } from '../report/connectors';
import { CrawlFindings } from '../report/crawl-findings';
import { RunTotals } from '../report/run-totals';
import { UsageLines } from '../report/usage-lines';
import { type ChargeSources, NO_CHARGE_SOURCES } from '../sinks/charge-manifest';
import { CsvReportWriter } from '../sinks/csv';
import { buildManifest, type Manifest, type PartialManifest, serializeManifest } from '../sinks/manifest';
import { PartitionedParquetSink } from '../sinks/parquet';
import { RejectsWriter } from '../sinks/rejects';
import { stagingFolder, stagingRoot } from '../sinks/staging';
import type { ObjectStore } from '../store/object-store';
import { CallDeduper } from './call-dedupe';
import { CallLedgerWriter } from './call-ledger';
import { type ChunkTask, dayBatches } from './chunk';
import { type ChunkProcessor, inProcessProcessor, workerProcessor } from './chunk-pool';
import { type CrawledObject, chunkTasks, crawl, type DayFolder, planCrawl, shardPlan } from './crawl';
import { commitPeriod } from './day-commit';
import { emptyPeriodMessage, requireObjects } from './empty-period';
import { writeFocusExport } from './focus-export';
import { announceInsight, type InsightOptions, prepareInsight, writeInsight } from './insight';
import { lateFoldersFor } from './late-folders';
import { defaultLeaseOwner, type HolderEndedCheck } from './lease';
import { removeLeftovers } from './leftovers';
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
  /** Start the CSV report with a UTF-8 byte order mark (`--csv-bom`; sharded runs: finalize's option). */
  readonly csvBom?: boolean;
  /** What the operator charges: a rate deck, a markup on Cost, or nothing (default). */
  readonly charges?: ChargerSetup;
  /** Connector (or account) names and tags for ConnectorName/ConnectorTags (default none). */
  readonly connectors?: readonly ConnectorInfo[];
  /** Where the deck, markup and connectors came from (for the manifest). */
  readonly chargeSources?: ChargeSources;
  /** Called as objects are processed (progress bar). */
  readonly onProgress?: (done: number, total: number | undefined) => void;
  /** Clock, for tests. */
  readonly now?: () => Date;
  /** Anomaly thresholds, notifier and connector names for the cost insight (defaults when absent). */
  readonly insight?: InsightOptions;
  /**
   * Report a period whose day folders hold no CDR object (an empty report), and let a day's Parquet
   * partition that holds rows be replaced by an empty one when this run found no call on that day
   * (CDRs expired from the bucket look exactly like that). Without it the first throws
   * EmptyPeriodError and the second EmptyDaysRefusedError (exit 2), before anything becomes visible.
   */
  readonly allowEmpty?: boolean;
  /** The period is not over yet (`--partial`): the manifest says `"complete": false`, the CSV is `…-partial.csv`. */
  readonly partial?: boolean;
  /**
   * The run's owner id, as in its period lease (default: a fresh `run:` id). The shards and finalize
   * of one array job share it: it names their staging folder and their day leases.
   */
  readonly owner?: string;
  /** Longest wait for another run's day lease at commit (default DEFAULT_DAY_LEASE_WAIT_MS). */
  readonly dayLeaseWaitMs?: number;
  /** Tells a day lease whose holder ended for good (see HolderEndedCheck). */
  readonly leaseHolderEnded?: HolderEndedCheck;
  /** Aborted on SIGTERM/SIGINT: the run stops within seconds, cleaning up what it was writing. */
  readonly signal?: AbortSignal;
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
  /** Where the Parquet files are staged until the commit (see job/sinks/staging.ts). */
  readonly stagingRoot: string;
  /** Whether the CSV starts with the header row (single runs; finalize adds it for shards). */
  readonly header: boolean;
  /** Where a shard writes its call ledger, so finalize can bill a call read by two shards once. */
  readonly callsKey?: string;
}

interface PassResult {
  readonly totals: RunTotals;
  readonly aggregates: CostAggregates;
  readonly charges: ChargeTotals;
  readonly usage: UsageLines;
  readonly csvBytes: number;
  /** Staged Parquet keys, sorted. */
  readonly staged: string[];
  /** Still open: the caller completes (`close`) or abandons (`abort`) them. */
  readonly csv: CsvReportWriter;
  readonly rejects: RejectsWriter;
  readonly ledger: CallLedgerWriter | undefined;
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
      charges: options.charges ?? { kind: 'none' },
      connectors: options.connectors ?? [],
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
  return inProcessChunkProcessor(options);
}

/** Processes chunks in this thread (no worker threads). */
function inProcessChunkProcessor(options: SummaryRunOptions): ChunkProcessor {
  const { schema, period } = options;
  return inProcessProcessor({
    store: options.source,
    schema,
    period,
    rater: new Rater(schema, options.rateTable),
    charger: createCharger(schema, options.charges ?? { kind: 'none' }),
    connectors: new ConnectorDirectory(options.connectors ?? []),
    readConcurrency: options.readConcurrency ?? 64,
    burstCollection: options.insight?.thresholds,
  });
}

/** The currency of the run's charges (the deck's, USD with a markup), null when nothing is charged. */
function chargeCurrency(options: SummaryRunOptions): string | null {
  return chargeCurrencyOf(options.charges ?? { kind: 'none' });
}

/**
 * Reads the plan's folders and streams every call in the period to the CSV, the staged Parquet files
 * and the rejects file, in crawl order, billing each call once (the first object carrying it). Returns
 * with the CSV, rejects and call ledger still open (nothing of them visible yet). On any failure, or
 * when `options.signal` aborts, it abandons the writers (temporary files removed, multipart uploads
 * aborted), deletes the files it staged and rethrows at once.
 */
async function runPass(
  options: SummaryRunOptions,
  crawled: AsyncIterable<CrawledObject>,
  outputs: PassOutputs,
): Promise<PassResult> {
  const { schema, dest, signal } = options;
  const opened: { abort(): Promise<void> }[] = [];
  const open = <T extends { abort(): Promise<void> }>(create: () => T): T => {
    const writer = create();
    opened.push(writer);
    return writer;
  };
  let csv: CsvReportWriter;
  let rejects: RejectsWriter;
  let parquet: PartitionedParquetSink;
  let ledger: CallLedgerWriter | undefined;
  let processor: ChunkProcessor;
  try {
    csv = open(
      () =>
        new CsvReportWriter(
          schema,
          dest.openWriter(outputs.csvKey, 'text/csv; charset=utf-8'),
          outputs.header,
          options.csvBom === true,
        ),
    );
    rejects = open(() => new RejectsWriter(dest.openWriter(outputs.rejectsKey, 'application/x-ndjson')));
    parquet = open(
      () =>
        new PartitionedParquetSink(dest, schema, {
          fileRows: options.parquetFileRows,
          filePrefix: outputs.filePrefix,
          root: outputs.stagingRoot,
        }),
    );
    const callsKey = outputs.callsKey;
    ledger = callsKey
      ? open(() => new CallLedgerWriter(dest.openWriter(callsKey, 'application/octet-stream')))
      : undefined;
    processor = chunkProcessor(options);
  } catch (error) {
    // A writer that cannot be opened: abandon those already open (no temporary file left).
    await Promise.allSettled(opened.map((writer) => writer.abort()));
    throw error;
  }
  const totals = new RunTotals();
  const charges = new ChargeTotals();
  const usage = new UsageLines();
  const aggregates = new CostAggregates();
  const deduper = new CallDeduper(schema);
  // Calls billed twice are rare (a re-delivered CDR): the chunk that holds one is processed again in
  // this thread without those objects, so every count, aggregate and charge holds each call once.
  let reprocessor: ChunkProcessor | undefined;
  const work = async (): Promise<string[]> => {
    const tasks = chunkTasks(crawled, options.chunkSize ?? 512);
    const run = (task: ChunkTask) => processor.run(task).then((result) => ({ task, result }));
    for await (const processed of orderedMap(tasks, processor.parallelism, run)) {
      throwIfAborted(signal);
      // The ordered merge point: each call is billed from the first object (in crawl order) carrying it.
      const { duplicates } = deduper.admit(processed.result, processed.task.objects);
      let result = processed.result;
      let objects = processed.task.objects;
      if (duplicates.length > 0) {
        const again = new Set(duplicates.map((duplicate) => duplicate.key));
        objects = objects.filter((object) => !again.has(object.key));
        reprocessor ??= inProcessChunkProcessor(options);
        // Late-filed objects stay named, duplicates too: a period's report must list every late CDR
        // named for it, or the scheduler would re-run it again and again.
        const reprocessed = await reprocessor.run({ seq: processed.task.seq, objects });
        result = { ...reprocessed, lateArrivals: processed.result.lateArrivals };
        totals.countDuplicates(duplicates.length);
      }
      totals.addChunk(result);
      charges.add(result.charges);
      usage.merge(result.usage);
      aggregates.addChunk(result.aggregates);
      aggregates.addRejects(result.rejects);
      await csv.writeRows(result.csv);
      for (const day of result.days) {
        throwIfAborted(signal);
        await parquet.add(day.day, dayBatches(day));
      }
      for (const reject of result.rejects) await rejects.add(reject.key, reject.rejection);
      for (const duplicate of duplicates) await rejects.add(duplicate.key, duplicate.rejection);
      await ledger?.add(result, objects);
      options.onProgress?.(totals.objectsRead, undefined);
    }
    throwIfAborted(signal);
    options.onProgress?.(totals.objectsRead, totals.objectsRead);
    return parquet.close();
  };
  try {
    const staged = await abortable(work(), signal);
    return { totals, aggregates, charges, usage, csvBytes: csv.size, staged, csv, rejects, ledger };
  } catch (error) {
    await Promise.allSettled([csv.abort(), rejects.abort(), parquet.abort(), ledger?.abort()]);
    await dest.delete(parquet.keys).catch(() => {});
    throw error;
  } finally {
    await processor.close();
    await reprocessor?.close();
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
  const keys = outputKeys(schema, period, { partial: options.partial });
  const findings = new CrawlFindings();
  const ownPlan = await abortable(planCrawl(source, schema, period, findings), signal);
  // Folders outside the period where earlier runs found late-filed calls of it.
  const lateFolders = await lateFoldersFor(dest, schema, period, ownPlan, now());
  const plan = { ...ownPlan, folders: [...ownPlan.folders, ...lateFolders] };
  // Nothing to report is refused before anything is written or deleted (unless allowEmpty).
  const crawled = await requireObjects(
    crawl(source, schema, plan, undefined, findings),
    countsFor(period, lateFolders),
    options.allowEmpty ?? false,
    () => emptyPeriodMessage(source.location, schema, period, ownPlan),
  );
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
  const pass = await runPass(options, crawled, {
    csvKey: keys.csvKey,
    rejectsKey: keys.rejectsKey,
    filePrefix: 'part-',
    stagingRoot: stagingRoot(schema, period, owner),
    header: true,
  });
  const insight = await prepareInsight({
    schema,
    period,
    dest,
    aggregates: pass.aggregates,
    totals: pass.totals,
    options: options.insight,
    charges: { totals: pass.charges, currency: chargeCurrency(options) },
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
      leaseHolderEnded: options.leaseHolderEnded,
      signal,
      async publish() {
        // A manifest means "complete": remove the old one before anything of this run becomes visible.
        await dest.delete([keys.manifestKey]);
        await pass.csv.close();
        await pass.rejects.close();
      },
      async writeManifest(committed, { foreignFilesKept }) {
        // The FOCUS export, the aggregates and the dashboard go out before the manifest that names them.
        const charges = await writeFocusExport(dest, schema, period, pass.usage.lines(), {
          totals: pass.charges,
          currency: chargeCurrency(options),
          sources: options.chargeSources ?? NO_CHARGE_SOURCES,
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
          parquetKeys: committed,
          priceVersions: options.rateTable.versions,
          connectors: plan.partitions.length,
          foldersListed: plan.folders.length,
          shards: 1,
          startedAt,
          finishedAt: now(),
          insight: insight.fields,
          charges,
        });
        await writeInsight(dest, schema, insight, manifest);
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
    // Held under the period lease: no other run writes below the period's staging folder.
    await dest.removeEmptyFolders?.(stagingFolder(schema, period)).catch(() => {});
  }
  await announceInsight(logger, insight, written.manifest, options.insight?.notifier);
  logFindings(logger, written.manifest);
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
  const findings = new CrawlFindings();
  // Every shard plans the whole period; the first one alone counts what planning finds.
  const ownPlan = await abortable(planCrawl(source, schema, period, shard.index === 0 ? findings : undefined), signal);
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
  const root = stagingRoot(schema, period, owner);
  // Only with an owner shared by the sibling shards can a shard tell their staged files from a dead run's.
  if (options.owner !== undefined) await removeLeftovers(dest, schema, period, root.slice(0, -'parquet/'.length));
  await dest.delete([keys.manifestKey]);
  logger.info({ shard: `${shard.index + 1}/${shard.count}`, folders: plan.folders.length }, 'shard planned');
  const pass = await runPass(options, crawl(source, schema, plan, undefined, findings), {
    csvKey: keys.csvKey,
    rejectsKey: keys.rejectsKey,
    filePrefix: `part-s${String(shard.index).padStart(4, '0')}-`,
    stagingRoot: root,
    header: false,
    callsKey: keys.callsKey,
  });
  try {
    await pass.csv.close();
    await pass.rejects.close();
    await pass.ledger?.close();
  } catch (error) {
    await Promise.allSettled([pass.csv.abort(), pass.rejects.abort(), pass.ledger?.abort()]);
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
    complete: !options.partial,
    source: source.location,
    prices: options.pricesLocation,
    priceVersions: options.rateTable.versions,
    totals: pass.totals.toJSON(),
    aggregates: pass.aggregates.toJSON(),
    charges: pass.charges.toJSON(),
    chargeSources: options.chargeSources ?? NO_CHARGE_SOURCES,
    chargeCurrency: chargeCurrency(options),
    usage: pass.usage.toJSON(),
    findings: findings.toJSON(),
    lateFoldersRead: lateFolders.map((f) => f.prefix ?? ''),
    csvKey: keys.csvKey,
    csvBytes: pass.csvBytes,
    rejectsKey: keys.rejectsKey,
    callsKey: keys.callsKey,
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
      recordsDuplicate: manifest.recordsDuplicate,
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
