import { existsSync, promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Manifest } from '../../../job/sinks/manifest';
import { LocalStore } from '../../../job/store/local';
import { type CliResult, generateArgs, runCli, startCli } from '../../support/cli';
import { duckdbQuery } from '../../support/duckdb';
import { dailyLeaseRecord } from '../../support/lease-records';
import { filesBelow as files, manifestWithoutClock, waitFor } from '../../support/outputs';

const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const REPORT = `${SUMMARY}csv/Weekly/2025/01/03/`;
const MANIFEST = `${REPORT}manifest.json`;
const LEASE = `${SUMMARY}leases/Weekly-2025-01-03.json`;
const CALLS = 6_000;

function lastLine(stderr: string): string {
  return stderr.trim().split('\n').pop() ?? '';
}

describe('crash safety and one run per period (local file system, generated tree)', function () {
  this.timeout(120_000);
  let source: string;
  let prices: string;
  let scratch: string;
  let clean: { manifest: Manifest; csv: Buffer; rejects: Buffer };

  const runArgs = (dest: string) => [
    'run',
    '--source',
    source,
    '--dest',
    dest,
    '--prices',
    prices,
    '--frequency',
    'Weekly',
    '--end',
    '2025-01-03',
    '--quiet',
  ];

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cdr-crash-'));
    source = path.join(scratch, 'bucket');
    const generated = await runCli(
      generateArgs({ out: source, calls: CALLS, days: 3, connectors: 3, seed: 7, end: '2025-01-03' }),
    );
    expect(generated.code, generated.stderr).to.equal(0);
    prices = path.join(source, 'prices', 'AmazonChimeVoiceConnector-offer.json');
    const dest = path.join(scratch, 'clean');
    const result = await runCli(runArgs(dest));
    expect(result.code, result.stderr).to.equal(0);
    const store = await LocalStore.open(dest);
    const manifest = JSON.parse((await store.read(MANIFEST)).toString('utf8')) as Manifest;
    clean = { manifest, csv: await store.read(manifest.csvKey), rejects: await store.read(manifest.rejectsKey) };
    expect(manifest.recordsRated + manifest.recordsUnrated).to.be.greaterThan(CALLS * 0.9);
  });

  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function expectEqualsClean(dest: string): Promise<void> {
    const store = await LocalStore.open(dest);
    const manifest = JSON.parse((await store.read(MANIFEST)).toString('utf8')) as Manifest;
    expect(manifestWithoutClock(manifest)).to.deep.equal(manifestWithoutClock(clean.manifest));
    expect((await store.read(manifest.csvKey)).equals(clean.csv), 'CSV bytes').to.equal(true);
    expect((await store.read(manifest.rejectsKey)).equals(clean.rejects), 'rejects bytes').to.equal(true);
    // The period folder holds exactly the report and the manifest (temporary files are invisible to stores).
    const listed = (await store.listFolder(REPORT)).objects.map((o) => o.key);
    expect(listed).to.deep.equal([manifest.csvKey, MANIFEST].sort());
    // Every call exactly once in the Parquet dataset, read back by DuckDB.
    const glob = path.join(dest, SUMMARY, 'parquet', '**', '*.parquet');
    const [row] = await duckdbQuery(
      `select count(*)::integer as n, count(distinct TransactionId)::integer as distinct_ids from read_parquet('${glob}', hive_partitioning = true)`,
    );
    expect(row).to.deep.equal({
      n: manifest.recordsRated + manifest.recordsUnrated,
      distinct_ids: manifest.recordsRated + manifest.recordsUnrated,
    });
    const listedParquet: string[] = [];
    for await (const entry of store.listAll(`${SUMMARY}parquet/`)) listedParquet.push(entry.key);
    expect(listedParquet).to.deep.equal([...manifest.parquetKeys].sort());
  }

  it('two concurrent runs of one period: one proceeds, the other exits 3 with one clear line', async () => {
    const dest = path.join(scratch, 'concurrent');
    const a = startCli(runArgs(dest));
    const b = startCli(runArgs(dest));
    const results = await Promise.all([a.result, b.result]);
    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map((r) => r.stderr).join('\n')).to.deep.equal([0, 3]);
    const loser = results.find((r) => r.code === 3) as CliResult;
    expect(lastLine(loser.stderr)).to.match(
      /^cdr-summary: Weekly period ending 2025-01-03 is locked by another run \(owner run:[0-9a-f-]+, host .+, pid \d+, since .+, expires .+\); .*cdr-summary lease clear/,
    );
    expect(existsSync(path.join(dest, LEASE)), 'lease released').to.equal(false);
    await expectEqualsClean(dest);
  });

  it('SIGKILL of a Batch job’s run while the CSV is being written: no manifest; another run is refused until `lease clear`, then equals a clean run', async () => {
    const dest = path.join(scratch, 'killed-mid-csv');
    // A shared owner (a Batch job's) is never judged dead by one pid: its next attempt, or `lease clear`, goes on.
    const run = startCli(runArgs(dest), { CDR_LEASE_OWNER: 'batch:killed-job' });
    const reportDir = path.join(dest, REPORT);
    // Kill once a good part of the report has been streamed to its temporary file.
    await waitFor(
      async () => {
        for (const name of await files(reportDir)) {
          if (!name.includes('.tmp-')) continue;
          const size = (await fs.stat(path.join(reportDir, name)).catch(() => undefined))?.size ?? 0;
          if (size > clean.csv.length / 3) return true;
        }
        return false;
      },
      60_000,
      'the CSV to be half written',
    );
    run.child.kill('SIGKILL');
    const killed = await run.result;
    expect(killed.signal).to.equal('SIGKILL');
    expect(existsSync(path.join(dest, MANIFEST)), 'no manifest').to.equal(false);
    expect(existsSync(path.join(dest, LEASE)), 'the dead run still holds the lease').to.equal(true);

    const blocked = await runCli(runArgs(dest));
    expect(blocked.code).to.equal(3);
    expect(lastLine(blocked.stderr)).to.contain('locked by another run');

    const show = await runCli([
      'lease',
      'show',
      '--source',
      source,
      '--dest',
      dest,
      '--frequency',
      'Weekly',
      '--end',
      '2025-01-03',
    ]);
    expect(show.code, show.stderr).to.equal(0);
    expect(show.stdout).to.contain(`"pid": ${run.child.pid}`);
    const cleared = await runCli([
      'lease',
      'clear',
      '--source',
      source,
      '--dest',
      dest,
      '--frequency',
      'Weekly',
      '--end',
      '2025-01-03',
    ]);
    expect(cleared.code, cleared.stderr).to.equal(0);
    expect(cleared.stdout).to.match(
      /^cleared lease .*Weekly-2025-01-03\.json \(Weekly period ending 2025-01-03, owner batch:killed-job/,
    );

    const rerun = await runCli(runArgs(dest));
    expect(rerun.code, rerun.stderr).to.equal(0);
    await expectEqualsClean(dest);
  });

  it('SIGKILL once Parquet files are staged, on a dest holding an older complete run: that run’s outputs stay intact; a retried attempt (same owner) re-runs cleanly', async () => {
    const dest = path.join(scratch, 'killed-mid-parquet');
    // An earlier complete run of the period: it stays complete and consistent until the new run commits.
    await fs.cp(path.join(scratch, 'clean'), dest, { recursive: true });
    // Another run is committing the last day (its day lease): the run stages everything, then waits
    // for that day before its commit, which is where it is killed (deterministically before the commit).
    const blocker = path.join(dest, SUMMARY, 'leases', 'days', '2025-01-03.json');
    await fs.mkdir(path.dirname(blocker), { recursive: true });
    await fs.writeFile(blocker, JSON.stringify(dailyLeaseRecord('2025-01-03')));
    const env = { AWS_BATCH_JOB_ID: 'job-1234' };
    const run = startCli(runArgs(dest), env);
    let logs = '';
    run.child.stderr?.on('data', (chunk: Buffer) => {
      logs += chunk.toString('utf8');
    });
    let ended = false;
    run.result.then(() => {
      ended = true;
    });
    // Kill the run as soon as it has staged its first Parquet file.
    await waitFor(
      async () => {
        if (ended) throw new Error(`the run ended before staging Parquet files\n${(await run.result).stderr}`);
        return (await files(path.join(dest, SUMMARY, 'staging'))).some((f) => f.endsWith('.parquet'));
      },
      60_000,
      'a staged Parquet file',
    );
    await waitFor(
      async () => {
        if (ended) throw new Error(`the run ended before its commit\n${logs}`);
        return logs.includes('waiting for another run');
      },
      60_000,
      'the run to wait for the last day',
    );
    run.child.kill('SIGKILL');
    expect((await run.result).signal).to.equal('SIGKILL');
    // Nothing of the killed run is visible: the older run's manifest, report and dataset are as they were.
    await expectEqualsClean(dest);
    // The other run finishes its commit; the next attempt of the same Batch job joins its own lease
    // instead of waiting for it to expire.
    await fs.rm(blocker);
    const rerun = await runCli(runArgs(dest), env);
    expect(rerun.code, rerun.stderr).to.equal(0);
    expect(existsSync(path.join(dest, LEASE))).to.equal(false);
    await expectEqualsClean(dest);
  });
});
