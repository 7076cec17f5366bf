import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDate } from '../../../job/core/period';
import { schemaFor } from '../../../job/core/schema';
import { generateCorpus } from '../../../job/generate/corpus';
import { CsvReportWriter } from '../../../job/sinks/csv';
import { RejectsWriter } from '../../../job/sinks/rejects';
import { S3Store } from '../../../job/store/s3';
import { createS3Client } from '../../../job/store/s3-client';
import { type CliResult, generateArgs, runCli, startCli } from '../../support/cli';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy';
import { dailyLeaseRecord } from '../../support/lease-records';
import { filesBelow as files, waitFor } from '../../support/outputs';
import { S3RVER_CREDENTIALS, type S3rver, startS3rver } from '../../support/s3rver';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const REPORT = `${SUMMARY}csv/Weekly/2025/01/03/`;
const MANIFEST = `${REPORT}manifest.json`;
const LEASE = `${SUMMARY}leases/Weekly-2025-01-03.json`;
const PERIOD = ['--frequency', 'Weekly', '--end', '2025-01-03'];

function lastLine(stderr: string): string {
  return stderr.trim().split('\n').pop() ?? '';
}

/** What a run that stopped must not leave in its dest: temporary files, staged files, its lease, a manifest. */
async function expectNothingLeft(dest: string): Promise<void> {
  const left = await files(dest);
  expect(
    left.filter((f) => f.includes('.tmp-')),
    'temporary files',
  ).to.deep.equal([]);
  expect(
    left.filter((f) => f.startsWith(`${SUMMARY}staging/`)),
    'staged files',
  ).to.deep.equal([]);
  expect(
    left.filter((f) => f.startsWith(`${SUMMARY}leases/`)),
    'leases',
  ).to.deep.equal([]);
  expect(existsSync(path.join(dest, MANIFEST)), 'manifest').to.equal(false);
}

describe('failures end cleanly (local file system, real child processes)', function () {
  this.timeout(180_000);
  let scratch: string;
  let source: string;
  let prices: string;

  const runArgs = (dest: string) => [
    'run',
    '--source',
    source,
    '--dest',
    dest,
    '--prices',
    prices,
    ...PERIOD,
    '--quiet',
  ];

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cdr-clean-'));
    source = path.join(scratch, 'bucket');
    const generated = await runCli(
      generateArgs({ out: source, calls: 6000, days: 3, connectors: 3, seed: 5, end: '2025-01-03' }),
    );
    expect(generated.code, generated.stderr).to.equal(0);
    prices = path.join(source, 'prices', 'AmazonChimeVoiceConnector-offer.json');
  });

  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** Starts a run and resolves once its CSV has been streamed for a while (a temporary file of 256 KiB). */
  async function startAndWaitForCsv(dest: string, env: Record<string, string> = {}, folder = REPORT) {
    const run = startCli(runArgs(dest), env);
    let ended = false;
    run.result.then(() => {
      ended = true;
    });
    await waitFor(
      async () => {
        if (ended) throw new Error(`the run ended early:\n${(await run.result).stderr}`);
        for (const name of await files(path.join(dest, folder))) {
          if (!name.includes('.tmp-')) continue;
          const size = (await fs.stat(path.join(dest, folder, name)).catch(() => undefined))?.size ?? 0;
          if (size > 256 * 1024) return true;
        }
        return false;
      },
      60_000,
      'the CSV to be streamed',
    );
    return run;
  }

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal}: exit ${code} within seconds, one line, lease released, no temporary or staged files; the next run starts at once`, async () => {
      const dest = path.join(scratch, signal);
      const run = await startAndWaitForCsv(dest);
      const sent = Date.now();
      run.child.kill(signal);
      const result = await run.result;
      const tookMs = Date.now() - sent;
      expect(result.code, result.stderr).to.equal(code);
      expect(tookMs, 'time to stop').to.be.below(10_000);
      expect(lastLine(result.stderr)).to.equal(
        `cdr-summary: interrupted by ${signal}; the run stopped and cleaned up (lease released)`,
      );
      await expectNothingLeft(dest);
      const next = await runCli(runArgs(dest));
      expect(next.code, next.stderr).to.equal(0);
      expect(existsSync(path.join(dest, MANIFEST))).to.equal(true);
    });
  }

  it('SIGTERM to one shard of an array job: exit 143, and it releases the shared lease (the array job cannot complete)', async () => {
    const dest = path.join(scratch, 'shard-sigterm');
    const shard = { CDR_LEASE_OWNER: 'batch:array-9', AWS_BATCH_JOB_ARRAY_SIZE: '2', AWS_BATCH_JOB_ARRAY_INDEX: '1' };
    const run = await startAndWaitForCsv(dest, shard, `${SUMMARY}partials/Weekly/2025/01/03/`);
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code, result.stderr).to.equal(143);
    await expectNothingLeft(dest);
    const next = await runCli(runArgs(dest));
    expect(next.code, next.stderr).to.equal(0);
  });

  it('kill -9: an immediate re-run on the same host takes the dead run’s lease over and removes its temporary files', async () => {
    const dest = path.join(scratch, 'sigkill');
    const run = await startAndWaitForCsv(dest);
    run.child.kill('SIGKILL');
    expect((await run.result).signal).to.equal('SIGKILL');
    expect(existsSync(path.join(dest, LEASE)), 'the dead run’s lease').to.equal(true);
    expect((await files(dest)).filter((f) => f.includes('.tmp-'))).to.not.deep.equal([]);
    const next = await runCli(runArgs(dest));
    expect(next.code, next.stderr).to.equal(0);
    const left = await files(dest);
    expect(left.filter((f) => f.includes('.tmp-'))).to.deep.equal([]);
    expect(left.filter((f) => f.startsWith(`${SUMMARY}leases/`))).to.deep.equal([]);
    expect(existsSync(path.join(dest, MANIFEST))).to.equal(true);
  });

  it('an output folder that cannot be created (a file is in the way): exit 1, one line, no temporary files, lease released', async () => {
    const dest = path.join(scratch, 'blocked-folder');
    await fs.mkdir(path.join(dest, SUMMARY), { recursive: true });
    await fs.writeFile(path.join(dest, SUMMARY, 'rejects'), 'not a folder');
    const result = await runCli(runArgs(dest));
    expect(result.code, result.stderr).to.equal(1);
    expect(lastLine(result.stderr)).to.match(
      /^cdr-summary: ENOTDIR: not a directory, mkdir '.*rejects\/Weekly\/2025\/01\/03'$/,
    );
    await expectNothingLeft(dest);
  });

  it('a write that fails (file-size limit, RLIMIT_FSIZE): exit 1 with one line, lease released, no temporary files', async () => {
    const dest = path.join(scratch, 'fsize');
    // `ulimit -f` in the child's shell: any file written past 1 MiB fails with EFBIG (Node ignores SIGXFSZ).
    const child: ChildProcess = spawn(
      'sh',
      [
        '-c',
        'ulimit -f 2048 && exec "$0" "$@"',
        process.execPath,
        '--require',
        'tsx/cjs',
        path.join(ROOT, 'job', 'main.ts'),
        ...runArgs(dest),
      ],
      { cwd: ROOT, env: { ...process.env, TSX_DISABLE_CACHE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout?.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code, stderr).to.equal(1);
    expect(lastLine(stderr)).to.match(/^cdr-summary: EFBIG: file too large, write$/);
    expect(stderr).to.not.match(/^\s+at /m); // no stack trace: the failure was handled, not a crash
    await expectNothingLeft(dest);
  });
});

describe('failures end cleanly on S3 (s3rver behind a fault proxy)', function () {
  this.timeout(120_000);
  let server: S3rver;
  let proxy: FaultProxy;
  let store: S3Store;

  before(async () => {
    server = await startS3rver();
    await server.createBucket('src');
    await server.createBucket('out');
    store = await S3Store.open('src', '', { client: server.client });
    await generateCorpus({
      store,
      service: 'AmazonChimeVoiceConnector',
      calls: 600,
      days: 3,
      connectors: 2,
      seed: 3,
      end: parseDate('2025-01-03'),
      pricesKey: 'prices/offer.json',
      concurrency: 32,
    });
    // Uploads of reports fail (403, final) half a second after they start; leases need conditional writes.
    proxy = await startFaultProxy({
      target: server.endpoint,
      conditionalWrites: { client: server.client },
      rejectWrites: /\/(csv|rejects|big)\//,
      rejectWritesDelayMs: 500,
    });
  });

  after(async () => {
    await store?.close();
    await proxy?.stop();
    await server?.stop();
  });

  function proxiedStore(bucket: string): Promise<S3Store> {
    const client = createS3Client({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
      maxAttempts: 2,
    });
    return S3Store.open(bucket, '', { client });
  }

  it('an upload that fails while the CSV and rejects writers wait for drain: they throw instead of hanging', async function () {
    this.timeout(30_000);
    const out = await proxiedStore('out');
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const csv = new CsvReportWriter(schemaFor('AmazonChimeVoiceConnector'), out.openWriter('big/report.csv'));
    const rejects = new RejectsWriter(out.openWriter('big/rejects.jsonl'));
    const rejection = { code: 'not-json', reason: 'x'.repeat(64 * 1024) } as never;
    const failures: unknown[] = [];
    for (const write of [() => csv.writeRows(chunk), () => rejects.add('k', rejection)]) {
      let written = 0;
      try {
        // Far more than the upload can buffer (4 parts of 5 MiB in flight): the writer must wait for 'drain'.
        while (written < 256 * 1024 * 1024) {
          await write();
          written += 64 * 1024;
        }
      } catch (error) {
        failures.push(error);
      }
    }
    expect(failures).to.have.length(2);
    for (const failure of failures) expect(String(failure)).to.match(/Access Denied|AccessDenied/);
    await csv.abort();
    await rejects.abort();
    const direct = await S3Store.open('out', '', { client: server.client });
    expect(await direct.exists('big/report.csv')).to.equal(false);
    await direct.close();
    await out.close();
  });

  it('SIGTERM while the CSV goes up as a multipart upload: exit 143, the upload aborted (no parts left), lease released, nothing staged', async function () {
    this.timeout(300_000);
    await server.createBucket('big');
    await server.createBucket('bigout');
    const big = await S3Store.open('big', '', { client: server.client });
    // Enough calls for a CSV of several 5 MiB parts.
    await generateCorpus({
      store: big,
      service: 'AmazonChimeVoiceConnector',
      calls: 14_000,
      days: 2,
      connectors: 2,
      seed: 4,
      end: parseDate('2025-01-03'),
      pricesKey: 'prices/offer.json',
      concurrency: 64,
    });
    await big.close();
    // Another run is committing the last day: this run uploads its CSV parts, then waits for that day
    // with its multipart upload still open, which is where SIGTERM reaches it.
    const out = await S3Store.open('bigout', '', { client: server.client });
    const blocker = `${SUMMARY}leases/days/2025-01-03.json`;
    await out.write(blocker, JSON.stringify(dailyLeaseRecord('2025-01-03')));
    const leases = await startFaultProxy({ target: server.endpoint, conditionalWrites: { client: server.client } });
    const uploads = path.join(server.directory, 'bigout', '._S3rver_uploads');
    const parts = async () => (await files(uploads)).filter((f) => /(^|\/)\d+$/.test(f) && !f.endsWith('.tmp'));
    const run = startCli(
      [
        'run',
        '--source',
        's3://big',
        '--dest',
        's3://bigout',
        '--prices',
        's3://big/prices/offer.json',
        ...PERIOD,
        '--quiet',
      ],
      { ...server.env, AWS_ENDPOINT_URL_S3: leases.endpoint },
    );
    let logs = '';
    run.child.stderr?.on('data', (chunk: Buffer) => {
      logs += chunk.toString('utf8');
    });
    let ended = false;
    run.result.then(() => {
      ended = true;
    });
    await waitFor(
      async () => {
        if (ended) throw new Error(`the run ended early:\n${(await run.result).stderr}`);
        return logs.includes('waiting for another run') && (await parts()).length > 0;
      },
      240_000,
      'a part of the multipart upload',
    );
    const sent = Date.now();
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code, result.stderr).to.equal(143);
    expect(Date.now() - sent).to.be.below(20_000);
    await leases.stop();
    expect(await parts(), 'parts of an aborted upload').to.deep.equal([]);
    const left: string[] = [];
    for await (const entry of out.listAll(SUMMARY)) left.push(entry.key);
    expect(left, 'only the other run’s day lease').to.deep.equal([blocker]);
    await out.close();
  });

  it('an S3 upload error fails the run at once: exit 1, one line, lease released, nothing staged; the next run starts at once', async () => {
    const args = [
      'run',
      '--source',
      's3://src',
      '--dest',
      's3://out',
      '--prices',
      's3://src/prices/offer.json',
      ...PERIOD,
      '--quiet',
    ];
    const env = { ...server.env, AWS_ENDPOINT_URL_S3: proxy.endpoint };
    const started = Date.now();
    const failed: CliResult = await runCli(args, env);
    expect(failed.code, failed.stderr).to.equal(1);
    expect(Date.now() - started).to.be.below(60_000);
    expect(lastLine(failed.stderr)).to.match(/^cdr-summary: .*Access Denied/);
    const out = await S3Store.open('out', '', { client: server.client });
    const left: string[] = [];
    for await (const entry of out.listAll(SUMMARY)) left.push(entry.key);
    expect(
      left.filter((k) => k.includes('/leases/') || k.includes('/staging/') || k.endsWith('manifest.json')),
    ).to.deep.equal([]);
    proxy.calm();
    const next = await runCli(args, env);
    expect(next.code, next.stderr).to.equal(0);
    expect(await out.exists(MANIFEST)).to.equal(true);
    await out.close();
  });
});
