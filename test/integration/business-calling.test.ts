import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { namedQueries } from '../../infra/athena-queries';
import { parseDate } from '../../job/core/period';
import { generateCorpus } from '../../job/generate/corpus';
import { bundledPricesPath } from '../../job/prices/bundled';
import type { Manifest } from '../../job/sinks/manifest';
import { LocalStore } from '../../job/store/local';
import { runCli } from '../support/cli';
import { duckdbQuery } from '../support/duckdb';

const BC = 'AmazonChimeBusinessCalling';
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'prices', 'business-calling');
const REPORT = 'Amazon-Chime-Business-Calling-Summary/csv/Daily/2025/03/03/';
const ACCOUNT = '111122223333';
/** 2025-03-03T10:00:00Z: after the fixtures' offer file (published 2025-02-14), before the GetProducts one (2025-06-01). */
const START = 1740996000;

interface Call {
  readonly id: string;
  readonly direction?: 'Outbound' | 'Inbound';
  readonly caller: [number: string, country: string];
  readonly called: [number: string, country: string];
}

/** One call per matching rule (the CDR's `CdrId` says which). */
const CALLS: readonly Call[] = [
  { id: 'us-to-us', direction: 'Outbound', caller: ['+12065550100', 'US'], called: ['+12065550101', 'US'] },
  { id: 'us-to-gb-fixed', direction: 'Outbound', caller: ['+12065550100', 'US'], called: ['+442079460018', 'GB'] },
  { id: 'us-to-gb-mobile', direction: 'Outbound', caller: ['+12065550100', 'US'], called: ['+447911123456', 'GB'] },
  { id: 'gb-to-us-local', direction: 'Inbound', caller: ['+442079460018', 'GB'], called: ['+12065550100', 'US'] },
  { id: 'us-to-us-toll-free', direction: 'Inbound', caller: ['+13125550100', 'US'], called: ['+18005550100', 'US'] },
  // Only an SMS row names US→CA: a call must never take a text-message price.
  { id: 'us-to-ca-sms-only', direction: 'Outbound', caller: ['+12065550100', 'US'], called: ['+14165550100', 'CA'] },
  { id: 'no-direction', caller: ['+12065550100', 'US'], called: ['+12065550101', 'US'] },
];

function cdrOf(call: Call, index: number): { key: string; body: string } {
  const start = START + index * 60;
  const conference = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  const body = {
    SchemaVersion: '2.0',
    CdrId: call.id,
    ServiceCode: BC,
    ChimeAccountId: '12a3456b-7c89-012d-3456-78901e23fg45',
    AwsAccountId: ACCOUNT,
    ConferenceId: conference,
    CallerPhoneNumber: call.caller[0],
    CallerCountry: call.caller[1],
    DestinationPhoneNumber: call.called[0],
    DestinationCountry: call.called[1],
    StartTimeEpochSeconds: String(start),
    EndTimeEpochSeconds: String(start + 60),
    BillableDurationSeconds: '60',
    BillableDurationMinutes: '1',
    ...(call.direction ? { Direction: call.direction } : {}),
  };
  const time = new Date(start * 1000).toISOString().slice(11, 23).replace(/:/g, '.');
  return {
    key: `Amazon-Chime-Business-Calling-CDRs/json/${ACCOUNT}/2025/03/03/${conference}_2025-03-03-${time}_${call.id}`,
    body: JSON.stringify(body),
  };
}

interface Rated {
  readonly manifest: Manifest;
  /** CdrId → [RatingStatus, UsageType, PricePerUnit, PriceVersion]. */
  readonly rows: ReadonlyMap<string, readonly unknown[]>;
  readonly stderr: string;
}

async function rateWith(prices: string): Promise<Rated> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-bc-rules-'));
  try {
    const store = await LocalStore.open(dir);
    for (const [i, call] of CALLS.entries()) {
      const { key, body } = cdrOf(call, i);
      await store.write(key, body);
    }
    const result = await runCli([
      'run',
      ...['--source', dir, '--prices', prices, '--service', BC, '--frequency', 'Daily', '--end', '2025-03-03'],
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const manifest = JSON.parse((await store.read(`${REPORT}manifest.json`)).toString()) as Manifest;
    const csv = path.join(dir, manifest.csvKey);
    const rows = await duckdbQuery(
      `select CdrId as id, RatingStatus as status, UsageType as usage, PricePerUnit::varchar as price, PriceVersion as version
         from read_csv('${csv}', header = true, all_varchar = true)`,
    );
    return {
      manifest,
      rows: new Map(rows.map((r) => [String(r.id), [r.status, r.usage, r.price, r.version]])),
      stderr: result.stderr,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('Business Calling rated against prices in the real AWS shape', function () {
  this.timeout(180_000);

  describe('offer file (FromCountry/ToCountry/NumberType/messagetype, no call-type column)', () => {
    let rated: Rated;
    before(async () => {
      rated = await rateWith(path.join(FIXTURES, 'offer-file.json'));
    });

    it('matches caller/called countries by Direction and the called number kind, and writes the usage type', () => {
      const v = '20250214201617';
      // USE1 and USW2 agree on US→US: rated, the first usage type reported.
      expect(rated.rows.get('us-to-us')).to.deep.equal(['RATED', 'USE1-US-US-outbound-minutes', '0.0048', v]);
      // libphonenumber: +44 20 is fixed-line (generic GB price), +44 7911 mobile (the Mobile price).
      expect(rated.rows.get('us-to-gb-fixed')).to.deep.equal(['RATED', 'USE1-US-GB-outbound-minutes', '0.0124', v]);
      expect(rated.rows.get('us-to-gb-mobile')).to.deep.equal([
        'RATED',
        'USE1-US-GB-outbound-mobile-minutes',
        '0.04',
        v,
      ]);
      expect(rated.rows.get('gb-to-us-local')).to.deep.equal(['RATED', 'USE1-US-inbound-minutes', '0.0022', v]);
      expect(rated.rows.get('us-to-us-toll-free')).to.deep.equal([
        'RATED',
        'USE1-US-tollfree-inbound-minutes',
        '0.013',
        v,
      ]);
      expect(rated.rows.get('us-to-ca-sms-only')).to.deep.equal(['UNRATED_NO_USAGE_TYPE', null, null, v]);
      expect(rated.rows.get('no-direction')).to.deep.equal(['UNRATED_NO_USAGE_TYPE', null, null, v]);
    });

    it('counts and costs them in the manifest, published before the calls and not illustrative', () => {
      const m = rated.manifest;
      expect([m.recordsRated, m.recordsUnrated]).to.deep.equal([5, 2]);
      expect(m.totalCost).to.equal('0.0724');
      expect(m.costByUsageType.map((c) => c.usageType)).to.include('USE1-US-GB-outbound-mobile-minutes');
      expect(m.ambiguousPrices).to.deep.equal([]);
      expect(m.callsRatedWithLaterPrices).to.equal(0);
      expect(m.illustrativePrices).to.equal(false);
      expect(m.priceVersions[0]?.publishedAt).to.equal('2025-02-14T20:16:17.000Z');
    });
  });

  describe('GetProducts response published after the calls, two Regions disagreeing on US→US', () => {
    let rated: Rated;
    before(async () => {
      rated = await rateWith(path.join(FIXTURES, 'get-products.json'));
    });

    it('keeps the disagreeing call unrated as ambiguous and names the candidates in the manifest', () => {
      expect(rated.rows.get('us-to-us')).to.deep.equal(['UNRATED_AMBIGUOUS_PRICE', null, null, '20250601000000']);
      expect(rated.manifest.unratedByStatus).to.deep.include({ UNRATED_AMBIGUOUS_PRICE: 1 });
      expect(rated.manifest.ambiguousPrices).to.deep.equal([
        {
          usageTypes: ['USE1-US-US-outbound-minutes', 'USW2-US-US-outbound-minutes'],
          prices: ['0.0048', '0.005'],
          calls: 1,
        },
      ]);
      expect(rated.stderr).to.include('several products match and their prices differ');
    });

    it('counts the calls rated with prices published after them, and warns', () => {
      expect(rated.manifest.recordsRated).to.equal(4);
      expect(rated.manifest.callsRatedWithLaterPrices).to.equal(4);
      expect(rated.manifest.priceVersions[0]?.publishedAt).to.equal('2025-06-01T00:00:00.000Z');
      expect(rated.stderr).to.include('rated with prices published after the call started');
    });
  });

  describe('bulk folder (the bundled illustrative prices)', () => {
    let rated: Rated;
    before(async () => {
      rated = await rateWith(bundledPricesPath(BC));
    });

    it('rates by the version in effect, flags the prices illustrative and warns', () => {
      expect(rated.rows.get('us-to-gb-mobile')).to.deep.equal([
        'RATED',
        'USE1-US-GB-outbound-mobile-minutes',
        '0.04',
        '20250214201617',
      ]);
      expect(rated.rows.get('us-to-us')?.[0]).to.equal('RATED');
      expect(rated.manifest.illustrativePrices).to.equal(true);
      expect(rated.stderr).to.include('ILLUSTRATIVE prices');
    });
  });
});

describe('Business Calling end to end (generated corpus, the generator price file in the real shape)', function () {
  this.timeout(180_000);
  let dir: string;
  let manifest: Manifest;
  let generatedCalls: number;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-bc-'));
    const store = await LocalStore.open(dir);
    const generated = await generateCorpus({
      store,
      service: BC,
      calls: 400,
      days: 3,
      connectors: 2,
      seed: 21,
      end: parseDate('2025-03-04'),
      unknownUsageTypeRatio: 0.05,
    });
    generatedCalls = generated.objects;
    const result = await runCli([
      'run',
      ...['--source', dir, '--prices', path.join(dir, generated.pricesKey), '--service', BC],
      ...['--frequency', 'Daily', '--end', '2025-03-04'],
    ]);
    expect(result.code, result.stderr).to.equal(0);
    manifest = JSON.parse(
      (await store.read('Amazon-Chime-Business-Calling-Summary/csv/Daily/2025/03/04/manifest.json')).toString(),
    ) as Manifest;
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps every call: rated where a price identifies it, unrated with the reason otherwise', async () => {
    expect(manifest.service).to.equal(BC);
    expect(manifest.recordsRejected).to.equal(0);
    expect(manifest.recordsRated).to.be.greaterThan(0);
    expect(Object.keys(manifest.unratedByStatus)).to.deep.equal(['UNRATED_NO_USAGE_TYPE']);
    expect(manifest.objectsRead).to.equal(
      manifest.recordsRated + manifest.recordsUnrated + manifest.recordsRejected + manifest.objectsOutsidePeriod,
    );
    expect(manifest.objectsRead).to.be.at.most(generatedCalls);
    expect(manifest.illustrativePrices).to.equal(true);
    // No text-message price ever rates a call.
    expect(manifest.costByUsageType.some((c) => c.usageType.endsWith('-sms'))).to.equal(false);
  });

  it('records the usage type a price was identified by, and the CSV total equals the manifest total', async () => {
    const rows = await duckdbQuery(
      `select RatingStatus as status, count(*)::int as n, count(UsageType)::int as withUsageType,
              sum(Cost)::varchar as cost
         from read_csv('${path.join(dir, manifest.csvKey)}', header = true, types = {'Cost': 'DECIMAL(38,16)'})
        group by RatingStatus order by RatingStatus`,
    );
    const rated = rows.find((r) => r.status === 'RATED');
    expect(rated?.n).to.equal(manifest.recordsRated);
    expect(rated?.withUsageType).to.equal(manifest.recordsRated);
    expect(String(rated?.cost).replace(/\.?0+$/, '')).to.equal(manifest.totalCost);
    const unrated = rows.find((r) => r.status === 'UNRATED_NO_USAGE_TYPE');
    expect(unrated?.withUsageType).to.equal(0);
    expect(unrated?.cost).to.equal(null);
  });

  it('answers the Athena named queries over its Parquet dataset (run in DuckDB, Trino functions mapped)', async () => {
    const parquet = path.join(dir, 'Amazon-Chime-Business-Calling-Summary', 'parquet', '**', '*.parquet');
    for (const query of namedQueries(BC, 'd', 't')) {
      // The queries look back from today; shift the calls' days into that window.
      const sql = query.sql
        .replace(
          /"d"\."t"/g,
          `(select * replace (year(current_date) as year, month(current_date) as month, day(current_date) as day)
           from read_parquet('${parquet}', hive_partitioning = true))`,
        )
        .replace(/date_format\(/g, 'strftime(')
        .replace(/format\('/g, "printf('");
      const rows = await duckdbQuery(sql);
      expect(rows.length, query.id).to.be.greaterThan(0);
    }
  });

  it('writes the FOCUS export per account: no resource or region, BilledCost summing to totalCost', async () => {
    const [focus] = await duckdbQuery(
      `select sum(BilledCost)::varchar as cost, count(*) filter (where ResourceId is not null) as withResource,
              count(*) filter (where RegionId is not null) as withRegion, count(distinct SubAccountId) as accounts,
              min(ServiceName) as service, sum(x_CallCount) as calls
         from read_parquet('${path.join(dir, manifest.focusParquetKey)}')`,
    );
    expect(String(focus?.cost).replace(/\.?0+$/, '')).to.equal(manifest.totalCost);
    expect(Number(focus?.withResource)).to.equal(0);
    expect(Number(focus?.withRegion)).to.equal(0);
    expect(Number(focus?.accounts)).to.equal(2);
    expect(focus?.service).to.equal('Amazon Chime Business Calling');
    expect(Number(focus?.calls)).to.equal(manifest.recordsRated);
  });
});
