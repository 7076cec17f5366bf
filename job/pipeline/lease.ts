import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Env, EnvReader } from '../core/env';
import { InputError, LockedError } from '../core/errors';
import { formatDate, type Period } from '../core/period';
import { ObjectNotFoundError, type ObjectStore } from '../store/object-store';

/** How long a lease lasts unless renewed or released: longer than the Batch attempt timeout (4 h). */
export const DEFAULT_LEASE_TTL_MS = 6 * 3_600_000;

/** What a lease object holds (`<summaryPrefix>leases/<Frequency>-<YYYY-MM-DD>.json`). */
export interface LeaseRecord {
  readonly leaseVersion: 1;
  /** The run holding it: the Batch job id (shared by its attempts and array children), else a random id. */
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  readonly service: string;
  readonly frequency: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** Thrown when another run holds the period's lease. */
export class LeaseHeldError extends LockedError {
  override readonly name = 'LeaseHeldError';
  constructor(
    readonly key: string,
    readonly holder: LeaseRecord,
  ) {
    super(
      `${holder.frequency} period ending ${holder.periodEnd} is locked by another run (owner ${holder.owner}, host ${holder.host}, pid ${holder.pid}, since ${holder.createdAt}, expires ${holder.expiresAt}); if that run is dead, wait for the expiry or run \`cdr-summary lease clear\``,
    );
  }
}

/** The lease key of a period: one per service (the summary prefix), frequency and end date. */
export function leaseKey(summaryPrefix: string, period: Period): string {
  return `${summaryPrefix}leases/${period.frequency}-${formatDate(period.end)}.json`;
}

/**
 * The owner id of this run: CDR_LEASE_OWNER when set; else AWS_BATCH_JOB_ID without its array index
 * (`<job>:<index>`), so every attempt and every array child of one Batch job share the lease;
 * otherwise a fresh random id.
 */
export function defaultLeaseOwner(env: Env = process.env): string {
  return sharedLeaseOwner(env) ?? `run:${randomUUID()}`;
}

/**
 * An owner id that several processes of one run share, if the environment gives one
 * (CDR_LEASE_OWNER, or AWS_BATCH_JOB_ID without its array index); undefined otherwise.
 */
export function sharedLeaseOwner(env: Env = process.env): string | undefined {
  const read = new EnvReader(env);
  const owner = read.text('CDR_LEASE_OWNER');
  if (owner) return owner;
  const job = read.text('AWS_BATCH_JOB_ID');
  return job ? `batch:${job.split(':')[0]}` : undefined;
}

/** Parses a lease TTL: `6h`, `90m`, `45s`, `500ms`, or plain seconds. */
export function parseLeaseTtl(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new InputError(`invalid lease TTL ${JSON.stringify(text)} (e.g. 6h, 90m, 3600s)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Math.round(Number(match[1]) * unit);
  if (ms < 1) throw new InputError(`lease TTL must be positive, got ${JSON.stringify(text)}`);
  return ms;
}

/** Options of `acquireLease`. */
export interface LeaseOptions {
  /** Where the outputs go (the lease lives next to them). */
  readonly store: ObjectStore;
  readonly service: string;
  readonly summaryPrefix: string;
  readonly period: Period;
  /** Lease duration (default 6 h). */
  readonly ttlMs?: number;
  /** Owner id (default `defaultLeaseOwner()`). */
  readonly owner?: string;
  /** The lease object's key (default: the period's, `leaseKey`); day leases pass theirs. */
  readonly key?: string;
  readonly now?: () => Date;
  /** Asked about an unexpired lease of another owner: see HolderEndedCheck. */
  readonly holderEnded?: HolderEndedCheck;
}

/**
 * Whether a lease's holder is known to have ended for good although its lease has not expired (e.g.
 * its Batch job FAILED: no attempt and no dependent job of it will run again). Resolves false when it
 * cannot tell; the lease is then respected until it expires.
 */
export type HolderEndedCheck = (holder: LeaseRecord) => Promise<boolean>;

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a lease's holder is known to be dead: a per-process owner (`run:…`, never shared by
 * several processes) on this very host whose pid no longer exists, e.g. after kill -9 or an OOM kill.
 * A shared owner (a Batch job, CDR_LEASE_OWNER) is never judged by one pid: its other processes may live.
 */
export function holderIsDead(holder: LeaseRecord): boolean {
  return (
    holder.owner.startsWith('run:') &&
    holder.host === hostname() &&
    Number.isInteger(holder.pid) &&
    holder.pid > 0 &&
    holder.pid !== process.pid &&
    !processAlive(holder.pid)
  );
}

/** A held lease. */
export interface Lease {
  readonly key: string;
  readonly record: LeaseRecord;
  /** True when this run created it; false when it joined its own run's lease (another attempt or shard). */
  readonly created: boolean;
  /** Deletes the lease if it is still ours (never someone else's). Safe to call twice. */
  release(): Promise<void>;
}

function parseRecord(body: Buffer): LeaseRecord | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<LeaseRecord>;
    if (typeof value.owner !== 'string' || typeof value.expiresAt !== 'string') return undefined;
    if (Number.isNaN(Date.parse(value.expiresAt))) return undefined;
    return value as LeaseRecord;
  } catch {
    return undefined;
  }
}

function requireConditional(
  store: ObjectStore,
): Required<Pick<ObjectStore, 'createExclusive' | 'readTagged' | 'deleteTagged'>> {
  const { createExclusive, readTagged, deleteTagged } = store;
  if (!createExclusive || !readTagged || !deleteTagged)
    throw new Error(`${store.location} does not support conditional writes; cannot take a lease`);
  return {
    createExclusive: createExclusive.bind(store),
    readTagged: readTagged.bind(store),
    deleteTagged: deleteTagged.bind(store),
  };
}

/**
 * Takes the period's lease, so only one run per service/frequency/period works at a time:
 *
 * 1. create the lease object with a conditional write (S3 `If-None-Match: *`; on disk an exclusive
 *    create): exactly one of any number of concurrent runs succeeds;
 * 2. if it exists and belongs to this run's owner id (a retried Batch attempt, an array child), join
 *    it (renewing it when more than half of its time is gone);
 * 3. if it exists, belongs to another run and has not expired, throw LeaseHeldError — unless its
 *    holder is known to be dead (`holderIsDead`: a per-process owner on this host whose pid is gone)
 *    or to have ended for good (`holderEnded`, e.g. its Batch job FAILED);
 * 4. if it has expired, its holder is dead (or it is unreadable), delete exactly the version read (S3 `If-Match: <ETag>`;
 *    on disk a rename aside) and go back to 1. Two runs taking over the same expired lease cannot
 *    both succeed: the second delete no longer matches, and the second create finds the first's lease.
 *    (Remaining race, on disk only: a lease rewritten between the rename aside and the check is put
 *    back with a link; a third run creating the key in that instant would lose it.)
 */
export async function acquireLease(options: LeaseOptions): Promise<Lease> {
  const { store, period } = options;
  const ops = requireConditional(store);
  const now = options.now ?? (() => new Date());
  const ttl = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const owner = options.owner ?? defaultLeaseOwner();
  const key = options.key ?? leaseKey(options.summaryPrefix, period);
  for (let round = 0; round < 5; round++) {
    const createdAt = now();
    const record: LeaseRecord = {
      leaseVersion: 1,
      owner,
      host: hostname(),
      pid: process.pid,
      service: options.service,
      frequency: period.frequency,
      periodStart: formatDate(period.start),
      periodEnd: formatDate(period.end),
      createdAt: createdAt.toISOString(),
      expiresAt: new Date(createdAt.getTime() + ttl).toISOString(),
    };
    const body = `${JSON.stringify(record, null, 2)}\n`;
    if (await ops.createExclusive(key, body)) return heldLease(store, key, record, body, true);
    let existing: { body: Buffer; tag: string };
    try {
      existing = await ops.readTagged(key);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) continue; // released meanwhile: try again
      throw error;
    }
    const holder = parseRecord(existing.body);
    if (holder && holder.owner === owner) {
      // Our own run's lease (an earlier attempt, another shard): join it; renew it first when more
      // than half of its time is gone, so a late retry is not overtaken by its expiry.
      const left = Date.parse(holder.expiresAt) - now().getTime();
      if (left > ttl / 2 || !(await ops.deleteTagged(key, existing.tag)))
        return heldLease(store, key, holder, existing.body.toString('utf8'), false);
      continue;
    }
    if (
      holder &&
      Date.parse(holder.expiresAt) > now().getTime() &&
      !holderIsDead(holder) &&
      !(await holderHasEnded(options.holderEnded, holder))
    )
      throw new LeaseHeldError(key, holder);
    // Expired, its holder dead (or unreadable): remove exactly that version, then compete for the key again.
    await ops.deleteTagged(key, existing.tag);
  }
  throw new Error(`could not take the lease ${key}: it keeps changing (another run is taking it over)`);
}

/** The check's answer; false when there is no check or it fails (the lease is then respected). */
async function holderHasEnded(check: HolderEndedCheck | undefined, holder: LeaseRecord): Promise<boolean> {
  if (!check) return false;
  return check(holder).catch(() => false);
}

function heldLease(store: ObjectStore, key: string, record: LeaseRecord, body: string, created: boolean): Lease {
  let released = false;
  return {
    key,
    record,
    created,
    async release() {
      if (released) return;
      released = true;
      const ops = requireConditional(store);
      let current: { body: Buffer; tag: string };
      try {
        current = await ops.readTagged(key);
      } catch (error) {
        if (error instanceof ObjectNotFoundError) return;
        throw error;
      }
      // Only our own lease: an expired one may have been taken over by another run meanwhile.
      if (current.body.toString('utf8') !== body) return;
      await ops.deleteTagged(key, current.tag);
    },
  };
}

/** A lease object as read: its key, its record (undefined when unreadable) and its text; no text when absent. */
export interface LeaseObject {
  readonly key: string;
  readonly record?: LeaseRecord;
  readonly raw?: string;
}

/** Reads a period's lease, if any (for `lease clear` and diagnostics). */
export function readLease(store: ObjectStore, summaryPrefix: string, period: Period): Promise<LeaseObject> {
  return readLeaseObject(store, leaseKey(summaryPrefix, period));
}

/** Reads the lease object at `key` (a period's or a day's), if any. */
export async function readLeaseObject(store: ObjectStore, key: string): Promise<LeaseObject> {
  try {
    const body = await store.read(key);
    return { key, record: parseRecord(body), raw: body.toString('utf8') };
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return { key };
    throw error;
  }
}

/**
 * Releases a period's lease if `owner` holds it (e.g. `finalize` of a sharded run, given the array
 * job's owner id). Returns whether a lease was deleted.
 */
export async function releaseLeaseOf(
  store: ObjectStore,
  summaryPrefix: string,
  period: Period,
  owner: string,
): Promise<boolean> {
  const ops = requireConditional(store);
  const key = leaseKey(summaryPrefix, period);
  let current: { body: Buffer; tag: string };
  try {
    current = await ops.readTagged(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return false;
    throw error;
  }
  if (parseRecord(current.body)?.owner !== owner) return false;
  return ops.deleteTagged(key, current.tag);
}
