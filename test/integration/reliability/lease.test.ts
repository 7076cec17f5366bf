import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDate, periodEndingOn } from '../../../job/core/period';
import {
  acquireLease,
  defaultLeaseOwner,
  LeaseHeldError,
  leaseKey,
  parseLeaseTtl,
  releaseLeaseOf,
} from '../../../job/pipeline/lease';
import { LocalStore } from '../../../job/store/local';
import type { ObjectStore } from '../../../job/store/object-store';
import { S3Store } from '../../../job/store/s3';
import { createS3Client } from '../../../job/store/s3-client';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy';
import { S3RVER_CREDENTIALS, type S3rver, startS3rver } from '../../support/s3rver';

const PREFIX = 'Amazon-Chime-Voice-Connector-Summary/';
const PERIOD = periodEndingOn('Daily', parseDate('2025-02-28'));
const KEY = `${PREFIX}leases/Daily-2025-02-28.json`;

function options(store: ObjectStore, owner: string, extra: { ttlMs?: number; now?: () => Date } = {}) {
  return { store, service: 'AmazonChimeVoiceConnector', summaryPrefix: PREFIX, period: PERIOD, owner, ...extra };
}

async function refusal(promise: Promise<unknown>): Promise<LeaseHeldError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(LeaseHeldError);
  return error as LeaseHeldError;
}

/** The lease contract, run against the local file system and S3 (s3rver behind the proxy that adds conditional writes). */
function leaseContract(name: string, open: () => Promise<ObjectStore>) {
  describe(`lease on ${name}`, () => {
    let store: ObjectStore;

    beforeEach(async () => {
      store = await open();
      await store.delete([KEY]);
    });

    afterEach(async () => {
      await store.close();
    });

    it('is one object per service/frequency/end date, holding owner, host, pid and expiry', async () => {
      expect(leaseKey(PREFIX, PERIOD)).to.equal(KEY);
      const lease = await acquireLease(options(store, 'run:a', { ttlMs: 60_000 }));
      const record = JSON.parse((await store.read(KEY)).toString('utf8'));
      expect(record).to.include({ owner: 'run:a', host: os.hostname(), pid: process.pid, frequency: 'Daily' });
      expect(Date.parse(record.expiresAt) - Date.parse(record.createdAt)).to.equal(60_000);
      expect(lease.created).to.equal(true);
      await lease.release();
      expect(await store.exists(KEY)).to.equal(false);
    });

    it('refuses a second owner while held; the same owner (a retried attempt, a shard) joins', async () => {
      const first = await acquireLease(options(store, 'run:a'));
      const error = await refusal(acquireLease(options(store, 'run:b')));
      expect(error.holder.owner).to.equal('run:a');
      expect(error.message).to.contain('locked by another run').and.contain('lease clear');
      const joined = await acquireLease(options(store, 'run:a'));
      expect(joined.created).to.equal(false);
      await first.release();
      const next = await acquireLease(options(store, 'run:b'));
      await next.release();
    });

    it('a late attempt of the same owner renews the lease before joining it', async () => {
      const old = await acquireLease(
        options(store, 'batch:j', { ttlMs: 10_000, now: () => new Date(Date.now() - 8000) }),
      );
      const renewed = await acquireLease(options(store, 'batch:j', { ttlMs: 10_000 }));
      expect(Date.parse(renewed.record.expiresAt)).to.be.greaterThan(Date.parse(old.record.expiresAt));
      expect(JSON.parse((await store.read(KEY)).toString('utf8')).expiresAt).to.equal(renewed.record.expiresAt);
      await renewed.release();
      expect(await store.exists(KEY)).to.equal(false);
    });

    it('of many concurrent takers exactly one wins', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => acquireLease(options(store, `run:${i}`))),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).to.have.length(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(LeaseHeldError);
    });

    it('an expired lease is taken over (once, by one of several takers); its old holder cannot release the new one', async () => {
      const old = await acquireLease(
        options(store, 'run:dead', { ttlMs: 1000, now: () => new Date(Date.now() - 5000) }),
      );
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) => acquireLease(options(store, `run:new${i}`))),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).to.have.length(1);
      await old.release(); // not its lease any more: must not delete it
      const holder = JSON.parse((await store.read(KEY)).toString('utf8'));
      expect(holder.owner).to.match(/^run:new\d$/);
      expect(await releaseLeaseOf(store, PREFIX, PERIOD, 'run:dead')).to.equal(false);
      expect(await releaseLeaseOf(store, PREFIX, PERIOD, holder.owner)).to.equal(true);
      expect(await store.exists(KEY)).to.equal(false);
    });

    it('an unreadable lease object counts as expired', async () => {
      await store.write(KEY, 'not json');
      const lease = await acquireLease(options(store, 'run:a'));
      expect(lease.created).to.equal(true);
      await lease.release();
    });
  });
}

describe('period lease', function () {
  this.timeout(60_000);
  let dir: string;
  let server: S3rver;
  let proxy: FaultProxy;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lease-'));
    server = await startS3rver();
    await server.createBucket('lease-bucket');
    proxy = await startFaultProxy({ target: server.endpoint, conditionalWrites: { client: server.client } });
  });

  after(async () => {
    await proxy?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('owner id: CDR_LEASE_OWNER, else the Batch job id without its array index, else random', () => {
    expect(defaultLeaseOwner({ CDR_LEASE_OWNER: 'x', AWS_BATCH_JOB_ID: 'j' })).to.equal('x');
    expect(defaultLeaseOwner({ AWS_BATCH_JOB_ID: 'abc-123:7' })).to.equal('batch:abc-123');
    expect(defaultLeaseOwner({ AWS_BATCH_JOB_ID: 'abc-123' })).to.equal('batch:abc-123');
    expect(defaultLeaseOwner({})).to.match(/^run:[0-9a-f-]{36}$/);
    expect(defaultLeaseOwner({})).to.not.equal(defaultLeaseOwner({}));
  });

  it('TTL syntax: 6h, 90m, 45s, 500ms, plain seconds', () => {
    expect(parseLeaseTtl('6h')).to.equal(21_600_000);
    expect(parseLeaseTtl('90m')).to.equal(5_400_000);
    expect(parseLeaseTtl('45s')).to.equal(45_000);
    expect(parseLeaseTtl('500ms')).to.equal(500);
    expect(parseLeaseTtl('3600')).to.equal(3_600_000);
    expect(() => parseLeaseTtl('soon')).to.throw(/invalid lease TTL/);
    expect(() => parseLeaseTtl('0')).to.throw(/positive/);
  });

  leaseContract('the local file system', () => LocalStore.open(dir));
  leaseContract('S3 (s3rver behind a proxy emulating If-None-Match / If-Match)', async () => {
    const client = createS3Client({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });
    const store = await S3Store.open('lease-bucket', '', { client });
    const close = store.close.bind(store);
    return Object.assign(store, {
      close: async () => {
        await close();
        client.destroy();
      },
    });
  });

  it('s3rver itself ignores If-None-Match on PUT (why S3 lease tests go through the proxy)', async () => {
    const store = await S3Store.open('lease-bucket', '', { client: server.client });
    await store.delete(['plain']);
    expect(await store.createExclusive('plain', 'one')).to.equal(true);
    // Real S3 answers 412 PreconditionFailed here; s3rver overwrites.
    expect(await store.createExclusive('plain', 'two')).to.equal(true);
    expect((await store.read('plain')).toString()).to.equal('two');
  });
});
