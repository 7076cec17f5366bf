import type { Logger } from 'pino';
import { throwIfAborted } from '../core/interruption';
import type { OutputKeys } from '../core/layout/summary-keys';
import { type Period, periodDays } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { partitionPrefix } from '../sinks/parquet';
import { type RetentionResult, removeStaleOutputs } from '../sinks/retention';
import { committedKey } from '../sinks/staging';
import type { ObjectStore } from '../store/object-store';
import { acquireDayLeases } from './day-leases';
import { daysToEmpty, EmptyDaysRefusedError } from './empty-day-guard';
import type { HolderEndedCheck } from './lease';
import { orderedMap } from './ordered-map';

/** Copies in flight while committing staged Parquet files. */
const COPY_CONCURRENCY = 8;

/** What `commitPeriod` needs. */
export interface CommitOptions {
  readonly dest: ObjectStore;
  readonly schema: ServiceSchema;
  readonly period: Period;
  /** The run's owner id (shared by the shards and finalize of one array job). */
  readonly owner: string;
  /** The period's report keys (earlier reports in its folder are removed). */
  readonly keys: OutputKeys;
  /** Staged Parquet keys to commit (see job/sinks/staging.ts), every one known to exist. */
  readonly staged: readonly string[];
  /** Replace partitions that hold rows with empty ones when the run found no call on their day. */
  readonly allowEmpty: boolean;
  readonly logger: Logger;
  /** Longest wait for another run's day lease (default: DEFAULT_DAY_LEASE_WAIT_MS). */
  readonly dayLeaseWaitMs?: number;
  /** Tells a day lease whose holder ended for good (see HolderEndedCheck). */
  readonly leaseHolderEnded?: HolderEndedCheck;
  readonly signal?: AbortSignal;
  /**
   * Makes the period's report visible (removes the old manifest, completes the CSV and rejects): called
   * once the day leases are held and nothing will be refused any more.
   */
  publish(): Promise<void>;
  /** Writes the manifest naming `parquetKeys`; called while the day leases are held, once those files are verified. */
  writeManifest(parquetKeys: readonly string[], retention: RetentionResult): Promise<void>;
}

/**
 * Commits a run's outputs with one writer per call-day partition: takes the lease of each of the
 * period's days (ascending, waiting for other runs' commits), refuses (EmptyDaysRefusedError, exit 2,
 * nothing replaced) to empty a partition holding rows unless `allowEmpty`, publishes the report,
 * copies the staged Parquet files into the dataset, deletes what earlier runs left in those
 * partitions, checks that every committed file exists, and writes the manifest — all before letting go
 * of the days, so no other run can replace them in between. Returns the committed keys, sorted.
 */
export async function commitPeriod(options: CommitOptions): Promise<string[]> {
  const { dest, schema, period, logger } = options;
  const committed = options.staged.map((key) => committedKey(schema, key)).sort();
  const asked = Date.now();
  const days = await acquireDayLeases({
    store: dest,
    service: schema.service,
    summaryPrefix: schema.summaryPrefix,
    period,
    owner: options.owner,
    waitMs: options.dayLeaseWaitMs,
    holderEnded: options.leaseHolderEnded,
    signal: options.signal,
    onWait: (day, holder) =>
      logger.warn(
        { day, holder: holder.owner, holderPeriod: `${holder.frequency} ${holder.periodEnd}` },
        'waiting for another run to finish replacing a day partition',
      ),
  });
  const leased = Date.now();
  try {
    const emptied = await daysToEmpty(dest, schema, period, committed);
    if (emptied.length > 0 && !options.allowEmpty) throw new EmptyDaysRefusedError(emptied);
    if (emptied.length > 0)
      logger.warn(
        { days: emptied },
        'emptying Parquet day partitions that held rows (allowEmpty): no calls found on those days',
      );
    throwIfAborted(options.signal);
    // From here on the run finishes what it started: a few copies and deletes, then the manifest.
    await options.publish();
    const copies = options.staged.map((from, i) => ({ from, to: committed[i] as string }));
    const sorted = [...copies].sort((a, b) => (a.to < b.to ? -1 : 1));
    for await (const _ of orderedMap(sorted, COPY_CONCURRENCY, ({ from, to }) => dest.copy(from, to))) {
      // copied
    }
    const retention = await removeStaleOutputs(dest, schema, period, options.keys, committed);
    await verifyCommitted(dest, schema, period, committed);
    await options.writeManifest(committed, retention);
    logger.info(
      { days: days.keys.length, files: committed.length, leaseWaitMs: leased - asked, commitMs: Date.now() - leased },
      'day partitions committed',
    );
  } finally {
    await days
      .release()
      .catch((error: unknown) => logger.warn({ err: error, leases: days.keys.length }, 'day leases not released'));
  }
  return committed;
}

/** Throws unless every committed key is in its partition's listing (a manifest names only files that exist). */
async function verifyCommitted(
  dest: ObjectStore,
  schema: ServiceSchema,
  period: Period,
  committed: readonly string[],
): Promise<void> {
  const present = new Set<string>();
  for (const date of periodDays(period)) {
    const prefix = partitionPrefix(schema, date);
    if (!committed.some((key) => key.startsWith(prefix))) continue;
    for (const entry of (await dest.listFolder(prefix, { sizes: false })).objects) present.add(entry.key);
  }
  const missing = committed.filter((key) => !present.has(key));
  if (missing.length > 0)
    throw new Error(`${missing.length} committed Parquet file(s) missing from the dataset, e.g. ${missing[0]}`);
}
