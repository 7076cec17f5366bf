import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { LocalStore } from '../../../job/store/local';
import type { ObjectStore } from '../../../job/store/object-store';
import { S3Store } from '../../../job/store/s3';
import { CONNECTOR_A, CONNECTOR_B, EXPECTED, writeCorpus, writePrices } from '../../fixtures/corpus';
import { runCli } from '../../support/cli';
import { type S3rver, startS3rver } from '../../support/s3rver';

const VC = 'Amazon-Chime-Voice-Connector-CDRs/json/';
const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary';

/** Objects beyond the corpus that exercise the size cap on both read paths. */
async function writeCapCases(store: ObjectStore): Promise<void> {
  // Over the 64 KiB cap (rejected as too large), exactly at it (read, then rejected as bad JSON), and one over.
  await store.write(`${VC}${CONNECTOR_A}/2025/02/28/14.00.04.000_oversize`, `{"pad":"${'o'.repeat(80_000)}"}`);
  await store.write(`${VC}${CONNECTOR_B}/2025/03/01/02.00.00.000_at-cap`, 'a'.repeat(64 * 1024));
  await store.write(`${VC}${CONNECTOR_B}/2025/03/01/02.00.01.000_over-by-one`, 'b'.repeat(64 * 1024 + 1));
}

/** Every file below `dir`, by path relative to it. */
async function filesBelow(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full), await readFile(full));
  }
  return files;
}

/** The `run statistics` log line of a run. */
function statistics(stderr: string): { requests: number; bytesIn: number; outcome: string } {
  const line = stderr.split('\n').find((l) => l.includes('"msg":"run statistics"'));
  if (!line) throw new Error(`no run statistics in:\n${stderr}`);
  return JSON.parse(line);
}

describe('S3 read paths: a run on S3 writes byte-identical outputs to a run on local disk', function () {
  this.timeout(180_000);
  let server: S3rver;
  let work: string;

  before(async () => {
    server = await startS3rver();
    await server.createBucket('paths-src');
    work = await mkdtemp(path.join(tmpdir(), 'cdr-read-paths-'));
    const s3 = await S3Store.open('paths-src', '', { client: server.client });
    const local = await LocalStore.open(path.join(work, 'source'), { create: true });
    for (const store of [s3, local]) {
      await writeCorpus(store);
      await writeCapCases(store);
    }
    await writePrices(local, 'prices/');
    await s3.close();
    await local.close();
  });

  after(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('local disk, S3 through the fast GET, S3 through the SDK: the same CSV, Parquet, rejects and manifest', async () => {
    const runs = [
      { name: 'local', source: path.join(work, 'source'), env: {} },
      { name: 'fast', source: 's3://paths-src', env: { ...server.env, CDR_S3_FAST_GET: '1' } },
      { name: 'sdk', source: 's3://paths-src', env: { ...server.env, CDR_S3_FAST_GET: '0' } },
    ];
    const outputs = new Map<string, Map<string, Buffer>>();
    const stats = new Map<string, ReturnType<typeof statistics>>();
    for (const run of runs) {
      const dest = path.join(work, `dest-${run.name}`);
      const result = await runCli(
        [
          'run',
          '--source',
          run.source,
          '--dest',
          dest,
          '--prices',
          path.join(work, 'source', 'prices'),
          ...EXPECTED.weekly.args,
          '--log-level',
          'info',
        ],
        run.env,
      );
      expect(result.code, `${run.name}: ${result.stderr}`).to.equal(0);
      stats.set(run.name, statistics(result.stderr));
      outputs.set(run.name, await filesBelow(path.join(dest, SUMMARY)));
    }
    const reference = outputs.get('local') as Map<string, Buffer>;
    const manifestKey = [...reference.keys()].find((k) => k.endsWith('manifest.json')) as string;
    const manifest = JSON.parse((reference.get(manifestKey) as Buffer).toString('utf8'));
    // The cap cases were read (or refused) as intended, not skipped.
    const rejects = (reference.get(manifest.rejectsKey.slice(SUMMARY.length + 1)) as Buffer).toString('utf8');
    expect(rejects).to.contain('_oversize').and.contain('_at-cap').and.contain('_over-by-one');
    expect(rejects.match(/"code":"too-large"/g)).to.have.length(2);
    expect([...reference.keys()].some((k) => k.endsWith('.parquet'))).to.equal(true);
    for (const name of ['fast', 'sdk']) {
      const files = outputs.get(name) as Map<string, Buffer>;
      expect([...files.keys()].sort(), name).to.deep.equal([...reference.keys()].sort());
      for (const [file, bytes] of reference) {
        const other = files.get(file) as Buffer;
        if (file.endsWith('manifest.json')) {
          // Clock readings and the source location differ; every count, key and total is the same.
          const strip = (b: Buffer) => {
            const { startedAt: _s, finishedAt: _f, durationMs: _d, source: _src, ...rest } = JSON.parse(b.toString());
            return rest;
          };
          expect(strip(other), `${name}: ${file}`).to.deep.equal(strip(bytes));
        } else if (file.endsWith('metadata.json')) {
          // The FOCUS metadata says when it was made.
          const strip = (b: Buffer) => b.toString().replace(/"CreationDate": "[^"]*"/, '');
          expect(strip(other), `${name}: ${file}`).to.equal(strip(bytes));
        } else if (file.endsWith('index.html')) {
          // The dashboard names where its CDRs came from and when it was made; the rest is the same.
          const strip = (b: Buffer) => b.toString().replace(/<p class="sub">[^<]*<\/p>/, '');
          expect(strip(other), `${name}: ${file}`).to.equal(strip(bytes));
        } else {
          if (!other.equals(bytes))
            expect(other.toString(), `${name}: ${file} byte-identical`).to.equal(bytes.toString());
        }
      }
    }
    // Both S3 paths made the same requests and read the same bytes.
    expect(stats.get('fast')?.requests).to.equal(stats.get('sdk')?.requests);
    expect(stats.get('fast')?.bytesIn).to.equal(stats.get('sdk')?.bytesIn);
    expect(stats.get('fast')?.bytesIn).to.be.greaterThan(64 * 1024);
  });
});
