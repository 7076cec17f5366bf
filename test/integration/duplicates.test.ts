import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseDate } from '../../job/core/period';
import { CHARGE_SCALE } from '../../job/core/schema';
import { generateCorpus } from '../../job/generate/corpus';
import type { Manifest } from '../../job/sinks/manifest';
import { LocalStore } from '../../job/store/local';
import { runCli } from '../support/cli';
import { duckdbQuery } from '../support/duckdb';
import { listKeys, manifestAcrossLayouts, parquetCalls } from '../support/outputs';

const CDRS = 'Amazon-Chime-Voice-Connector-CDRs/json/';
const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const PERIOD = ['--frequency', 'Weekly', '--end', '2025-03-04', '--quiet'];
/**
 * Every run charges a 12.5 % markup and names the connectors: the charges, the margin, the names and
 * the FOCUS export hold each call once too.
 */
const MARKUP = ['--markup', '12.5'];
const REPORT = `${SUMMARY}csv/Weekly/2025/03/04/`;
const REJECTS = `${SUMMARY}rejects/Weekly/2025/03/04/rejects.jsonl`;
/** Sorted after every generated connector, and the day after the period: last in crawl order. */
const REDELIVERED = `${CDRS}zz-redelivered/2025/03/05/`;

interface RejectLine {
  readonly key: string;
  readonly code: string;
  readonly reason: string;
}

function rejectLines(bytes: Buffer): RejectLine[] {
  return bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RejectLine);
}

describe('each call billed once: re-delivered TransactionIds (single run, worker threads, shards + finalize)', function () {
  this.timeout(300_000);
  let dir: string;
  let store: LocalStore;
  let prices: string;
  let connectors: string;
  const copies: string[] = [];
  let base: Manifest;
  let one: Manifest;

  const manifestOf = async (dest: string): Promise<Manifest> =>
    JSON.parse((await store.read(`${dest}/${REPORT}manifest.json`)).toString()) as Manifest;
  const run = async (dest: string, extra: string[] = [], env: Record<string, string> = {}) => {
    const result = await runCli(
      [
        'run',
        '--source',
        dir,
        '--dest',
        path.join(dir, dest),
        '--prices',
        prices,
        ...PERIOD,
        ...MARKUP,
        '--connectors',
        connectors,
        ...extra,
      ],
      env,
    );
    expect(result.code, result.stderr).to.equal(0);
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-duplicates-'));
    store = await LocalStore.open(dir);
    const generated = await generateCorpus({
      store,
      service: 'AmazonChimeVoiceConnector',
      calls: 600,
      days: 7,
      connectors: 3,
      seed: 5,
      end: parseDate('2025-03-04'),
      unknownUsageTypeRatio: 0.05,
    });
    prices = path.join(dir, generated.pricesKey);
    // Published after the calls: every rated call counts as rated with later prices, so a copy billed
    // twice would show in that count too.
    const offer = JSON.parse(await readFile(prices, 'utf8')) as Record<string, unknown>;
    await writeFile(prices, JSON.stringify({ ...offer, publicationDate: '2025-06-01T00:00:00Z' }));
    connectors = path.join(dir, 'connectors.csv');
    await writeFile(
      connectors,
      ['VoiceConnectorId,Name,team', ...generated.partitions.map((id, i) => `${id},Trunk ${i + 1},ops`)].join('\n'),
    );
    await run('base', ['--workers', '0']);
    base = await manifestOf('base');

    const originals = (await listKeys(store, CDRS)).filter((key) => !key.includes('/2025/03/05/'));
    const pick = (i: number) => originals[Math.floor((i * originals.length) / 7)] as string;
    // Re-delivered in a folder read last (another shard than the original's), one of them twice.
    for (const [i, suffix] of [
      [1, 'a'],
      [2, 'a'],
      [3, 'a'],
      [3, 'b'],
      [6, 'a'],
    ] as const) {
      const original = pick(i);
      const copy = `${REDELIVERED}${original.split('/').pop()}-${suffix}`;
      await store.write(copy, await store.read(original));
      copies.push(copy);
    }
    // Re-delivered next to the original (same folder, same shard), with other minutes: the first one counts.
    const original = pick(4);
    const body = JSON.parse((await store.read(original)).toString()) as Record<string, unknown>;
    const copy = `${original}-again`;
    await store.write(copy, JSON.stringify({ ...body, BillableDurationMinutes: 9, BillableDurationSeconds: 540 }));
    copies.push(copy);
    await run('one', ['--workers', '0', '--max-reject-ratio', '0']);
    one = await manifestOf('one');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bills each call once: the same calls, cost and CSV as without the copies; copies listed as duplicate-call', async () => {
    expect(one.recordsDuplicate).to.equal(copies.length);
    expect(one.callsRatedWithLaterPrices).to.equal(one.recordsRated).and.be.greaterThan(0);
    expect(one.objectsRead).to.equal(base.objectsRead + copies.length);
    expect(one.recordsRejected).to.equal(base.recordsRejected);
    expect(one.objectsRead).to.equal(
      one.recordsRated + one.recordsUnrated + one.recordsRejected + one.recordsDuplicate + one.objectsOutsidePeriod,
    );
    // The copies' folder is one more connector folder, and the copies filed days after their calls are
    // named as late arrivals (a period's report must list every late CDR named for it); everything
    // else is as without them.
    const late = (m: Manifest) => ({
      lateArrivals: m.lateArrivals,
      lateArrivalsTotal: m.lateArrivalsTotal,
      lateArrivalPeriods: m.lateArrivalPeriods,
      lateArrivalFolders: m.lateArrivalFolders,
    });
    const without = (m: Manifest) => {
      const { recordsDuplicate: _r, objectsRead: _o, connectors: _c, ...rest } = manifestAcrossLayouts(m);
      for (const key of Object.keys(late(m))) delete rest[key];
      return rest;
    };
    expect(without(one)).to.deep.equal(without(base));
    expect(base.lateArrivalsTotal).to.equal(0);
    expect(one.lateArrivals.map((l) => l.key).every((key) => copies.includes(key))).to.equal(true);
    expect(one.lateArrivalsTotal).to.be.greaterThan(0);
    expect(base.recordsDuplicate).to.equal(0);
    expect((await store.read(`one/${one.csvKey}`)).equals(await store.read(`base/${base.csvKey}`))).to.equal(true);
    // The charges, the FOCUS export and the aggregates hold each call once as well.
    expect(one.chargedTotal).to.deep.equal(base.chargedTotal);
    expect(one.chargedTotal?.calls).to.equal(one.recordsRated);
    for (const key of ['focusCsvKey', 'aggregatesKey', 'hourlyAggregatesKey'] as const)
      expect((await store.read(`one/${one[key]}`)).equals(await store.read(`base/${base[key]}`)), key).to.equal(true);
    // …and the aggregates compared byte for byte do carry the names, charges and margin.
    expect(one.chargeMargin).to.deep.equal(base.chargeMargin);
    expect(one.chargeMargin?.chargedAmount).to.equal(one.chargedTotal?.amount);
    expect(one.chargeMargin?.marginCalls).to.equal(one.recordsRated);
    const [sums] = await duckdbQuery(
      `select sum(ChargedAmount::decimal(38,${CHARGE_SCALE}))::varchar as charged, sum(ChargedCalls::bigint) as calls,
              sum(Margin::decimal(38,${CHARGE_SCALE}))::varchar as margin, count(*) filter (where ConnectorName like 'Trunk %') as named,
              count(*) as n
         from read_csv('${path.join(dir, 'one', one.aggregatesKey)}', header = true, all_varchar = true, quote = '"', escape = '"', new_line = '\\r\\n')`,
    );
    const trim = (text: unknown) => String(text).replace(/\.?0+$/, '');
    expect(trim(sums?.charged)).to.equal(one.chargedTotal?.amount);
    expect(Number(sums?.calls)).to.equal(one.chargedTotal?.calls);
    expect(trim(sums?.margin)).to.equal(one.chargeMargin?.margin);
    expect(sums?.named).to.equal(sums?.n);
    expect(one.costByConnector.every((c) => c.connectorName?.startsWith('Trunk ') && c.charges)).to.equal(true);
    const duplicates = rejectLines(await store.read(`one/${REJECTS}`)).filter((r) => r.code === 'duplicate-call');
    expect(duplicates.map((r) => r.key).sort()).to.deep.equal([...copies].sort());
    for (const duplicate of duplicates)
      expect(duplicate.reason).to.match(/^TransactionId "[0-9a-f-]{36}" was already billed/);
    const scratch = path.join(dir, 'read');
    expect(await parquetCalls(store, 'one/', path.join(scratch, 'one'))).to.deep.equal(
      await parquetCalls(store, 'base/', path.join(scratch, 'base')),
    );
  });

  it('worker threads bill the first object in crawl order too, deterministically', async () => {
    await run('workers', ['--workers', '2', '--concurrency', '8']);
    const workers = await manifestOf('workers');
    expect(manifestAcrossLayouts(workers)).to.deep.equal(manifestAcrossLayouts(one));
    expect((await store.read(`workers/${workers.csvKey}`)).equals(await store.read(`one/${one.csvKey}`))).to.equal(
      true,
    );
    expect((await store.read(`workers/${REJECTS}`)).equals(await store.read(`one/${REJECTS}`))).to.equal(true);
  });

  it('shards + finalize bill a call read by two shards once, exactly as the single run', async () => {
    const env = { CDR_LEASE_OWNER: 'batch:duplicates-test' };
    for (let i = 0; i < 3; i++) await run('sharded', ['--shards', '3', '--shard-index', String(i)], env);
    const finalize = await runCli(['finalize', '--dest', path.join(dir, 'sharded'), ...PERIOD, '--shards', '3'], env);
    expect(finalize.code, finalize.stderr).to.equal(0);
    const sharded = await manifestOf('sharded');
    expect(manifestAcrossLayouts(sharded)).to.deep.equal(manifestAcrossLayouts(one));
    for (const key of ['focusCsvKey', 'aggregatesKey', 'hourlyAggregatesKey'] as const)
      expect((await store.read(`sharded/${sharded[key]}`)).equals(await store.read(`one/${one[key]}`)), key).to.equal(
        true,
      );
    expect((await store.read(`sharded/${sharded.csvKey}`)).equals(await store.read(`one/${one.csvKey}`))).to.equal(
      true,
    );
    const sortedLines = async (root: string) =>
      rejectLines(await store.read(`${root}/${REJECTS}`))
        .map((r) => JSON.stringify(r))
        .sort();
    expect(await sortedLines('sharded')).to.deep.equal(await sortedLines('one'));
    const scratch = path.join(dir, 'read');
    expect(await parquetCalls(store, 'sharded/', path.join(scratch, 'sharded'))).to.deep.equal(
      await parquetCalls(store, 'one/', path.join(scratch, 'one-again')),
    );
    // The copies read by the last shard were billed by earlier ones: finalize rewrote those files.
    const rewritten = sharded.parquetKeys.filter((key) => key.endsWith('-d.parquet'));
    expect(rewritten).to.not.be.empty;
    // A rewritten file has exactly the types of a file the run wrote.
    const schemaOf = async (key: string) =>
      duckdbQuery(
        `select name, type, logical_type::varchar as logical, repetition_type from parquet_schema('${path.join(dir, 'sharded', key)}')`,
      );
    const written = sharded.parquetKeys.find((key) => !key.endsWith('-d.parquet')) as string;
    expect(await schemaOf(rewritten[0] as string)).to.deep.equal(await schemaOf(written));
    // Every file the manifest names exists; the partial outputs are gone.
    for (const key of sharded.parquetKeys) expect(await store.exists(`sharded/${key}`), key).to.equal(true);
    expect(await listKeys(store, `sharded/${SUMMARY}partials/`)).to.deep.equal([]);
  });
});
