import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Manifest } from '../../job/sinks/manifest';
import { LocalStore } from '../../job/store/local';
import type { ObjectStore } from '../../job/store/object-store';
import { S3Store } from '../../job/store/s3';
import { CALLS, EXPECTED, STALE_PARQUET, STALE_REPORT, writeCorpus, writePrices } from '../fixtures/corpus';
import { runCli } from '../support/cli';
import { duckdbQuery } from '../support/duckdb';
import { listKeys } from '../support/outputs';
import { type S3rver, startS3rver } from '../support/s3rver';

const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';

interface Backend {
  readonly name: string;
  setup(): Promise<{ store: ObjectStore; source: string; prices: string; env: Record<string, string> }>;
  teardown(): Promise<void>;
}

/** Copies objects to a local folder so DuckDB can read them (it cannot reach our S3 without httpfs). */
async function localCopy(store: ObjectStore, keys: readonly string[], dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const key of keys) {
    const file = path.join(dir, key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, await store.read(key));
    files.push(file);
  }
  return files;
}

function sqlList(files: readonly string[]): string {
  return `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;
}

const backends: Backend[] = [];
{
  let dir = '';
  backends.push({
    name: 'local file system',
    async setup() {
      dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-e2e-'));
      const store = await LocalStore.open(dir);
      return { store, source: dir, prices: path.join(dir, 'prices'), env: {} };
    },
    async teardown() {
      await rm(dir, { recursive: true, force: true });
    },
  });
}
{
  let server: S3rver | undefined;
  backends.push({
    name: 'S3 (s3rver)',
    async setup() {
      server = await startS3rver();
      await server.createBucket('cdr-bucket');
      const store = await S3Store.open('cdr-bucket', '', { client: server.client });
      return { store, source: 's3://cdr-bucket', prices: 's3://cdr-bucket/prices/', env: server.env };
    },
    async teardown() {
      await server?.stop();
    },
  });
}

for (const backend of backends) {
  describe(`summary job end to end on ${backend.name}`, function () {
    this.timeout(180_000);
    let store: ObjectStore;
    let source: string;
    let prices: string;
    let env: Record<string, string>;
    let scratch: string;
    const manifests: Record<string, Manifest> = {};
    const csvBytes: Record<string, Buffer> = {};

    before(async () => {
      ({ store, source, prices, env } = await backend.setup());
      scratch = await mkdtemp(path.join(os.tmpdir(), 'cdr-e2e-read-'));
      await writeCorpus(store);
      await writePrices(store, 'prices/');
    });

    after(async () => {
      await rm(scratch, { recursive: true, force: true });
      await backend.teardown();
    });

    async function run(name: keyof typeof EXPECTED): Promise<Manifest> {
      const result = await runCli(['run', '--source', source, '--prices', prices, ...EXPECTED[name].args], env);
      expect(result.stderr.split('\n').filter((l) => l.includes('"level":"error"'))).to.deep.equal([]);
      expect(result.code, result.stderr).to.equal(0);
      const folders = { daily: 'Daily/2025/02/28', weekly: 'Weekly/2025/03/02', monthly: 'Monthly/2025/02/28' };
      const folder = folders[name];
      const manifest = JSON.parse((await store.read(`${SUMMARY}csv/${folder}/manifest.json`)).toString()) as Manifest;
      expect(result.stdout).to.contain(manifest.totalCost);
      return manifest;
    }

    async function csvRows(manifest: Manifest): Promise<Record<string, unknown>[]> {
      const [file] = await localCopy(store, [manifest.csvKey], path.join(scratch, `csv-${Date.now()}`));
      return duckdbQuery(
        `select * from read_csv('${file}', header = true, all_varchar = true, quote = '"', escape = '"', new_line = '\\r\\n')`,
      );
    }

    for (const name of ['daily', 'weekly', 'monthly'] as const) {
      it(`${name}: counts reconcile and match the hand-worked figures`, async () => {
        const manifest = await run(name);
        manifests[name] = manifest;
        const want = EXPECTED[name];
        expect({
          objectsRead: manifest.objectsRead,
          rated: manifest.recordsRated,
          unrated: manifest.recordsUnrated,
          rejected: manifest.recordsRejected,
          outside: manifest.objectsOutsidePeriod,
          totalCost: manifest.totalCost,
        }).to.deep.equal({
          objectsRead: want.objectsRead,
          rated: want.rated,
          unrated: want.unrated,
          rejected: want.rejected,
          outside: want.outside,
          totalCost: want.totalCost,
        });
        expect(manifest.objectsRead).to.equal(
          manifest.recordsRated + manifest.recordsUnrated + manifest.recordsRejected + manifest.objectsOutsidePeriod,
        );
        csvBytes[name] = await store.read(manifest.csvKey);
      });

      it(`${name}: every call's cost in the CSV is exact, columns fixed, text quoted`, async () => {
        const manifest = manifests[name] as Manifest;
        const rows = await csvRows(manifest);
        expect(rows.map((r) => r.TransactionId).sort()).to.deep.equal([...EXPECTED[name].calls]);
        for (const row of rows) {
          const call = CALLS.find((c) => c.id === row.TransactionId);
          if (!call) throw new Error(`unexpected call ${String(row.TransactionId)}`);
          if (call.expect.startsWith('UNRATED')) {
            expect(row.RatingStatus, call.id).to.equal(call.expect);
            expect(row.Cost, call.id).to.equal(null);
          } else {
            expect(row.RatingStatus, call.id).to.equal('RATED');
            expect(row.Cost, call.id).to.equal(call.expect);
          }
        }
        const c10 = rows.find((r) => r.TransactionId === 'c10');
        expect(c10?.SourcePhoneNumberName).to.equal('Müller, "Hans"\nGmbH – Zürich');
        const c04 = rows.find((r) => r.TransactionId === 'c04');
        expect(c04?.StartTime).to.equal('2025-02-28T23:59:30.000Z');
        expect(c04?.PriceVersion).to.equal('20240101000000');
        const header = (await store.read(manifest.csvKey)).toString('utf8').split('\r\n')[0];
        expect(header?.startsWith('AwsAccountId,TransactionId,CallId,VoiceConnectorId,')).to.equal(true);
        expect(
          header?.endsWith(
            ',StartTime,EndTime,PricePerUnit,PriceUnit,PriceVersion,RatingStatus,Cost,' +
              'DeckPrefix,DeckRatePerMinute,ChargedSeconds,ChargedAmount,ChargeCurrency,DeckStatus,ConnectorName,ConnectorTags',
          ),
        ).to.equal(true);
      });
    }

    it('exactly on the version boundary the new price applies; the second before, the old one', async () => {
      const rows = await csvRows(manifests.weekly as Manifest);
      const byId = new Map(rows.map((r) => [r.TransactionId, r]));
      expect(byId.get('c03')?.PriceVersion).to.equal('20250301000000');
      expect(byId.get('c03')?.PricePerUnit).to.equal('0.005');
      expect(byId.get('c02')?.PriceVersion).to.equal('20240101000000');
      expect(byId.get('c02')?.PricePerUnit).to.equal('0.0048');
    });

    it('rejects name every bad object with a reason, in the period its folder belongs to', async () => {
      const lines = (await store.read((manifests.weekly as Manifest).rejectsKey))
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { key: string; reason: string; code: string });
      expect(lines.map((l) => l.key.split('_').pop()).sort()).to.deep.equal([
        'array',
        'binary',
        'empty',
        'string',
        'truncated',
      ]);
      for (const line of lines) expect(line.reason).to.be.a('string').and.not.equal('');
    });

    it('replaced the earlier report but kept the file it did not write, naming it in the manifest', async () => {
      const keys = await listKeys(store, `${SUMMARY}csv/Daily/2025/02/28/`);
      expect(keys.filter((k) => k.endsWith('.csv'))).to.have.length(1);
      expect(keys.filter((k) => !k.endsWith('.csv'))).to.deep.equal([
        `${SUMMARY}csv/Daily/2025/02/28/manifest.json`,
        STALE_REPORT,
      ]);
      expect((manifests.daily as Manifest).foreignFilesKept).to.deep.equal([STALE_REPORT]);
    });

    it('a re-run gives a byte-identical CSV', async () => {
      const again = await run('daily');
      const bytes = await store.read(again.csvKey);
      expect(bytes.equals(csvBytes.daily as Buffer)).to.equal(true);
    });

    it('after overlapping runs the Parquet dataset holds every call exactly once, read back by DuckDB', async () => {
      const keys = (await listKeys(store, `${SUMMARY}parquet/`)).filter((k) => k.endsWith('.parquet'));
      expect(keys).to.not.include(STALE_PARQUET);
      const files = await localCopy(store, keys, path.join(scratch, 'parquet'));
      const rows = await duckdbQuery(
        `select TransactionId, count(*)::int as n, sum(Cost)::varchar as cost, any_value(year)::int as year, any_value(month)::int as month, any_value(day)::int as day
         from read_parquet(${sqlList(files)}, hive_partitioning = true) group by TransactionId order by TransactionId`,
      );
      expect(rows.map((r) => r.TransactionId)).to.deep.equal(CALLS.map((c) => c.id));
      for (const row of rows) expect(row.n, String(row.TransactionId)).to.equal(1);
      const c04 = rows.find((r) => r.TransactionId === 'c04');
      expect([c04?.year, c04?.month, c04?.day]).to.deep.equal([2025, 2, 28]);
      const [total] = await duckdbQuery(
        `select sum(Cost)::varchar as cost, typeof(sum(Cost)) as t from read_parquet(${sqlList(files)})`,
      );
      expect(Number(total?.cost)).to.equal(0.11134);
      expect(String(total?.cost).replace(/0+$/, '')).to.equal('0.11134');
    });

    it('the Parquet files use the contract types: signed INT64, UTC millis, DECIMAL, ZSTD', async () => {
      const [key] = (manifests.weekly as Manifest).parquetKeys;
      const [file] = await localCopy(store, [key as string], path.join(scratch, 'meta'));
      const meta = await duckdbQuery(
        `select path_in_schema as name, type, compression from parquet_metadata('${file}') where row_group_id = 0`,
      );
      const byName = new Map(meta.map((m) => [m.name, m]));
      expect(byName.get('StartTimeEpochSeconds')?.type).to.equal('INT64');
      expect(byName.get('StartTime')?.type).to.equal('INT64');
      expect(byName.get('Cost')?.type).to.equal('FIXED_LEN_BYTE_ARRAY');
      for (const m of meta) expect(m.compression, String(m.name)).to.equal('ZSTD');
      const schema = await duckdbQuery(`select name, logical_type::varchar as logical from parquet_schema('${file}')`);
      const cost = schema.find((s) => s.name === 'Cost');
      expect(String(cost?.logical)).to.match(/scale=28, precision=38/i);
    });

    it('bad arguments are refused with one line and nothing is written', async () => {
      const before = await listKeys(store);
      for (const args of [
        ['--frequency', 'Daily', '--end', '2026-02-30'],
        ['--frequency', 'Monthly', '--year', '2025', '--month', '13', '--day', '1'],
        ['--frequency', 'Fortnightly', '--end', '2025-02-28'],
        ['--frequency', 'Daily'],
      ]) {
        const result = await runCli(['run', '--source', source, '--prices', prices, ...args], env);
        expect(result.code, args.join(' ')).to.equal(2);
        const lines = result.stderr.trim().split('\n');
        expect(lines, result.stderr).to.have.length(1);
        expect(lines[0]).to.match(/^cdr-summary: /);
      }
      const missingPrices = await runCli(
        ['run', '--source', source, '--prices', `${prices}nope/`, '--frequency', 'Daily', '--end', '2025-02-28'],
        env,
      );
      expect(missingPrices.code).to.equal(2);
      expect(missingPrices.stderr.trim().split('\n')).to.have.length(1);
      expect(await listKeys(store)).to.deep.equal(before);
    });

    it('prototype-pollution keys did no harm in the job process (the call was rated normally)', async () => {
      const rows = await csvRows(manifests.daily as Manifest);
      expect(rows.find((r) => r.TransactionId === 'c09')?.Cost).to.equal('0.0024');
    });
  });
}
