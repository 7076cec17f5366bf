import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDate } from '../../../job/core/period';
import { generateCorpus } from '../../../job/generate/corpus';
import type { Manifest } from '../../../job/sinks/manifest';
import { S3Store } from '../../../job/store/s3';
import { runCli } from '../../support/cli';
import { duckdbQuery } from '../../support/duckdb';
import { startFaultProxy } from '../../support/fault-proxy';
import { dailyLeaseRecord } from '../../support/lease-records';
import { type S3rver, startS3rver } from '../../support/s3rver';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const MANIFEST = `${SUMMARY}csv/Weekly/2025/01/03/manifest.json`;
const LEASE = `${SUMMARY}leases/Weekly-2025-01-03.json`;
const PRICES = 'prices/AmazonChimeVoiceConnector-offer.json';
const CALLS = 1000;

/** s3rver stores each object as `<dir>/<bucket>/<key>._S3rver_object`: finds stored Parquet objects. */
async function storedParquet(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith('.parquet._S3rver_object'));
}

describe('crash safety on S3 (s3rver): SIGKILL once Parquet objects appear', function () {
  this.timeout(120_000);
  let server: S3rver;
  let store: S3Store;
  let scratch: string;

  before(async () => {
    server = await startS3rver();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cdr-crash-s3-'));
    for (const bucket of ['src', 'killed']) await server.createBucket(bucket);
    store = await S3Store.open('src', '', { client: server.client });
    // In this process, with parallel writes: through the CLI s3rver takes far longer.
    await generateCorpus({
      store,
      service: 'AmazonChimeVoiceConnector',
      calls: CALLS,
      days: 3,
      connectors: 2,
      seed: 9,
      end: parseDate('2025-01-03'),
      pricesKey: PRICES,
      concurrency: 32,
    });
  });

  after(async () => {
    await store?.close();
    await server?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  const runArgs = (dest: string) => [
    'run',
    '--source',
    's3://src',
    '--dest',
    `s3://${dest}`,
    '--prices',
    `s3://src/${PRICES}`,
    '--frequency',
    'Weekly',
    '--end',
    '2025-01-03',
    '--quiet',
  ];

  it('leaves no manifest; a retried attempt of the same job re-runs to a complete result, every call once', async () => {
    const killedStore = await S3Store.open('killed', '', { client: server.client });
    // Leases need conditional writes, which s3rver ignores: the run talks to S3 through the proxy.
    const proxy = await startFaultProxy({ target: server.endpoint, conditionalWrites: { client: server.client } });
    const env = { ...server.env, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_BATCH_JOB_ID: 'job-s3:0' };
    // Another run is committing the last day: the run stages its Parquet files, then waits for that day
    // before its commit, where it is killed (deterministically before anything becomes visible).
    const blocker = `${SUMMARY}leases/days/2025-01-03.json`;
    await killedStore.write(blocker, JSON.stringify(dailyLeaseRecord('2025-01-03')));
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(ROOT, 'job', 'main.ts'), ...runArgs('killed')],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let logs = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      logs += chunk.toString('utf8');
    });
    let ended = false;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, signal) => {
        ended = true;
        resolve(signal);
      }),
    );
    const bucketDir = path.join(server.directory, 'killed');
    const deadline = Date.now() + 60_000;
    while ((await storedParquet(bucketDir)).length === 0 || !logs.includes('waiting for another run')) {
      if (Date.now() > deadline) throw new Error(`the run did not stage Parquet objects and wait\n${logs}`);
      if (ended) throw new Error(`the run ended before its commit\n${logs}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGKILL');
    expect(await exited).to.equal('SIGKILL');
    expect(await killedStore.exists(MANIFEST), 'no manifest').to.equal(false);
    expect(await killedStore.exists(LEASE), 'the killed run still holds its lease').to.equal(true);

    // The other run finishes; the next attempt of the same Batch job joins its own lease.
    await killedStore.delete([blocker]);
    const rerun = await runCli(runArgs('killed'), env);
    await proxy.stop();
    expect(rerun.code, rerun.stderr).to.equal(0);
    expect(await killedStore.exists(LEASE)).to.equal(false);
    const got = JSON.parse((await killedStore.read(MANIFEST)).toString('utf8')) as Manifest;
    // Byte equality with a clean run is shown on the local file system; here: complete and consistent.
    expect(got.objectsRead).to.be.at.least(CALLS * 0.98);
    expect(got.recordsRated + got.recordsUnrated + got.recordsRejected + got.objectsOutsidePeriod).to.equal(
      got.objectsRead,
    );
    const calls = got.recordsRated + got.recordsUnrated;
    const csvLines = (await killedStore.read(got.csvKey))
      .toString('utf8')
      .split('\r\n')
      .filter((l) => l !== '');
    expect(csvLines).to.have.length(calls + 1);
    const listed: string[] = [];
    for await (const entry of killedStore.listAll(`${SUMMARY}parquet/`)) listed.push(entry.key);
    expect(listed).to.deep.equal([...got.parquetKeys].sort());
    // Copy the dataset out and count every call once with DuckDB.
    const files: string[] = [];
    for (const key of listed) {
      const file = path.join(scratch, key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, await killedStore.read(key));
      files.push(file);
    }
    const [row] = await duckdbQuery(
      `select count(*)::integer as n, count(distinct TransactionId)::integer as ids, sum(Cost)::varchar as cost from read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`,
    );
    expect(row).to.include({ n: calls, ids: calls });
    expect(Number(row?.cost)).to.equal(Number(got.totalCost));
    await killedStore.close();
  });
});
