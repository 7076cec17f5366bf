import { expect } from 'chai';
import type { Manifest } from '../../../job/sinks/manifest';
import { S3Store } from '../../../job/store/s3';
import { createS3Client } from '../../../job/store/s3-client';
import { EXPECTED, writeCorpus, writePrices } from '../../fixtures/corpus';
import { runCli } from '../../support/cli';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy';
import { manifestWithoutClock } from '../../support/outputs';
import { S3RVER_CREDENTIALS, type S3rver, startS3rver } from '../../support/s3rver';

const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const FOLDERS = { daily: 'Daily/2025/02/28', weekly: 'Weekly/2025/03/02' } as const;
/** Periods run clean and through the faults (Weekly covers every call of the corpus). */
const PERIODS = ['weekly'] as const;

/** The manifest without what legitimately differs between two runs (clock readings). */
/** The `run statistics` log line of a run (pino JSON on stderr). */
function statistics(stderr: string): Record<string, unknown> & { retries: Record<string, number> } {
  const line = stderr.split('\n').find((l) => l.includes('"msg":"run statistics"'));
  if (!line) throw new Error(`no run statistics in:\n${stderr}`);
  return JSON.parse(line);
}

interface Outputs {
  manifest: Manifest;
  csv: Buffer;
  rejects: Buffer;
  bytesIn?: number;
}

describe('S3 faults: a run through a fault-injecting proxy', function () {
  this.timeout(120_000);
  let server: S3rver;
  let store: S3Store;
  const clean: Partial<Record<keyof typeof FOLDERS, Outputs>> = {};

  before(async () => {
    server = await startS3rver();
    await server.createBucket('cdr-bucket');
    store = await S3Store.open('cdr-bucket', '', { client: server.client });
    await writeCorpus(store);
    await writePrices(store, 'prices/');
  });

  after(async () => {
    await store?.close();
    await server?.stop();
  });

  /** Each run writes under its own folder: an empty destination, so no run reads another's outputs (history). */
  async function outputs(name: keyof typeof FOLDERS, label: string): Promise<Outputs> {
    const root = `runs/${label}/`;
    const manifest = JSON.parse(
      (await store.read(`${root}${SUMMARY}csv/${FOLDERS[name]}/manifest.json`)).toString('utf8'),
    ) as Manifest;
    return {
      manifest,
      csv: await store.read(`${root}${manifest.csvKey}`),
      rejects: await store.read(`${root}${manifest.rejectsKey}`),
    };
  }

  function run(name: keyof typeof FOLDERS, label: string, env: Record<string, string>, extra: string[] = []) {
    return runCli(
      [
        'run',
        '--source',
        's3://cdr-bucket',
        '--dest',
        `s3://cdr-bucket/runs/${label}/`,
        '--prices',
        's3://cdr-bucket/prices/',
        ...EXPECTED[name].args,
        ...extra,
      ],
      { ...server.env, ...env },
    );
  }

  for (const name of PERIODS) {
    it(`${name}: clean run (reference)`, async () => {
      const result = await run(name, `${name}-clean`, {}, ['--workers', '0']);
      expect(result.code, result.stderr).to.equal(0);
      clean[name] = { ...(await outputs(name, `${name}-clean`)), bytesIn: statistics(result.stderr).bytesIn as number };
      expect(clean[name]?.manifest.totalCost).to.equal(EXPECTED[name].totalCost);
    });

    it(`${name}: 15 % 503 SlowDown and 3 % dropped GETs give byte-identical outputs, retries logged by kind`, async () => {
      const reference = clean[name] as Outputs;
      let proxy: FaultProxy | undefined;
      try {
        proxy = await startFaultProxy({
          target: server.endpoint,
          seed: 12,
          slowDown: 0.15,
          dropGet: 0.03,
          latencyMs: [0, 3],
        });
        // The default retry policy, as in production; CDRs read on worker threads (their counters are
        // forwarded to the run's statistics: the same bytes as the in-process clean run).
        const result = await run(name, `${name}-faults`, { AWS_ENDPOINT_URL_S3: proxy.endpoint }, ['--workers', '2']);
        expect(result.code, result.stderr).to.equal(0);
        const stats = statistics(result.stderr);
        const faulty = await outputs(name, `${name}-faults`);
        expect(faulty.csv.equals(reference.csv), 'CSV bytes').to.equal(true);
        expect(faulty.rejects.equals(reference.rejects), 'rejects bytes').to.equal(true);
        expect(manifestWithoutClock(faulty.manifest)).to.deep.equal(manifestWithoutClock(reference.manifest));
        // The faults happened, and the run saw (at least the main thread's share of) them.
        expect(proxy.counts.slowDowns).to.be.greaterThan(0);
        expect(stats.outcome).to.equal('completed');
        expect(stats.retries.throttle).to.be.greaterThan(0);
        expect(stats.requests).to.be.a('number').greaterThan(0);
        expect(stats.bytesIn, 'bytes read, every thread').to.equal(reference.bytesIn);
        expect(stats.bytesOut).to.be.a('number').greaterThan(0);
        for (const field of [
          'objectsRead',
          'recordsRated',
          'recordsUnrated',
          'recordsRejected',
          'durationMs',
          'period',
        ])
          expect(stats, field).to.have.property(field);
      } finally {
        await proxy?.stop();
      }
    });
  }

  it('retries GETs dropped before the response and midway through the body (every GET faulty at first)', async () => {
    // Half of all GETs dropped (some midway through the body, after the SDK's own retry layer): reads
    // still return the exact bytes.
    const proxy = await startFaultProxy({ target: server.endpoint, seed: 3, dropGet: 0.5, dropMidBody: 0.6 });
    const client = createS3Client({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
      retry: { baseMs: 1, throttleBaseMs: 1 },
    });
    const viaProxy = await S3Store.open('cdr-bucket', '', { client });
    try {
      const keys: string[] = [];
      for await (const entry of store.listAll('Amazon-Chime-Voice-Connector-CDRs/')) keys.push(entry.key);
      for (const key of keys) {
        expect((await viaProxy.read(key)).equals(await store.read(key)), key).to.equal(true);
        const capped = await viaProxy.readCapped(key, 1 << 20);
        expect(capped?.equals(await store.read(key)), key).to.equal(true);
      }
      const big = Buffer.alloc(3 * 1024 * 1024, 'x');
      await store.write('big/object', big);
      const chunks: Buffer[] = [];
      for await (const chunk of await viaProxy.readStream('big/object')) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(big)).to.equal(true);
      const stats = viaProxy.stats();
      expect(proxy.counts.dropsMidBody).to.be.greaterThan(0);
      expect(proxy.counts.dropsBeforeResponse).to.be.greaterThan(0);
      expect(stats.retries.network).to.be.greaterThan(0);
    } finally {
      await viaProxy.close();
      client.destroy();
      await proxy.stop();
    }
  });

  it('--max-reject-ratio: more rejects than allowed fail the run (exit 1) after writing rejects and manifest', async () => {
    // Daily: 4 of 14 objects rejected (0.29).
    const result = await run('daily', 'ratio', {}, ['--max-reject-ratio', '0.25']);
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr.trim().split('\n').pop()).to.equal(
      `cdr-summary: 4 of 14 objects rejected (28.6 %), more than --max-reject-ratio 0.25; see ${SUMMARY}rejects/Daily/2025/02/28/rejects.jsonl`,
    );
    expect(
      (await store.read(`runs/ratio/${SUMMARY}rejects/Daily/2025/02/28/rejects.jsonl`)).toString('utf8').split('\n'),
    ).to.have.length(5);
    const bad = await run('daily', 'ratio', {}, ['--max-reject-ratio', '1.5']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr.trim()).to.equal('cdr-summary: --max-reject-ratio must be a number from 0 to 1');
  });

  it('an object that still cannot be read after the retries fails the run (exit 1), never a reject', async () => {
    const proxy = await startFaultProxy({ target: server.endpoint, unreadable: /_c05(\?|$)/ });
    try {
      const result = await run('daily', 'unreadable', { AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_MAX_ATTEMPTS: '3' }, [
        '--workers',
        '0',
      ]);
      expect(result.code, result.stderr).to.equal(1);
      const failed = statistics(result.stderr);
      expect(failed.outcome).to.equal('failed');
      expect(failed.retries.network, 'retries of the dropped GETs, logged').to.be.at.least(2);
      const lastLine = result.stderr.trim().split('\n').pop() ?? '';
      expect(lastLine).to.match(/^cdr-summary: cannot read s3:\/\/cdr-bucket\/.*_c05 /);
      expect(await store.exists(`runs/unreadable/${SUMMARY}csv/${FOLDERS.daily}/manifest.json`)).to.equal(false);
      // What it had staged is gone too.
      const staged: string[] = [];
      for await (const entry of store.listAll(`runs/unreadable/${SUMMARY}staging/`)) staged.push(entry.key);
      expect(staged).to.deep.equal([]);
      // The lease was released on failure: a clean run goes ahead at once.
      const again = await run('daily', 'unreadable', {});
      expect(again.code, again.stderr).to.equal(0);
      expect((await outputs('daily', 'unreadable')).rejects.toString('utf8')).to.not.contain('c05');
    } finally {
      await proxy.stop();
    }
  });
});
