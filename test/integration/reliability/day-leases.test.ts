import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { clearLease, showLease } from '../../../job/cli/lease-command';
import { parseDate, periodEndingOn } from '../../../job/core/period';
import { acquireDayLeases, DayLeaseHeldError, dayLeaseKey } from '../../../job/pipeline/day-leases';
import { acquireLease, holderIsDead, LeaseHeldError, type LeaseRecord, leaseKey } from '../../../job/pipeline/lease';
import { LocalStore } from '../../../job/store/local';
import { dailyLeaseRecord } from '../../support/lease-records';

const PREFIX = 'Amazon-Chime-Voice-Connector-Summary/';
const SERVICE = 'AmazonChimeVoiceConnector';
const MONTH = periodEndingOn('Monthly', parseDate('2025-03-31'));
const LAST_DAY = periodEndingOn('Daily', parseDate('2025-03-31'));

/** The pid of a process that has just exited (so is certainly dead). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('day leases: one writer per call-day partition', () => {
  let dir: string;
  let store: LocalStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-day-leases-'));
    store = await LocalStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const take = (period: typeof MONTH, owner: string, extra: { waitMs?: number; pollMs?: number } = {}) =>
    acquireDayLeases({ store, service: SERVICE, summaryPrefix: PREFIX, period, owner, ...extra });

  it('takes one lease per day of the period and releases them all', async () => {
    const held = await take(MONTH, 'run:monthly');
    expect(held.keys).to.have.length(31);
    expect(held.keys[0]).to.equal(`${PREFIX}leases/days/2025-03-01.json`);
    expect(held.keys[30]).to.equal(dayLeaseKey(PREFIX, parseDate('2025-03-31')));
    await held.release();
    const left: string[] = [];
    for await (const entry of store.listAll(`${PREFIX}leases/`)) left.push(entry.key);
    expect(left).to.deep.equal([]);
  });

  it('a run whose day another run holds waits for it (the Daily and Monthly at 01:00 on the 1st), then goes on', async () => {
    const monthly = await take(MONTH, 'run:monthly');
    const waited: string[] = [];
    const started = Date.now();
    const daily = acquireDayLeases({
      store,
      service: SERVICE,
      summaryPrefix: PREFIX,
      period: LAST_DAY,
      owner: 'run:daily',
      pollMs: 20,
      onWait: (day, holder) => waited.push(`${day} ${holder.owner}`),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await monthly.release();
    const held = await daily;
    expect(Date.now() - started).to.be.at.least(300);
    expect(waited).to.deep.equal(['2025-03-31 run:monthly']);
    await held.release();
  });

  it('gives up after the bounded wait with an exit-3 error naming the holder, keeping no day it had taken', async () => {
    const daily = await take(LAST_DAY, 'run:daily');
    const error = await take(MONTH, 'run:monthly', { waitMs: 200, pollMs: 20 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DayLeaseHeldError).and.instanceOf(LeaseHeldError);
    expect((error as Error).message).to.match(
      /^Parquet partition of 2025-03-31 is being replaced by another run \(Daily period ending 2025-03-31, owner run:daily, .*not released within 0 s; run again later, or if that run is dead: npx cdr-summary lease clear --frequency Daily --end 2025-03-31$/,
    );
    // Days 1..30 that the Monthly run had taken are free again.
    const left: string[] = [];
    for await (const entry of store.listAll(`${PREFIX}leases/days/`)) left.push(entry.key);
    expect(left).to.deep.equal([dayLeaseKey(PREFIX, parseDate('2025-03-31'))]);
    await daily.release();
  });

  it('the shards and finalize of one array job share their days (same owner)', async () => {
    const first = await take(LAST_DAY, 'batch:array-1');
    const again = await take(LAST_DAY, 'batch:array-1', { waitMs: 0 });
    await again.release();
    await first.release();
  });
});

describe('a lease whose holder died on this host is taken over at once', () => {
  let dir: string;
  let store: LocalStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-dead-holder-'));
    store = await LocalStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const take = (period: typeof MONTH, owner: string, extra: { waitMs?: number } = {}) =>
    acquireDayLeases({ store, service: SERVICE, summaryPrefix: PREFIX, period, owner, ...extra });

  const record = (owner: string, pid: number, host = os.hostname()): LeaseRecord =>
    dailyLeaseRecord('2025-03-31', { owner, pid, host });

  it('judges a per-process owner by its pid on this host only; a shared owner never', () => {
    const dead = deadPid();
    expect(holderIsDead(record('run:x', dead))).to.equal(true);
    expect(holderIsDead(record('run:x', process.pid))).to.equal(false);
    expect(holderIsDead(record('run:x', dead, 'another-host'))).to.equal(false);
    expect(holderIsDead(record('batch:job-1', dead))).to.equal(false);
  });

  it('an unexpired lease of a dead pid is taken over; of a live one it is refused', async () => {
    const key = leaseKey(PREFIX, LAST_DAY);
    const options = { store, service: SERVICE, summaryPrefix: PREFIX, period: LAST_DAY, owner: 'run:next' };
    await store.write(key, JSON.stringify(record('run:dead', deadPid())));
    const lease = await acquireLease(options);
    expect(lease.created).to.equal(true);
    expect(lease.record.owner).to.equal('run:next');
    await lease.release();
    await store.write(key, JSON.stringify(record('run:alive', process.ppid)));
    const refused = await acquireLease(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(LeaseHeldError);
  });

  it('lease clear removes the period lease and the day leases its run took; the day of another run is kept and named', async () => {
    const owner = 'batch:killed-job';
    // A Monthly Batch job killed mid-commit: its period lease and all 31 day leases stay behind.
    await acquireLease({ store, service: SERVICE, summaryPrefix: PREFIX, period: MONTH, owner });
    await take(MONTH, owner);
    // Meanwhile the last day's partition is held by a Daily run of 2025-03-31 (another period's run).
    await store.write(dayLeaseKey(PREFIX, parseDate('2025-03-31')), JSON.stringify(record('run:daily', process.ppid)));
    const printed: string[] = [];
    const out = new Writable({
      write(chunk, _encoding, done) {
        printed.push(String(chunk));
        done();
      },
    });
    const args = { source: dir, service: SERVICE, frequency: 'Monthly', end: '2025-03-31' } as const;
    await showLease(args, out);
    expect(printed.join('')).to.contain('day lease').and.contain('2025-03-01.json (Monthly period ending 2025-03-31');
    printed.length = 0;
    await clearLease(args, out);
    const text = printed.join('');
    expect(text.match(/^cleared lease /gm)).to.have.length(31); // the period lease + days 1..30
    expect(text).to.contain(
      `cleared lease ${dir}/${leaseKey(PREFIX, MONTH)} (Monthly period ending 2025-03-31, owner ${owner}`,
    );
    expect(text).to.match(
      /^kept day lease .*2025-03-31\.json of another run \(Daily period ending 2025-03-31, owner run:daily, .*\); if that run is dead: npx cdr-summary lease clear --source \S+ --service AmazonChimeVoiceConnector --frequency Daily --end 2025-03-31$/m,
    );
    const left: string[] = [];
    for await (const entry of store.listAll(`${PREFIX}leases/`)) left.push(entry.key);
    expect(left).to.deep.equal([dayLeaseKey(PREFIX, parseDate('2025-03-31'))]);
    // A new run of a week inside the month commits at once (no 30-minute wait for the dead job's days).
    const week = await take(periodEndingOn('Weekly', parseDate('2025-03-30')), 'run:weekly', { waitMs: 0 });
    expect(week.keys).to.have.length(7);
    await week.release();
  });
});
