import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDate } from '../../job/core/period';
import { generateCorpus } from '../../job/generate/corpus';
import type { Manifest } from '../../job/sinks/manifest';
import { LocalStore } from '../../job/store/local';
import type { ObjectStore } from '../../job/store/object-store';
import { S3Store } from '../../job/store/s3';
import { runCli } from '../support/cli';
import { listKeys, manifestAcrossLayouts, parquetCalls } from '../support/outputs';
import { type S3rver, startS3rver } from '../support/s3rver';

const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const PERIOD = ['--frequency', 'Weekly', '--end', '2025-03-04'];
const REPORT = `${SUMMARY}csv/Weekly/2025/03/04/`;
const REJECTS = `${SUMMARY}rejects/Weekly/2025/03/04/rejects.jsonl`;
/** What the shards and finalize of one Batch array job share (the scheduler sets it for finalize). */
const OWNER = 'batch:array-job-1';

interface Backend {
  readonly name: string;
  setup(): Promise<{ store: ObjectStore; uri: (sub: string) => string; env: Record<string, string> }>;
  teardown(): Promise<void>;
}

const backends: Backend[] = [];
{
  let dir = '';
  backends.push({
    name: 'local file system',
    async setup() {
      dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-shards-'));
      return { store: await LocalStore.open(dir), uri: (sub) => path.join(dir, sub), env: {} };
    },
    teardown: () => rm(dir, { recursive: true, force: true }),
  });
}
{
  let server: S3rver | undefined;
  backends.push({
    name: 'S3 (s3rver)',
    async setup() {
      server = await startS3rver();
      await server.createBucket('shard-bucket');
      const store = await S3Store.open('shard-bucket', '', { client: server.client });
      return { store, uri: (sub) => `s3://shard-bucket${sub ? `/${sub}` : ''}`, env: server.env };
    },
    teardown: async () => server?.stop(),
  });
}

for (const backend of backends) {
  describe(`sharded run (3 shards + finalize) on ${backend.name}`, function () {
    this.timeout(300_000);
    let store: ObjectStore;
    let uri: (sub: string) => string;
    let env: Record<string, string>;
    let scratch: string;
    let prices: string;

    before(async () => {
      ({ store, uri, env } = await backend.setup());
      scratch = await mkdtemp(path.join(os.tmpdir(), 'cdr-shards-read-'));
      const generated = await generateCorpus({
        store,
        service: 'AmazonChimeVoiceConnector',
        calls: 900,
        days: 7,
        connectors: 3,
        seed: 11,
        end: parseDate('2025-03-04'),
        unknownUsageTypeRatio: 0.02,
      });
      prices = uri(generated.pricesKey);
      // Two unusable objects, so the rejects are merged too.
      await store.write('Amazon-Chime-Voice-Connector-CDRs/json/zz-connector/2025/03/01/00.00.00.000_bad', '{"trunc');
      await store.write('Amazon-Chime-Voice-Connector-CDRs/json/zz-connector/2025/02/27/00.00.00.000_empty', '');
    });

    after(async () => {
      await rm(scratch, { recursive: true, force: true });
      await backend.teardown();
    });

    it('equals the single-process run: same CSV and rejects bytes, same manifest figures, same Parquet rows', async () => {
      const single = await runCli(
        ['run', '--source', uri(''), '--dest', uri('single'), '--prices', prices, ...PERIOD, '--quiet'],
        env,
      );
      expect(single.code, single.stderr).to.equal(0);
      for (let i = 0; i < 3; i++) {
        const shard = await runCli(
          ['run', '--source', uri(''), '--dest', uri('sharded'), '--prices', prices, ...PERIOD, '--quiet'],
          { ...env, AWS_BATCH_JOB_ARRAY_SIZE: '3', AWS_BATCH_JOB_ARRAY_INDEX: String(i), CDR_LEASE_OWNER: OWNER },
        );
        expect(shard.code, shard.stderr).to.equal(0);
      }
      // The shards of one array job share the period's lease and leave it for finalize.
      expect(await listKeys(store, `sharded/${SUMMARY}leases/`)).to.have.length(1);
      // Before finalize there is no manifest: the period is not complete.
      expect(await store.exists(`sharded/${REPORT}manifest.json`)).to.equal(false);
      const finalize = await runCli(['finalize', '--dest', uri('sharded'), ...PERIOD, '--shards', '3', '--quiet'], {
        ...env,
        CDR_LEASE_OWNER: OWNER,
      });
      expect(finalize.code, finalize.stderr).to.equal(0);
      expect(await listKeys(store, `sharded/${SUMMARY}leases/`)).to.deep.equal([]);

      const one = JSON.parse((await store.read(`single/${REPORT}manifest.json`)).toString()) as Manifest;
      const three = JSON.parse((await store.read(`sharded/${REPORT}manifest.json`)).toString()) as Manifest;
      expect(three.shards).to.equal(3);
      expect(manifestAcrossLayouts(three)).to.deep.equal(manifestAcrossLayouts(one));
      expect(one.recordsRejected).to.equal(2);
      expect(one.recordsUnrated).to.be.greaterThan(0);

      const csvOne = await store.read(`single/${one.csvKey}`);
      const csvThree = await store.read(`sharded/${three.csvKey}`);
      expect(csvThree.equals(csvOne)).to.equal(true);
      expect((await store.read(`sharded/${REJECTS}`)).equals(await store.read(`single/${REJECTS}`))).to.equal(true);

      const rowsOne = await parquetCalls(store, 'single/', path.join(scratch, 'one'));
      const rowsThree = await parquetCalls(store, 'sharded/', path.join(scratch, 'three'));
      expect(rowsOne).to.have.length(one.recordsRated + one.recordsUnrated);
      expect(rowsThree).to.deep.equal(rowsOne);
      // The cost aggregates merged from the shards are byte for byte the single run's, and add up to its total.
      for (const key of [one.aggregatesKey, one.hourlyAggregatesKey]) {
        expect((await store.read(`sharded/${key}`)).equals(await store.read(`single/${key}`)), key).to.equal(true);
      }
      expect(three.costByConnector).to.deep.equal(one.costByConnector);
      expect(await store.exists(`sharded/${three.dashboardKey}`)).to.equal(true);
      // The partial outputs are gone once merged.
      expect(await listKeys(store, `sharded/${SUMMARY}partials/`)).to.deep.equal([]);
      // Staged files are gone once committed, and on a local disk so are the runs' staging folders.
      for (const dest of ['single', 'sharded']) {
        expect(await listKeys(store, `${dest}/${SUMMARY}staging/`)).to.deep.equal([]);
        const staging = uri(`${dest}/${SUMMARY}staging`);
        if (!staging.startsWith('s3://')) expect(await readdir(staging), staging).to.deep.equal([]);
      }
    });

    it('worker threads write the same CSV and Parquet rows as the in-process run', async () => {
      const result = await runCli(
        [
          'run',
          '--source',
          uri(''),
          '--dest',
          uri('workers'),
          '--prices',
          prices,
          ...PERIOD,
          '--quiet',
          '--workers',
          '2',
        ],
        env,
      );
      expect(result.code, result.stderr).to.equal(0);
      const one = JSON.parse((await store.read(`single/${REPORT}manifest.json`)).toString()) as Manifest;
      const two = JSON.parse((await store.read(`workers/${REPORT}manifest.json`)).toString()) as Manifest;
      expect(manifestAcrossLayouts(two)).to.deep.equal(manifestAcrossLayouts(one));
      expect((await store.read(`workers/${two.csvKey}`)).equals(await store.read(`single/${one.csvKey}`))).to.equal(
        true,
      );
      for (const key of [one.aggregatesKey, one.hourlyAggregatesKey]) {
        expect((await store.read(`workers/${key}`)).equals(await store.read(`single/${key}`)), key).to.equal(true);
      }
      expect(await parquetCalls(store, 'workers/', path.join(scratch, 'workers'))).to.deep.equal(
        await parquetCalls(store, 'single/', path.join(scratch, 'one-again')),
      );
    });

    it('finalize refuses to merge while a shard is missing, with one line and exit 1', async () => {
      const shard = await runCli(
        ['run', '--source', uri(''), '--dest', uri('partial'), '--prices', prices, ...PERIOD, '--quiet'],
        { ...env, AWS_BATCH_JOB_ARRAY_SIZE: '2', AWS_BATCH_JOB_ARRAY_INDEX: '0' },
      );
      expect(shard.code, shard.stderr).to.equal(0);
      const finalize = await runCli(['finalize', '--dest', uri('partial'), ...PERIOD, '--shards', '2'], env);
      expect(finalize.code).to.equal(1);
      expect(finalize.stderr.trim()).to.match(/^cdr-summary: shard 2 of 2 has not completed/);
      expect(await store.exists(`partial/${REPORT}manifest.json`)).to.equal(false);
    });
  });
}
