import { type Command, Option } from 'commander';
import type { Logger } from 'pino';
import { rethrowNaming } from '../core/errors';
import { abortable, throwIfAborted } from '../core/interruption';
import { addDays, dateOfEpochSeconds, dayIsOver, formatDate, type Period } from '../core/period';
import { type ServiceCode, schemaFor } from '../core/schema';
import { defaultWorkerCount } from '../pipeline/chunk-pool';
import { EmptyPeriodError } from '../pipeline/empty-period';
import { acquireLease, defaultLeaseOwner, type Lease, releaseLeaseOf, sharedLeaseOwner } from '../pipeline/lease';
import { runShard, runSummary, type SummaryRunOptions } from '../pipeline/run-summary';
import { resolveSourceRoot } from '../pipeline/source-root';
import { loadPricesArgument } from '../prices/load';
import type { Manifest, PartialManifest } from '../sinks/manifest';
import type { ObjectStore, StoreStats } from '../store/object-store';
import { openS3Bucket, openStore } from '../store/open';
import { batchJobEndedCheck } from './batch-job-ended';
import { addChargeOptions, type ChargeArguments, loadChargeArguments } from './charge-options';
import { UsageError } from './errors';
import { addInsightOptions, type InsightArguments, insightFromArguments } from './insight-options';
import { createLogger } from './logger';
import { parseDuration, parseRatio, serviceOption, wholeNumberOption } from './option-parsers';
import { addPeriodOptions, type PeriodArguments, periodFromArguments } from './period-options';
import { warnAboutPrices, warnAboutRatings } from './price-warnings';
import { ProgressLine } from './progress';
import { shardFromArguments, shardIndexOption, shardsOption } from './shard-options';
import { shutdownSignal } from './shutdown';
import { formatSummary } from './summary-table';
import { isInteractiveTerminal } from './terminal';

/** Objects read at once unless `--concurrency` says otherwise. */
const DEFAULT_CONCURRENCY = 64;

/** Options of `cdr-summary run`, as commander parses them. */
export interface RunCommandOptions extends PeriodArguments, InsightArguments, ChargeArguments {
  readonly source: string;
  readonly dest?: string;
  readonly prices: string;
  readonly service: ServiceCode;
  /** Objects read at once (default 64). */
  readonly concurrency?: number;
  readonly workers?: number;
  readonly shards?: number;
  readonly shardIndex?: number;
  readonly logLevel?: string;
  readonly quiet?: boolean;
  /** Lease TTL in ms. */
  readonly leaseTtl?: number;
  /** Share of rejected objects that fails the run (default 1). */
  readonly maxRejectRatio?: number;
  readonly csvBom?: boolean;
  readonly allowEmpty?: boolean;
  readonly partial?: boolean;
}

function storeStats(stores: readonly ObjectStore[]): StoreStats {
  const total = { requests: 0, retries: { throttle: 0, server: 0, network: 0, timeout: 0 }, bytesIn: 0, bytesOut: 0 };
  for (const store of new Set(stores)) {
    const stats = store.stats?.();
    if (!stats) continue;
    total.requests += stats.requests;
    total.bytesIn += stats.bytesIn;
    total.bytesOut += stats.bytesOut;
    for (const kind of ['throttle', 'server', 'network', 'timeout'] as const)
      total.retries[kind] += stats.retries[kind];
  }
  return total;
}

/**
 * Logs what the run did, with the stores' counters (requests, retries by kind, bytes): after a
 * completed run with the manifest's counts, and also when the run failed or was one shard.
 */
function logRunStatistics(
  logger: Logger,
  run: { service: string; period: Period; outcome: 'completed' | 'failed' | 'shard' },
  manifest: Manifest | undefined,
  stores: readonly ObjectStore[],
  startedAt: number,
): void {
  const stats = storeStats(stores);
  const r = stats.retries;
  const level = run.outcome === 'failed' ? 'warn' : 'info';
  logger[level](
    {
      service: run.service,
      frequency: run.period.frequency,
      period: `${formatDate(run.period.start)}..${formatDate(run.period.end)}`,
      outcome: run.outcome,
      ...(manifest && {
        objectsRead: manifest.objectsRead,
        recordsRated: manifest.recordsRated,
        recordsUnrated: manifest.recordsUnrated,
        recordsRejected: manifest.recordsRejected,
        objectsOutsidePeriod: manifest.objectsOutsidePeriod,
      }),
      requests: stats.requests,
      retries: { ...r, total: r.throttle + r.server + r.network + r.timeout },
      bytesIn: stats.bytesIn,
      bytesOut: stats.bytesOut,
      durationMs: Date.now() - startedAt,
    },
    'run statistics',
  );
}

/** Fails the run (exit 1) when more than `ratio` of the objects read were rejected; the rejects are written. */
function checkRejectRatio(manifest: Manifest, ratio: number): void {
  const share = manifest.objectsRead === 0 ? 0 : manifest.recordsRejected / manifest.objectsRead;
  if (share > ratio) {
    throw new Error(
      `${manifest.recordsRejected} of ${manifest.objectsRead} objects rejected (${(share * 100).toFixed(1)} %), more than --max-reject-ratio ${ratio}; see ${manifest.rejectsKey}`,
    );
  }
}

/**
 * Refuses a period whose end date is not over yet (UTC) unless `partial`, and `partial` for one that
 * is: the same rule as the scheduler's (the latest complete day is yesterday).
 */
function checkPeriodOver(period: Period, partial: boolean, now: Date): void {
  const over = dayIsOver(period.end, now);
  const yesterday = formatDate(addDays(dateOfEpochSeconds(Math.floor(now.getTime() / 1000)), -1));
  if (!over && !partial) {
    throw new UsageError(
      `--end ${formatDate(period.end)} is not over yet (UTC; the latest complete day is ${yesterday}): use --partial for a report of the calls so far`,
    );
  }
  if (over && partial) {
    throw new UsageError(
      `--partial is for a period not over yet; the period ending ${formatDate(period.end)} is complete`,
    );
  }
}

function openInput(text: string, what: string, probe: string): Promise<ObjectStore> {
  return openStore(text, { probe }).catch((error: unknown) => rethrowNaming(what, error));
}

/** Runs a summary from parsed options; validates everything before writing anything. */
export async function executeRun(
  options: RunCommandOptions,
  logger: Logger = createLogger(options.logLevel),
): Promise<{ manifest?: Manifest; partial?: PartialManifest; period: Period }> {
  const period = periodFromArguments(options);
  const shard = shardFromArguments(options);
  const service = options.service;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const workers = options.workers ?? defaultWorkerCount();
  const maxRejectRatio = options.maxRejectRatio ?? 1;
  const leaseTtlMs = options.leaseTtl;
  const insight = insightFromArguments(options);
  const partial = options.partial === true;
  checkPeriodOver(period, partial, new Date());
  const startedAt = Date.now();
  const signal = shutdownSignal();
  // One owner id for the period lease, the day leases and the staging folder; shards of one array job share it.
  const sharedOwner = sharedLeaseOwner();
  const owner = sharedOwner ?? defaultLeaseOwner();
  // A lease left by a Batch job that FAILED (attempts spent, e.g. after an OOM kill) is taken over at once.
  const leaseHolderEnded = batchJobEndedCheck();
  let lease: Lease | undefined;
  let outcome: 'completed' | 'failed' | 'shard' | undefined;
  const schema = schemaFor(service);
  const sourceRoot = resolveSourceRoot(options.source, schema);
  if (sourceRoot.reRootedFrom !== undefined)
    logger.info(
      { given: sourceRoot.reRootedFrom, source: sourceRoot.location },
      '--source is the CDR prefix: reading from the folder above it',
    );
  const source = await openInput(sourceRoot.location, '--source', schema.cdrPrefix);
  const opened: ObjectStore[] = [source];
  let dest: ObjectStore | undefined;
  try {
    const prices = await abortable(loadPricesArgument(options.prices, service, { openS3: openS3Bucket }), signal).catch(
      (error: unknown) => rethrowNaming('--prices', error),
    );
    warnAboutPrices(logger, prices.table, prices.location);
    const charging = await loadChargeArguments(options, openS3Bucket);
    dest = options.dest === undefined ? source : await openStoreForOutput(options.dest, schema.summaryPrefix);
    if (dest !== source) opened.push(dest);
    // One run per service/frequency/period at a time (exit 3 otherwise); released in `finally`. The
    // shards of one run share it through a common owner id (the Batch job's), or go without.
    if (shard.count <= 1 || sharedOwner !== undefined) {
      // Not raced with the signal (a few requests): a lease taken after giving up would never be released.
      lease = await acquireLease({
        store: dest,
        service,
        summaryPrefix: schema.summaryPrefix,
        period,
        ttlMs: leaseTtlMs,
        owner,
        holderEnded: leaseHolderEnded,
      });
    } else
      logger.warn({ shards: shard.count }, 'sharded run without AWS_BATCH_JOB_ID or CDR_LEASE_OWNER: no period lease');
    outcome = 'failed'; // until it completes
    throwIfAborted(signal);
    logger.info(
      {
        service,
        frequency: period.frequency,
        periodStart: formatDate(period.start),
        periodEnd: formatDate(period.end),
        source: source.location,
        dest: dest.location,
        prices: prices.location,
        priceVersions: prices.table.versions.length,
        ...charging.sources,
        connectorsKnown: charging.connectors.length,
      },
      'run started',
    );
    const progress = new ProgressLine();
    const runOptions: SummaryRunOptions = {
      schema,
      period,
      source,
      dest,
      rateTable: prices.table,
      pricesLocation: prices.location,
      logger,
      readConcurrency: concurrency,
      workers,
      workerSource: { location: sourceRoot.location, priceVersions: prices.snapshot.versions },
      csvBom: options.csvBom === true,
      charges: charging.charges,
      connectors: charging.connectors,
      chargeSources: charging.sources,
      onProgress: (done, total) => progress.update(done, total),
      insight,
      allowEmpty: options.allowEmpty === true,
      partial,
      owner: shard.count > 1 ? sharedOwner : owner,
      leaseHolderEnded,
      signal,
    };
    if (shard.count > 1) {
      const partial = await runShard(runOptions, shard).catch(async (error: unknown) => {
        if (!(error instanceof EmptyPeriodError)) throw error;
        // Every shard refuses the same empty period: a final answer, so the period is free at once.
        await lease?.release().catch(() => {});
        throw error;
      });
      outcome = 'shard';
      if (!options.quiet) {
        process.stdout.write(
          `shard ${shard.index + 1} of ${shard.count}: ${partial.totals.objectsRead} objects read; ` +
            `run \`cdr-summary finalize\` once every shard has finished\n`,
        );
      }
      return { partial, period };
    }
    const manifest = await runSummary(runOptions);
    if (!options.quiet)
      process.stdout.write(formatSummary(manifest, dest.location, { boxes: isInteractiveTerminal(process.stdout) }));
    outcome = 'completed';
    logRunStatistics(logger, { service, period, outcome }, manifest, opened, startedAt);
    warnAboutRatings(logger, manifest);
    checkRejectRatio(manifest, maxRejectRatio);
    return { manifest, period };
  } finally {
    if (outcome === 'failed' || outcome === 'shard')
      logRunStatistics(logger, { service, period, outcome }, undefined, opened, startedAt);
    // Shards of one Batch array job share the lease (same owner id); `finalize` releases it, not each
    // shard — unless the shard failed or was interrupted: then the array job cannot complete, and the
    // next run of the period must be able to start at once.
    const releasing =
      shard.count <= 1
        ? lease?.release()
        : lease && outcome === 'failed'
          ? releaseLeaseOf(dest ?? source, schema.summaryPrefix, period, owner).then(() => {})
          : undefined;
    await releasing?.catch((error: unknown) => logger.warn({ err: error, lease: lease?.key }, 'lease not released'));
    await Promise.allSettled(opened.map((store) => store.close()));
  }
}

function openStoreForOutput(text: string, probe: string): Promise<ObjectStore> {
  return openStore(text, { create: true, probe }).catch((error: unknown) => rethrowNaming('--dest', error));
}

/** Adds `cdr-summary run` to the program. */
export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description("Summarize one period's CDRs into a rated CSV report, a Parquet dataset, rejects and a manifest.")
    .requiredOption('--source <dir|s3://bucket>', 'where Amazon Chime writes the CDRs (folder or s3://bucket[/prefix])')
    .option('--dest <dir|s3://bucket>', 'where to write the outputs (default: the source)')
    .requiredOption(
      '--prices <file|dir|s3://…>',
      'price list: GetProducts response, offer file, bulk folder or snapshot',
    );
  addChargeOptions(addInsightOptions(addPeriodOptions(command)))
    .addOption(serviceOption('service to summarize', 'AmazonChimeVoiceConnector'))
    .addOption(
      wholeNumberOption('--concurrency <n>', 'objects read at once, over all threads (S3 GETs in flight)', 1).default(
        DEFAULT_CONCURRENCY,
      ),
    )
    .addOption(
      wholeNumberOption(
        '--workers <n>',
        'worker threads for reading, parsing and rating (default: cores - 1 from 4 cores up, else 0 = none)',
        0,
      ),
    )
    .addOption(shardsOption('split the period across N shards (default 1)'))
    .addOption(shardIndexOption('the shard this run reads, 0-based (default 0)'))
    .addOption(
      new Option(
        '--lease-ttl <duration>',
        'how long the period lease lasts if the run dies (e.g. 6h, 90m; default 6h)',
      ).argParser(parseDuration('--lease-ttl')),
    )
    .addOption(
      new Option(
        '--max-reject-ratio <r>',
        'fail (exit 1) when more than this share of objects is rejected (0..1, default 1)',
      ).argParser(parseRatio('--max-reject-ratio')),
    )
    .option('--csv-bom', 'start the CSV report with a UTF-8 byte order mark (for Excel)')
    .option(
      '--allow-empty',
      'write an empty report for a period with no CDR objects (a genuinely quiet period), and let Parquet day partitions that hold rows be replaced by empty ones',
    )
    .option(
      '--partial',
      'report a period not over yet (UTC), e.g. month to date: "complete": false, CSV named …-partial.csv',
    )
    .option('--log-level <level>', 'pino log level (default info; warn on a terminal)')
    .option('--quiet', 'do not print the summary table')
    .action(async (options: RunCommandOptions) => {
      await executeRun(options);
    });
}
