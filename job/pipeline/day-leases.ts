import { sleepUnlessAborted } from '../core/interruption';
import { type CalendarDate, formatDate, type Period, periodDays } from '../core/period';
import type { ObjectStore } from '../store/object-store';
import { acquireLease, type HolderEndedCheck, type Lease, LeaseHeldError, type LeaseRecord } from './lease';

/**
 * How long a day lease lasts if its holder dies without releasing it. A run holds its day leases only
 * while it replaces the files of its days' Parquet partitions and writes its manifest (seconds).
 */
export const DAY_LEASE_TTL_MS = 30 * 60_000;

/**
 * How long a run waits for another run to release a day lease before giving up (exit 3). Holders keep
 * them for seconds, so the scheduled Daily and Monthly runs at 01:00 UTC on the 1st, which share the
 * month's last day, take turns instead of failing each other.
 */
export const DEFAULT_DAY_LEASE_WAIT_MS = 10 * 60_000;

/** The lease of one call-day Parquet partition (`<summaryPrefix>leases/days/<YYYY-MM-DD>.json`). */
export function dayLeaseKey(summaryPrefix: string, date: CalendarDate): string {
  return `${summaryPrefix}leases/days/${formatDate(date)}.json`;
}

/**
 * The period's day leases that a run of this very period took (its frequency and end date): what
 * `lease clear` removes with the period's lease.
 */
export function isDayLeaseOfPeriod(record: LeaseRecord, period: Period): boolean {
  return record.frequency === period.frequency && record.periodEnd === formatDate(period.end);
}

/** Thrown when a day's partition stays locked by another run for longer than the wait allows. */
export class DayLeaseHeldError extends LeaseHeldError {
  constructor(key: string, holder: LeaseRecord, day: string, waitedMs: number) {
    super(key, holder);
    this.message = `Parquet partition of ${day} is being replaced by another run (${holder.frequency} period ending ${holder.periodEnd}, owner ${holder.owner}, host ${holder.host}, pid ${holder.pid}, until ${holder.expiresAt}) and was not released within ${Math.round(waitedMs / 1000)} s; run again later, or if that run is dead: npx cdr-summary lease clear --frequency ${holder.frequency} --end ${holder.periodEnd}`;
  }
}

/** Options of `acquireDayLeases`. */
export interface DayLeaseOptions {
  readonly store: ObjectStore;
  readonly service: string;
  readonly summaryPrefix: string;
  /** The run's period: a lease is taken for each of its days. */
  readonly period: Period;
  /** The run's owner id (the period lease's): shards and finalize of one array job share it. */
  readonly owner: string;
  /** Longest wait for one day's lease (default DEFAULT_DAY_LEASE_WAIT_MS). */
  readonly waitMs?: number;
  /** Pause between two attempts while waiting (default 1 s). */
  readonly pollMs?: number;
  readonly ttlMs?: number;
  /** Stops the wait (SIGTERM/SIGINT). */
  readonly signal?: AbortSignal;
  /** Told once per day the run has to wait for. */
  readonly onWait?: (day: string, holder: LeaseRecord) => void;
  /** Asked about a day lease of another owner (see HolderEndedCheck). */
  readonly holderEnded?: HolderEndedCheck;
}

/** Every day lease of a period, held together. */
export interface DayLeases {
  readonly keys: readonly string[];
  /** Releases them all (those still ours). Safe to call twice. */
  release(): Promise<void>;
}

/**
 * Takes the lease of every day of the period, in ascending day order (so runs of overlapping periods
 * never deadlock: whoever holds a later day already holds every earlier day it needs), waiting up to
 * `waitMs` for each day another run holds. One writer per call-day partition: only the holder replaces
 * the day's Parquet files, and it writes the manifest naming them before letting go.
 */
export async function acquireDayLeases(options: DayLeaseOptions): Promise<DayLeases> {
  const held: Lease[] = [];
  const release = async () => {
    const all = held.splice(0).reverse();
    const results = await Promise.allSettled(all.map((lease) => lease.release()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const waitMs = options.waitMs ?? DEFAULT_DAY_LEASE_WAIT_MS;
  const pollMs = options.pollMs ?? 1000;
  try {
    for (const date of periodDays(options.period)) {
      const key = dayLeaseKey(options.summaryPrefix, date);
      const started = Date.now();
      for (let told = false; ; ) {
        try {
          held.push(
            await acquireLease({
              store: options.store,
              service: options.service,
              summaryPrefix: options.summaryPrefix,
              period: options.period,
              owner: options.owner,
              key,
              ttlMs: options.ttlMs ?? DAY_LEASE_TTL_MS,
              holderEnded: options.holderEnded,
            }),
          );
          break;
        } catch (error) {
          if (!(error instanceof LeaseHeldError)) throw error;
          const waited = Date.now() - started;
          if (waited >= waitMs) throw new DayLeaseHeldError(key, error.holder, formatDate(date), waited);
          if (!told) options.onWait?.(formatDate(date), error.holder);
          told = true;
          await sleepUnlessAborted(Math.min(pollMs, waitMs - waited), options.signal);
        }
      }
    }
  } catch (error) {
    await release().catch(() => {});
    throw error;
  }
  return { keys: held.map((lease) => lease.key), release };
}
