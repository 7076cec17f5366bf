import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDate } from '../../../job/core/period';
import { generateCorpus } from '../../../job/generate/corpus';
import type { Manifest } from '../../../job/sinks/manifest';
import { LocalStore } from '../../../job/store/local';
import type { ObjectStore } from '../../../job/store/object-store';
import { S3Store } from '../../../job/store/s3';
import { runCli, startCli } from '../../support/cli';
import { duckdbQuery } from '../../support/duckdb';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy';
import { listKeys } from '../../support/outputs';
import { type S3rver, startS3rver } from '../../support/s3rver';

const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const CDRS = 'Amazon-Chime-Voice-Connector-CDRs/json/';
const MONTHLY = ['--frequency', 'Monthly', '--end', '2025-03-31'];
const DAILY = ['--frequency', 'Daily', '--end', '2025-03-30'];
const MONTHLY_MANIFEST = `${SUMMARY}csv/Monthly/2025/03/31/manifest.json`;
const DAILY_MANIFEST = `${SUMMARY}csv/Daily/2025/03/30/manifest.json`;
const DAY_30 = `${SUMMARY}parquet/year=2025/month=03/day=30/`;

async function readManifest(store: ObjectStore, key: string): Promise<Manifest> {
  return JSON.parse((await store.read(key)).toString('utf8')) as Manifest;
}

/** Calls per start day in a dest's Parquet dataset (DuckDB over copies of the files), and distinct ids. */
async function datasetCounts(store: ObjectStore, root: string, scratch: string) {
  const files: string[] = [];
  for (const key of await listKeys(store, `${root}${SUMMARY}parquet/`)) {
    const file = path.join(scratch, key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, await store.read(key));
    files.push(file);
  }
  if (files.length === 0) return { total: 0, distinct: 0, byDay: {} as Record<string, number> };
  const list = `[${files.map((f) => `'${f}'`).join(',')}]`;
  const [all] = await duckdbQuery(
    `select count(*)::integer as total, count(distinct TransactionId)::integer as ids from read_parquet(${list})`,
  );
  const days = await duckdbQuery(
    `select strftime(StartTime, '%Y-%m-%d') as day, count(*)::integer as n from read_parquet(${list}) group by 1 order by 1`,
  );
  return {
    total: Number(all?.total),
    distinct: Number(all?.ids),
    byDay: Object.fromEntries(days.map((d) => [String(d.day), Number(d.n)])),
  };
}

interface Backend {
  readonly name: string;
  setup(): Promise<{
    store: ObjectStore;
    open: (sub: string) => Promise<ObjectStore>;
    uri: (sub: string) => string;
    env: Record<string, string>;
  }>;
  teardown(): Promise<void>;
}

const backends: Backend[] = [];
{
  let dir = '';
  backends.push({
    name: 'the local file system',
    async setup() {
      dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-overlap-'));
      return {
        store: await LocalStore.open(dir),
        open: (sub) => LocalStore.open(path.join(dir, sub), { create: true }),
        uri: (sub) => path.join(dir, sub),
        env: {},
      };
    },
    teardown: () => rm(dir, { recursive: true, force: true }),
  });
}
{
  let server: S3rver | undefined;
  let proxy: FaultProxy | undefined;
  backends.push({
    name: 'S3 (s3rver behind a proxy emulating conditional writes)',
    async setup() {
      server = await startS3rver();
      await server.createBucket('overlap');
      const { client } = server;
      // The runs' leases need If-None-Match / If-Match, which s3rver ignores; the proxy adds them.
      proxy = await startFaultProxy({ target: server.endpoint, conditionalWrites: { client } });
      return {
        store: await S3Store.open('overlap', '', { client }),
        open: (sub) => S3Store.open('overlap', sub, { client }),
        uri: (sub) => `s3://overlap${sub ? `/${sub}` : ''}`,
        env: { ...server.env, AWS_ENDPOINT_URL_S3: proxy.endpoint },
      };
    },
    teardown: async () => {
      await proxy?.stop();
      await server?.stop();
    },
  });
}

for (const backend of backends) {
  describe(`overlapping runs and partitions that hold rows, on ${backend.name}`, function () {
    this.timeout(300_000);
    let store: ObjectStore;
    let uri: (sub: string) => string;
    let env: Record<string, string>;
    let scratch: string;
    let prices: string;

    const run = (dest: string, period: readonly string[], extra: readonly string[] = [], more = {}) =>
      runCli(['run', '--source', uri('src'), '--dest', uri(dest), '--prices', prices, ...period, '--quiet', ...extra], {
        ...env,
        ...more,
      });

    before(async () => {
      let open: (sub: string) => Promise<ObjectStore>;
      ({ store, open, uri, env } = await backend.setup());
      scratch = await mkdtemp(path.join(os.tmpdir(), 'cdr-overlap-read-'));
      const source = await open('src');
      const generated = await generateCorpus({
        store: source,
        service: 'AmazonChimeVoiceConnector',
        calls: 400,
        days: 4,
        connectors: 2,
        seed: 23,
        end: parseDate('2025-03-31'),
      });
      prices = uri(`src/${generated.pricesKey}`);
    });

    after(async () => {
      await rm(scratch, { recursive: true, force: true });
      await backend.teardown();
    });

    it('a sharded Monthly run and a Daily run of one of its days, interleaved: every call once, every listed file exists', async () => {
      const owner = { CDR_LEASE_OWNER: 'batch:monthly-array-1' };
      for (let i = 0; i < 2; i++) {
        const shard = await run('interleaved', MONTHLY, [], {
          ...owner,
          AWS_BATCH_JOB_ARRAY_SIZE: '2',
          AWS_BATCH_JOB_ARRAY_INDEX: String(i),
        });
        expect(shard.code, shard.stderr).to.equal(0);
      }
      // A Daily run of the 30th (another stack, or a manual re-run) completes between the shards and finalize.
      const daily = await run('interleaved', DAILY);
      expect(daily.code, daily.stderr).to.equal(0);
      const dailyManifest = await readManifest(store, `interleaved/${DAILY_MANIFEST}`);
      const day30 = await listKeys(store, `interleaved/${DAY_30}`);
      expect(dailyManifest.parquetKeys.map((k) => `interleaved/${k}`)).to.deep.equal(day30);

      const finalize = await runCli(
        ['finalize', '--dest', uri('interleaved'), ...MONTHLY, '--shards', '2', '--quiet'],
        {
          ...env,
          ...owner,
        },
      );
      expect(finalize.code, finalize.stderr).to.equal(0);
      const monthly = await readManifest(store, `interleaved/${MONTHLY_MANIFEST}`);
      // The Monthly manifest names exactly the files of the dataset: none missing, none extra.
      expect(await listKeys(store, `interleaved/${SUMMARY}parquet/`)).to.deep.equal(
        monthly.parquetKeys.map((k) => `interleaved/${k}`).sort(),
      );
      const calls = monthly.recordsRated + monthly.recordsUnrated;
      const counts = await datasetCounts(store, 'interleaved/', path.join(scratch, `interleaved-${backend.name}`));
      expect(counts.total).to.equal(calls);
      expect(counts.distinct).to.equal(calls);
      expect(counts.byDay['2025-03-30']).to.equal(dailyManifest.recordsRated + dailyManifest.recordsUnrated);
      // Nothing left staged, no lease left behind.
      expect(await listKeys(store, `interleaved/${SUMMARY}staging/`)).to.deep.equal([]);
      expect(await listKeys(store, `interleaved/${SUMMARY}leases/`)).to.deep.equal([]);
    });

    it('finalize verifies the shards’ files: one missing fails it (exit 1, one line) and nothing is replaced', async () => {
      const owner = { CDR_LEASE_OWNER: 'batch:monthly-array-2' };
      for (let i = 0; i < 2; i++) {
        const shard = await run('verified', MONTHLY, [], {
          ...owner,
          AWS_BATCH_JOB_ARRAY_SIZE: '2',
          AWS_BATCH_JOB_ARRAY_INDEX: String(i),
        });
        expect(shard.code, shard.stderr).to.equal(0);
      }
      const partial = JSON.parse(
        (await store.read(`verified/${SUMMARY}partials/Monthly/2025/03/31/shard-1-of-2.json`)).toString('utf8'),
      ) as { parquetKeys: string[] };
      const lost = partial.parquetKeys[0] as string;
      await store.delete([`verified/${lost}`]);
      const finalize = await runCli(['finalize', '--dest', uri('verified'), ...MONTHLY, '--shards', '2', '--quiet'], {
        ...env,
        ...owner,
      });
      expect(finalize.code, finalize.stderr).to.equal(1);
      expect(finalize.stderr.trim().split('\n').pop()).to.equal(
        `cdr-summary: shard 2 of 2: 1 of its Parquet files are missing (e.g. ${lost}); run the shards again`,
      );
      expect(await store.exists(`verified/${MONTHLY_MANIFEST}`)).to.equal(false);
      expect(await listKeys(store, `verified/${SUMMARY}parquet/`)).to.deep.equal([]);
    });

    it('a Daily and a Monthly run started together both complete; the dataset holds every call once', async () => {
      const args = (period: readonly string[]) => [
        'run',
        '--source',
        uri('src'),
        '--dest',
        uri('together'),
        '--prices',
        prices,
        ...period,
        '--quiet',
      ];
      const [monthly, daily] = await Promise.all([
        startCli(args(MONTHLY), env).result,
        startCli(args(DAILY), env).result,
      ]);
      expect(monthly.code, monthly.stderr).to.equal(0);
      expect(daily.code, daily.stderr).to.equal(0);
      const m = await readManifest(store, `together/${MONTHLY_MANIFEST}`);
      const counts = await datasetCounts(store, 'together/', path.join(scratch, `together-${backend.name}`));
      expect(counts.total).to.equal(m.recordsRated + m.recordsUnrated);
      expect(counts.distinct).to.equal(counts.total);
      // Whichever committed last, its manifest names exactly the files of the days it covers.
      const keys = await listKeys(store, `together/${SUMMARY}parquet/`);
      const d = await readManifest(store, `together/${DAILY_MANIFEST}`);
      const latest = Date.parse(m.finishedAt) > Date.parse(d.finishedAt) ? m : d;
      for (const key of latest.parquetKeys) expect(keys).to.include(`together/${key}`);
      expect(await listKeys(store, `together/${SUMMARY}leases/`)).to.deep.equal([]);
    });

    it('a partition holding rows is not emptied by a run that finds no calls on its day (CDRs expired) unless --allow-empty', async () => {
      const first = await run('expiry', MONTHLY);
      expect(first.code, first.stderr).to.equal(0);
      const earlier = await readManifest(store, `expiry/${MONTHLY_MANIFEST}`);
      const csvBefore = await store.read(`expiry/${earlier.csvKey}`);
      const day28 = `expiry/${SUMMARY}parquet/year=2025/month=03/day=28/`;
      const filesBefore = await listKeys(store, day28);
      expect(filesBefore).to.not.deep.equal([]);

      // The CDRs of the 28th expire (lifecycle rule): its folders go, and the 29th's (where some of its calls sit).
      const moved: [string, Buffer][] = [];
      for (const connector of (await store.listFolder(`src/${CDRS}`)).folders) {
        for (const day of ['28', '29']) {
          for (const key of await listKeys(store, `${connector}2025/03/${day}/`)) {
            moved.push([key, await store.read(key)]);
          }
        }
      }
      await store.delete(moved.map(([key]) => key));
      try {
        const refused = await run('expiry', MONTHLY);
        expect(refused.code, refused.stderr).to.equal(2);
        const line = refused.stderr.trim().split('\n').pop() ?? '';
        expect(line).to.match(
          /^cdr-summary: refusing to empty \d+ Parquet day partitions? that holds? rows: 2025-03-28 \(\d+ files?\)/,
        );
        expect(line).to.contain('--allow-empty');
        // Nothing replaced: the partition, the report and its manifest are what the first run left.
        expect(await listKeys(store, day28)).to.deep.equal(filesBefore);
        expect(await readManifest(store, `expiry/${MONTHLY_MANIFEST}`)).to.deep.equal(earlier);
        expect((await store.read(`expiry/${earlier.csvKey}`)).equals(csvBefore)).to.equal(true);
        expect(await listKeys(store, `expiry/${SUMMARY}staging/`)).to.deep.equal([]);
        expect(await listKeys(store, `expiry/${SUMMARY}leases/`)).to.deep.equal([]);

        const allowed = await run('expiry', MONTHLY, ['--allow-empty']);
        expect(allowed.code, allowed.stderr).to.equal(0);
        expect(await listKeys(store, day28)).to.deep.equal([]);
        const after = await readManifest(store, `expiry/${MONTHLY_MANIFEST}`);
        expect(after.recordsRated + after.recordsUnrated).to.be.lessThan(earlier.recordsRated + earlier.recordsUnrated);
      } finally {
        for (const [key, body] of moved) await store.write(key, body);
      }
    });
  });
}
