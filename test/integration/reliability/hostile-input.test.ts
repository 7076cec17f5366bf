import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { formatDecimal, parseDecimal } from '../../../job/core/decimal';
import { COST_SCALE, MINUTES_SCALE } from '../../../job/core/schema';
import type { Manifest } from '../../../job/sinks/manifest';
import { LocalStore } from '../../../job/store/local';
import { writePrices } from '../../fixtures/corpus';
import { runCli } from '../../support/cli';
import { duckdbQuery } from '../../support/duckdb';

const CONNECTOR = 'abcdef1ghij2klmno3pqr4';
const FOLDER = `Amazon-Chime-Voice-Connector-CDRs/json/${CONNECTOR}/2025/02/10/`;
const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const START = Date.parse('2025-02-10T10:00:00Z') / 1000;
const US = 'USE1-US-US-outbound-minutes'; // 0.0048 per minute in the fixture's 2024 price version

/** A CSV-significant value: separators, quotes, CR/LF, a formula prefix, non-ASCII. */
const NASTY = '=1+2,"quoted"\r\nline;\ttab \'single\' Zürich 😀';
/** NASTY as the CSV shows it: a formula no more (OWASP `'` prefix). */
const NASTY_IN_CSV = `'${NASTY}`;

function cdr(id: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AwsAccountId: '111122223333',
    TransactionId: id,
    CallId: `${id}@203.0.113.9`,
    VoiceConnectorId: CONNECTOR,
    Status: 'Completed',
    StatusMessage: 'OK',
    SipAuthUser: 'XXXX',
    BillableDurationSeconds: 60,
    BillableDurationMinutes: 1,
    SchemaVersion: '2.0',
    SourcePhoneNumber: '+12065550100',
    SourcePhoneNumberName: 'Reception',
    SourceCountry: 'US',
    DestinationPhoneNumber: '+12065550101',
    DestinationPhoneNumberName: 'Desk',
    DestinationCountry: 'US',
    UsageType: US,
    ServiceCode: 'AmazonChimeVoiceConnector',
    Direction: 'Outbound',
    StartTimeEpochSeconds: START,
    EndTimeEpochSeconds: START + 60,
    Region: 'us-east-1',
    Streaming: false,
    ...patch,
  };
}

const json = (value: unknown) => JSON.stringify(value);

/** Objects that must come out as rows, with their exact cost. */
const GOOD: { name: string; body: string | Uint8Array; cost: string; check?: Record<string, string> }[] = [
  {
    name: 'g01',
    body: json(cdr('g01', { BillableDurationMinutes: '4e-1', BillableDurationSeconds: 24 })),
    cost: '0.00192',
  },
  {
    name: 'g02',
    body: json(cdr('g02', { BillableDurationMinutes: '2.5E0', BillableDurationSeconds: 150 })),
    cost: '0.012',
  },
  {
    name: 'g03',
    body: json(cdr('g03', { BillableDurationMinutes: 1.5e1, BillableDurationSeconds: 900 })),
    cost: '0.072',
  },
  { name: 'g04', body: `\ufeff${json(cdr('g04'))}`, cost: '0.0048' },
  {
    // What a JSON writer prints for 3,599 s / 60: every digit is billed, exactly.
    name: 'g05',
    body: json(cdr('g05', { BillableDurationSeconds: 3599, BillableDurationMinutes: 3599 / 60 })),
    cost: '0.2879200000000000032',
  },
  {
    name: 'g06',
    body: json(cdr('g06')).replace(
      '{',
      '{"__proto__":{"UsageType":"EVIL","BillableDurationMinutes":999},"constructor":{"prototype":{"x":1}},',
    ),
    cost: '0.0048',
  },
  {
    // CSV-significant characters in every free-text field.
    name: 'g07',
    body: json(
      cdr('g07', {
        AwsAccountId: `111${NASTY}`,
        CallId: NASTY,
        Status: NASTY,
        StatusMessage: NASTY,
        SipAuthUser: NASTY,
        SchemaVersion: NASTY,
        SourcePhoneNumber: NASTY,
        SourcePhoneNumberName: NASTY,
        SourceCountry: NASTY,
        DestinationPhoneNumber: NASTY,
        DestinationPhoneNumberName: NASTY,
        DestinationCountry: NASTY,
        Direction: NASTY,
        Region: NASTY,
      }),
    ),
    cost: '0.0048',
    check: {
      AwsAccountId: `111${NASTY}`,
      CallId: NASTY_IN_CSV,
      StatusMessage: NASTY_IN_CSV,
      SourcePhoneNumberName: NASTY_IN_CSV,
      DestinationCountry: NASTY_IN_CSV,
      Region: NASTY_IN_CSV,
    },
  },
];

/** Objects that must be rejected, with the precise code. */
const BAD: { name: string; body: string | Uint8Array; code: string }[] = [
  { name: 'b01', body: json(cdr('b01', { BillableDurationMinutes: '1e400' })), code: 'invalid-number' },
  { name: 'b02', body: json(cdr('b02', { BillableDurationMinutes: '0x10' })), code: 'invalid-number' },
  { name: 'b03', body: json(cdr('b03', { BillableDurationMinutes: -1 })), code: 'negative-value' },
  { name: 'b04', body: json(cdr('b04', { BillableDurationMinutes: '1e-19' })), code: 'too-many-decimals' },
  { name: 'b05', body: json(cdr('b05', { BillableDurationSeconds: 365 * 86_400 })), code: 'duration-out-of-range' },
  { name: 'b06', body: json(cdr('b06', { EndTimeEpochSeconds: START - 1 })), code: 'end-before-start' },
  { name: 'b07', body: json(cdr('b07', { StartTimeEpochSeconds: 1_400_000_000 })), code: 'start-out-of-range' },
  {
    name: 'b08',
    body: json(cdr('b08', { StartTimeEpochSeconds: START * 1000, EndTimeEpochSeconds: null })),
    code: 'start-out-of-range',
  },
  {
    name: 'b09',
    body: Buffer.from(json(cdr('b09', { SourcePhoneNumberName: 'M\xfcller' })), 'latin1'),
    code: 'not-utf8',
  },
  { name: 'b10', body: `{"a":${'['.repeat(60_000)}`, code: 'too-deep' },
  { name: 'b11', body: json(cdr('b11', { Padding: 'x'.repeat(70 * 1024) })), code: 'too-large' },
  { name: 'b12', body: json(cdr('b12', { SourcePhoneNumberName: 'x'.repeat(20_000) })), code: 'string-too-long' },
  { name: 'b13', body: Buffer.from(`\ufeff${json(cdr('b13'))}`, 'utf16le'), code: 'not-utf8' },
  {
    // Duplicate keys: JSON.parse would bill the last one silently.
    name: 'b14',
    body: json(cdr('b14')).replace(
      '"BillableDurationMinutes":1,',
      '"BillableDurationMinutes":1000,"BillableDurationMinutes":2,',
    ),
    code: 'duplicate-key',
  },
  {
    name: 'b15',
    body: json(cdr('b15', { BillableDurationSeconds: 60, BillableDurationMinutes: 44_640 })),
    code: 'duration-mismatch',
  },
];

describe('hostile input through the whole job: a precise reject or an exact row, never a crash', function () {
  this.timeout(60_000);
  let dir: string;
  let store: LocalStore;
  let manifest: Manifest;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-hostile-'));
    store = await LocalStore.open(dir);
    await writePrices(store, 'prices/');
    for (const object of [...GOOD, ...BAD]) await store.write(`${FOLDER}10.00.00.000_${object.name}`, object.body);
    const result = await runCli([
      'run',
      '--source',
      dir,
      '--prices',
      path.join(dir, 'prices'),
      '--frequency',
      'Daily',
      '--end',
      '2025-02-10',
      '--quiet',
    ]);
    expect(result.code, result.stderr).to.equal(0);
    manifest = JSON.parse((await store.read(`${SUMMARY}csv/Daily/2025/02/10/manifest.json`)).toString('utf8'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts reconcile', () => {
    expect(manifest.objectsRead).to.equal(GOOD.length + BAD.length);
    expect(manifest.recordsRated).to.equal(GOOD.length);
    expect(manifest.recordsRejected).to.equal(BAD.length);
  });

  it('every rejected object has its precise code and a reason', async () => {
    const lines = (await store.read(manifest.rejectsKey))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; code: string; reason: string });
    const byName = new Map(lines.map((l) => [l.key.split('_').pop(), l]));
    for (const bad of BAD) {
      expect(byName.get(bad.name)?.code, bad.name).to.equal(bad.code);
      expect(byName.get(bad.name)?.reason, bad.name).to.be.a('string').and.not.equal('');
    }
  });

  it('Parquet keeps the raw text that the CSV neutralised', async () => {
    const files = manifest.parquetKeys.map((key) => `'${path.join(dir, key)}'`).join(',');
    const [g07] = await duckdbQuery(
      `select CallId, SourcePhoneNumberName, AwsAccountId from read_parquet([${files}]) where TransactionId = 'g07'`,
    );
    expect(g07).to.deep.equal({ CallId: NASTY, SourcePhoneNumberName: NASTY, AwsAccountId: `111${NASTY}` });
  });

  it('every accepted object has its exact cost, and CSV-significant text survives a CSV reader', async () => {
    const file = path.join(dir, manifest.csvKey);
    const rows = await duckdbQuery(
      `select * from read_csv('${file}', header = true, all_varchar = true, quote = '"', escape = '"', new_line = '\\r\\n')`,
    );
    const byId = new Map(rows.map((r) => [r.TransactionId, r]));
    for (const good of GOOD) {
      const row = byId.get(good.name);
      expect(row?.RatingStatus, good.name).to.equal('RATED');
      expect(row?.Cost, good.name).to.equal(good.cost);
      for (const [field, value] of Object.entries(good.check ?? {}))
        expect(row?.[field], `${good.name} ${field}`).to.equal(value);
    }
    const total = GOOD.reduce((sum, g) => sum + parseDecimal(g.cost, COST_SCALE), 0n);
    expect(manifest.totalCost).to.equal(formatDecimal(total, COST_SCALE));
  });

  it('Parquet holds every digit: DuckDB reads the 3,599 s call and sums cost and minutes exactly', async () => {
    const files = manifest.parquetKeys.map((key) => `'${path.join(dir, key)}'`).join(',');
    const [g05] = await duckdbQuery(
      `select BillableDurationMinutes::varchar as minutes, Cost::varchar as cost from read_parquet([${files}]) where TransactionId = 'g05'`,
    );
    expect(g05?.minutes).to.equal('59.983333333333334000');
    expect(g05?.cost).to.equal('0.2879200000000000032000000000');
    const [sums] = await duckdbQuery(
      `select sum(Cost)::varchar as cost, sum(BillableDurationMinutes)::varchar as minutes from read_parquet([${files}])`,
    );
    expect(formatDecimal(parseDecimal(String(sums?.cost), COST_SCALE), COST_SCALE)).to.equal(manifest.totalCost);
    const rows = await duckdbQuery(`select BillableDurationMinutes::varchar as m from read_parquet([${files}])`);
    const exactMinutes = rows.reduce((sum, row) => sum + parseDecimal(String(row.m), MINUTES_SCALE), 0n);
    expect(rows).to.have.length(GOOD.length);
    expect(parseDecimal(String(sums?.minutes), MINUTES_SCALE)).to.equal(exactMinutes);
  });
});
