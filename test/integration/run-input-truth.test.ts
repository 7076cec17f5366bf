/**
 * What a run reads and what it may claim or delete, through the real CLI: no success over nothing,
 * only finished days (unless --partial), not-a-CDR objects skipped and counted, unexpected objects
 * counted, unpadded folders read, late arrivals named, only our own files deleted, mistyped S3 URIs
 * refused. On the local disk and on S3 (s3rver).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { addDays, dateOfEpochSeconds, formatDate } from '../../job/core/period';
import type { Manifest } from '../../job/sinks/manifest';
import { LocalStore } from '../../job/store/local';
import type { ObjectStore } from '../../job/store/object-store';
import { S3Store } from '../../job/store/s3';
import { VC_DOC_EXAMPLE } from '../fixtures/cdr-examples';
import { writePrices } from '../fixtures/corpus';
import { runCli } from '../support/cli';
import { listKeys } from '../support/outputs';
import { type S3rver, startS3rver } from '../support/s3rver';

const CDRS = 'Amazon-Chime-Voice-Connector-CDRs/json/';
const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const VC1 = 'vc0000000000000000001';
const VC2 = 'vc0000000000000000002';
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A valid Voice Connector CDR (the documented example with this call's identity and start). */
function cdr(id: string, connector: string, startIso: string): string {
  const start = Math.floor(Date.parse(startIso) / 1000);
  return JSON.stringify({
    ...VC_DOC_EXAMPLE,
    TransactionId: id,
    VoiceConnectorId: connector,
    StartTimeEpochSeconds: start,
    EndTimeEpochSeconds: start + 6,
  });
}

function objectKey(connector: string, folder: string, startIso: string, id: string): string {
  const time = new Date(startIso).toISOString().slice(11, 23).replace(/:/g, '.');
  return `${CDRS}${connector}/${folder}/${time}_${id}`;
}

/** The one line a refused run prints (besides its JSON log lines). */
function oneLine(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('{'));
  expect(lines, stderr).to.have.length(1);
  return lines[0] as string;
}

async function manifestOf(store: ObjectStore, folder: string): Promise<Manifest> {
  return JSON.parse((await store.read(`${SUMMARY}csv/${folder}/manifest.json`)).toString('utf8')) as Manifest;
}

describe('run: what it reads, and what it may claim or delete (local disk)', function () {
  this.timeout(120_000);
  let dir: string;
  let pricesDir: string;
  let store: LocalStore;
  const run = (args: readonly string[], source?: string) =>
    runCli(['run', '--source', source ?? dir, '--prices', pricesDir, '--quiet', ...args]);

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-truth-'));
    pricesDir = await mkdtemp(path.join(os.tmpdir(), 'cdr-truth-prices-'));
    store = await LocalStore.open(dir);
    await writePrices(await LocalStore.open(pricesDir), '');
    // Two calls on 2025-02-10 (one per connector), one on 2025-02-12 in an UNPADDED folder.
    await store.write(
      objectKey(VC1, '2025/02/10', '2025-02-10T10:00:00Z', 'a1'),
      cdr('a1', VC1, '2025-02-10T10:00:00Z'),
    );
    await store.write(
      objectKey(VC2, '2025/02/10', '2025-02-10T11:00:00Z', 'a2'),
      cdr('a2', VC2, '2025-02-10T11:00:00Z'),
    );
    await store.write(
      objectKey(VC1, '2025/2/12', '2025-02-12T09:00:00Z', 'u1'),
      cdr('u1', VC1, '2025-02-12T09:00:00Z'),
    );
  });

  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
    await rm(pricesDir, { recursive: true, force: true });
  });

  it('an empty period exits 2 naming where it looked and the nearest day folder; old outputs survive', async () => {
    const first = await run(['--frequency', 'Daily', '--end', '2025-02-10']);
    expect(first.code, first.stderr).to.equal(0);
    const before = await listKeys(store, SUMMARY);
    expect(before.some((k) => k.includes('/parquet/year=2025/month=02/day=10/part-'))).to.equal(true);

    // 2025-02-10's CDRs vanish (lifecycle expiry, a wrong --source): the re-run must not destroy the report.
    const empty = await mkdtemp(path.join(os.tmpdir(), 'cdr-truth-empty-'));
    try {
      const emptyStore = await LocalStore.open(empty);
      await emptyStore.write(
        objectKey(VC1, '2025/02/13', '2025-02-13T10:00:00Z', 'x'),
        cdr('x', VC1, '2025-02-13T10:00:00Z'),
      );
      const result = await run(['--frequency', 'Daily', '--end', '2025-02-10', '--dest', dir], empty);
      expect(result.code, result.stderr).to.equal(2);
      const line = oneLine(result.stderr);
      expect(line).to.match(/^cdr-summary: no CDR objects for Daily 2025-02-10\.\.2025-02-10/);
      expect(line).to.contain(`${empty}/${CDRS}`);
      expect(line).to.contain(`nearest day folder found: ${empty}/${CDRS}${VC1}/2025/02/13/`);
      expect(await listKeys(store, SUMMARY)).to.deep.equal(before);

      const nothing = await run(['--frequency', 'Daily', '--end', '2025-02-10', '--dest', dir], pricesDir);
      expect(nothing.code).to.equal(2);
      expect(oneLine(nothing.stderr)).to.contain('no connector or account folders under');
      expect(await listKeys(store, SUMMARY)).to.deep.equal(before);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('--allow-empty reports a genuinely quiet period', async () => {
    const result = await run(['--frequency', 'Daily', '--end', '2025-02-11', '--allow-empty']);
    expect(result.code, result.stderr).to.equal(0);
    const manifest = await manifestOf(store, 'Daily/2025/02/11');
    // Only the next day's folder (2025/2/12/, unpadded) holds an object: a call of another period.
    expect([
      manifest.objectsRead,
      manifest.objectsOutsidePeriod,
      manifest.recordsRated,
      manifest.totalCost,
    ]).to.deep.equal([1, 1, 0, '0']);
    expect(manifest.complete).to.equal(true);
  });

  it('reads unpadded day folders (2025/2/12/)', async () => {
    const result = await run(['--frequency', 'Daily', '--end', '2025-02-12']);
    expect(result.code, result.stderr).to.equal(0);
    const manifest = await manifestOf(store, 'Daily/2025/02/12');
    expect([manifest.objectsRead, manifest.recordsRated]).to.deep.equal([1, 1]);
  });

  it('--source at the CDR prefix or json/ is re-rooted; a connector folder or the other service is refused', async () => {
    for (const source of [
      path.join(dir, 'Amazon-Chime-Voice-Connector-CDRs'),
      `${path.join(dir, 'Amazon-Chime-Voice-Connector-CDRs', 'json')}/`,
    ]) {
      const result = await run(['--frequency', 'Daily', '--end', '2025-02-10'], source);
      expect(result.code, result.stderr).to.equal(0);
      const manifest = await manifestOf(store, 'Daily/2025/02/10');
      expect([manifest.source, manifest.recordsRated, manifest.connectors]).to.deep.equal([dir, 2, 2]);
    }
    expect(
      existsSync(path.join(dir, 'Amazon-Chime-Voice-Connector-CDRs', 'Amazon-Chime-Voice-Connector-Summary')),
    ).to.equal(false);
    const connector = await run(['--frequency', 'Daily', '--end', '2025-02-10'], path.join(dir, CDRS, VC1));
    expect(connector.code).to.equal(2);
    expect(oneLine(connector.stderr)).to.contain(`--source ${dir}`);
    const other = await run(
      ['--frequency', 'Daily', '--end', '2025-02-10'],
      path.join(dir, 'Amazon-Chime-Business-Calling-CDRs'),
    );
    expect(other.code).to.equal(2);
    expect(oneLine(other.stderr)).to.contain('--service AmazonChimeBusinessCalling');
  });

  it('an end date not over yet exits 2; --partial reports it as incomplete, named so', async () => {
    const now = new Date();
    const today = dateOfEpochSeconds(Math.floor(now.getTime() / 1000));
    const iso = now.toISOString();
    const folder = formatDate(today).replace(/-/g, '/');
    await store.write(objectKey(VC1, folder, iso, 'today1'), cdr('today1', VC1, iso));
    const before = await listKeys(store, SUMMARY);
    for (const end of [today, addDays(today, 3)]) {
      const result = await run(['--frequency', 'Monthly', '--end', formatDate(end)]);
      expect(result.code, formatDate(end)).to.equal(2);
      expect(oneLine(result.stderr)).to.match(/is not over yet .*--partial/);
    }
    expect(await listKeys(store, SUMMARY)).to.deep.equal(before);

    const partial = await run(['--frequency', 'Monthly', '--end', formatDate(today), '--partial']);
    expect(partial.code, partial.stderr).to.equal(0);
    const manifest = await manifestOf(store, `Monthly/${folder}`);
    expect(manifest.complete).to.equal(false);
    expect(manifest.csvKey).to.match(/-partial\.csv$/);
    expect(manifest.recordsRated, JSON.stringify(manifest)).to.be.at.least(1);

    const over = await run(['--frequency', 'Daily', '--end', '2025-02-10', '--partial']);
    expect(over.code).to.equal(2);
    expect(oneLine(over.stderr)).to.contain('--partial is for a period not over yet');
    const complete = await manifestOf(store, 'Daily/2025/02/10');
    expect(complete.complete).to.equal(true);
  });

  it('skips and counts dot-files and temp files, counts unexpected objects, names late arrivals', async () => {
    const day = `${CDRS}${VC1}/2025/02/20/`;
    await store.write(
      objectKey(VC1, '2025/02/20', '2025-02-20T08:00:00Z', 'b1'),
      cdr('b1', VC1, '2025-02-20T08:00:00Z'),
    );
    await store.write(`${day}.DS_Store`, 'Bud1 not json');
    // Filed on 02-20 for a call of 02-17: a late arrival (not a reject, not silently "outside").
    await store.write(
      objectKey(VC1, '2025/02/20', '2025-02-17T23:00:00Z', 'late1'),
      cdr('late1', VC1, '2025-02-17T23:00:00Z'),
    );
    await store.write(`${day}nested/10.00.00.000_n1`, cdr('n1', VC1, '2025-02-20T10:00:00Z'));
    await store.write(`${CDRS}${VC1}/notes.txt`, 'not a CDR');
    await store.write(`${CDRS}${VC1}/backup/2025/02/20/x`, 'copy');
    await store.write(`${CDRS}${VC1}/2025/02/misplaced`, 'not a CDR');
    // A foreign file in a Parquet partition and one in the report folder: kept, named.
    const foreignParquet = `${SUMMARY}parquet/year=2025/month=02/day=20/notes.txt`;
    const foreignReport = `${SUMMARY}csv/Daily/2025/02/20/README.txt`;
    await store.write(foreignParquet, 'keep me');
    await store.write(foreignReport, 'keep me');

    const result = await run(['--frequency', 'Daily', '--end', '2025-02-20', '--max-reject-ratio', '0']);
    expect(result.code, result.stderr).to.equal(0);
    const manifest = await manifestOf(store, 'Daily/2025/02/20');
    expect(manifest.recordsRejected).to.equal(0);
    expect(manifest.objectsSkipped).to.equal(1);
    expect(manifest.skippedByReason).to.deep.equal({ 'folder-marker': 0, 'dot-file': 1, 'temp-file': 0 });
    expect(manifest.objectsRead).to.equal(2);
    expect(manifest.objectsRead).to.equal(
      manifest.recordsRated + manifest.recordsUnrated + manifest.recordsRejected + manifest.objectsOutsidePeriod,
    );
    expect(manifest.objectsUnexpected).to.equal(4);
    expect([...manifest.unexpectedSamples].sort()).to.deep.equal([
      `${CDRS}${VC1}/2025/02/20/nested/`,
      `${CDRS}${VC1}/2025/02/misplaced`,
      `${CDRS}${VC1}/backup/`,
      `${CDRS}${VC1}/notes.txt`,
    ]);
    expect(manifest.lateArrivals).to.deep.equal([
      {
        key: objectKey(VC1, '2025/02/20', '2025-02-17T23:00:00Z', 'late1'),
        callIdField: 'TransactionId',
        callId: 'late1',
        startDay: '2025-02-17',
        folderDay: '2025-02-20',
        periods: [
          { frequency: 'Daily', end: '2025-02-17' },
          { frequency: 'Weekly', end: '2025-02-23' },
          { frequency: 'Monthly', end: '2025-02-28' },
        ],
      },
    ]);
    expect(manifest.lateArrivalsTotal).to.equal(1);
    expect(manifest.lateArrivalFolders).to.deep.equal([
      { folder: `${CDRS}${VC1}/2025/02/20/`, startDays: ['2025-02-17'] },
    ]);
    expect(result.stderr).to.match(/"level":"warn".*filed later than the day after/);
    expect(manifest.foreignFilesKept).to.deep.equal([foreignReport, foreignParquet].sort());
    expect(await store.exists(foreignParquet)).to.equal(true);
    expect(await store.exists(foreignReport)).to.equal(true);
  });

  it("a run of the late call's own period lists the folder an earlier run named, so its report holds the call", async () => {
    const first = await run(['--frequency', 'Daily', '--end', '2025-02-17']);
    expect(first.code, first.stderr).to.equal(0);
    const manifest = await manifestOf(store, 'Daily/2025/02/17');
    expect(manifest.lateFoldersRead).to.deep.equal([`${CDRS}${VC1}/2025/02/20/`]);
    expect(manifest.recordsRated).to.equal(1);
    expect(manifest.lateArrivals.map((a) => a.callId)).to.deep.equal(['late1']);
    // The folder's other call (02-20) is read and counted outside the period.
    expect(manifest.objectsOutsidePeriod).to.equal(1);
    const csv = (await store.read(manifest.csvKey)).toString('utf8');
    expect(csv).to.contain('late1');
  });

  it('a sharded run of an empty period: every shard exits 2, the old report stays, the lease is free', async () => {
    const env = { CDR_LEASE_OWNER: 'batch:empty-array' };
    const period = ['--frequency', 'Daily', '--end', '2025-02-11'];
    const before = await listKeys(store, SUMMARY);
    expect(before).to.include(`${SUMMARY}csv/Daily/2025/02/11/manifest.json`);
    for (const index of ['0', '1']) {
      const shard = await runCli(
        ['run', '--source', dir, '--prices', pricesDir, '--quiet', ...period, '--shards', '2', '--shard-index', index],
        env,
      );
      expect(shard.code, shard.stderr).to.equal(2);
      expect(oneLine(shard.stderr)).to.match(/no CDR objects for Daily 2025-02-11.*--allow-empty/);
    }
    expect(await listKeys(store, SUMMARY)).to.deep.equal(before);
  });

  it('a mistyped S3 URI in --source, --dest or --prices exits 2 with a hint and creates no local folder', async () => {
    for (const [option, value] of [
      ['--dest', 'S3://cdr-bucket'],
      ['--dest', 's3:/cdr-bucket'],
      ['--dest', 's3//cdr-bucket'],
      ['--dest', 's3:cdr-bucket'],
      ['--dest', ' s3://cdr-bucket'],
      ['--source', 'S3://cdr-bucket'],
      ['--prices', 's3:/cdr-bucket/prices/'],
    ] as const) {
      const args = ['--frequency', 'Daily', '--end', '2025-02-10', '--quiet'];
      const base: Record<string, string> = { '--source': dir, '--prices': pricesDir };
      base[option] = value;
      const result = await runCli(['run', ...Object.entries(base).flat(), ...args]);
      expect(result.code, `${option} ${value}`).to.equal(2);
      expect(oneLine(result.stderr)).to.match(/mistyped S3 URI|whitespace/);
    }
    for (const name of ['S3:', 's3:', 's3']) expect(existsSync(path.join(REPO_ROOT, name)), name).to.equal(false);
  });
});

describe('run: what it reads, and what it may claim or delete (S3, s3rver)', function () {
  this.timeout(120_000);
  let server: S3rver;
  let store: S3Store;
  let pricesDir: string;

  before(async () => {
    server = await startS3rver();
    await server.createBucket('cdr-bucket');
    store = await S3Store.open('cdr-bucket', '', { client: server.client });
    pricesDir = await mkdtemp(path.join(os.tmpdir(), 'cdr-truth-prices-'));
    await writePrices(await LocalStore.open(pricesDir), '');
    await store.write(
      objectKey(VC1, '2025/02/10', '2025-02-10T10:00:00Z', 'a1'),
      cdr('a1', VC1, '2025-02-10T10:00:00Z'),
    );
    const day = `${CDRS}${VC1}/2025/02/10/`;
    // What consoles and sync tools leave: zero-byte folder markers, a killed local run's temp file.
    for (const key of [day, `${CDRS}${VC1}/`, `${day}10.00.00.000_a1.tmp-123-abc-1`, `${day}.DS_Store`]) {
      await server.client.send(
        new PutObjectCommand({ Bucket: 'cdr-bucket', Key: key, Body: key.endsWith('/') ? '' : 'x' }),
      );
    }
  });

  after(async () => {
    await store?.close();
    await server?.stop();
    await rm(pricesDir, { recursive: true, force: true });
  });

  const run = (source: string, args: readonly string[]) =>
    runCli(['run', '--source', source, '--prices', pricesDir, '--quiet', ...args], server.env);

  it('folder markers, dot-files and temp files are skipped and counted, never rejected', async () => {
    const result = await run('s3://cdr-bucket', [
      '--frequency',
      'Daily',
      '--end',
      '2025-02-10',
      '--max-reject-ratio',
      '0',
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const manifest = await manifestOf(store, 'Daily/2025/02/10');
    expect([manifest.objectsRead, manifest.recordsRated, manifest.recordsRejected]).to.deep.equal([1, 1, 0]);
    expect(manifest.skippedByReason).to.deep.equal({ 'folder-marker': 2, 'dot-file': 1, 'temp-file': 1 });
    expect(manifest.objectsSkipped).to.equal(4);
    expect(manifest.objectsUnexpected).to.equal(0);
  });

  it('s3://bucket/<CDR prefix>/json/ is re-rooted; an empty period exits 2 and deletes nothing', async () => {
    const rerooted = await run(`s3://cdr-bucket/${CDRS}`, ['--frequency', 'Daily', '--end', '2025-02-10']);
    expect(rerooted.code, rerooted.stderr).to.equal(0);
    expect((await manifestOf(store, 'Daily/2025/02/10')).source).to.equal('s3://cdr-bucket');
    const before = await listKeys(store, SUMMARY);
    const empty = await run('s3://cdr-bucket', ['--frequency', 'Weekly', '--end', '2025-02-09']);
    expect(empty.code).to.equal(2);
    const line = oneLine(empty.stderr);
    expect(line).to.contain(`s3://cdr-bucket/${CDRS}`);
    expect(line).to.contain(`nearest day folder found: s3://cdr-bucket/${CDRS}${VC1}/2025/02/10/ (the next day)`);
    expect(await listKeys(store, SUMMARY)).to.deep.equal(before);
    const typo = await run('s3://cdr-bucket/Amazon-Chime-Voice-Connector-CDR/', [
      '--frequency',
      'Daily',
      '--end',
      '2025-02-10',
    ]);
    expect(typo.code).to.equal(2);
    expect(oneLine(typo.stderr)).to.contain('no connector or account folders');
  });
});
