import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { dashboardQueries } from '../../infra/athena-queries';
import { aggregateColumns } from '../../job/core/aggregate-columns';
import { FOCUS_COLUMNS } from '../../job/core/focus/columns';
import type { FocusMetadata } from '../../job/core/focus/metadata';
import { COST_SCALE } from '../../job/core/schema';
import type { Manifest } from '../../job/sinks/manifest';
import { LocalStore } from '../../job/store/local';
import type { ObjectStore } from '../../job/store/object-store';
import { S3Store } from '../../job/store/s3';
import { CONNECTOR_A, CONNECTOR_B, EXPECTED, writeCorpus, writePrices } from '../fixtures/corpus';
import { runCli } from '../support/cli';
import { duckdbQuery } from '../support/duckdb';
import { listKeys } from '../support/outputs';
import { type S3rver, startS3rver } from '../support/s3rver';

const SUMMARY = 'Amazon-Chime-Voice-Connector-Summary/';
const WEEKLY = [...EXPECTED.weekly.args];
const FOCUS_FOLDER = `${SUMMARY}focus/Weekly/2025/03/02/`;

/**
 * Every corpus call dials +12065550101. Outbound calls match prefix 1 (the rate changes on
 * 2025-03-01, to the second); the one inbound call (c12) has no row: NO_MATCH. Charges worked out by
 * hand (60/6 increments, 0.01 connection fee):
 *   c01 90 s old 0.019 · c02 6→60 s 0.016 · c03 120 s new 0.028 · c04 198 s old 0.0298 · c05 60 s 0.016
 *   c06 60 s new 0.019 · c07 0.016 · c08 24→60 s 0.016 · c09 30→60 s 0.016 · c10 0.016 · c11 600 s new 0.1
 *   = 0.2918 USD over 11 calls.
 */
const DECK = [
  'prefix,direction,rate_per_minute,connection_fee,initial_increment,subsequent_increment,effective_from,effective_to,currency,description',
  '1,outbound,0.006,0.01,60,6,,2025-03-01,USD,"North America, until March"',
  '1,outbound,0.009,0.01,60,6,2025-03-01T00:00:00Z,,USD,North America',
  '44,any,0.03,0,60,60,,,USD,United Kingdom',
].join('\n');

const CONNECTORS = [
  'VoiceConnectorId,Name,team,env',
  `${CONNECTOR_A},"Sales, EMEA",sales,prod`,
  `${CONNECTOR_B},Support,,test`,
].join('\n');

function sqlList(files: readonly string[]): string {
  return `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;
}

describe('rate deck, connector names and the FOCUS export (end to end)', function () {
  this.timeout(240_000);
  let dir: string;
  let store: LocalStore;
  let manifest: Manifest;

  const run = (dest: string, extra: string[], env: Record<string, string> = {}) =>
    runCli(
      [
        'run',
        '--source',
        dir,
        '--dest',
        path.join(dir, dest),
        '--prices',
        path.join(dir, 'prices'),
        ...WEEKLY,
        '--quiet',
        ...extra,
      ],
      env,
    );
  const readManifest = async (dest: string) =>
    JSON.parse((await store.read(`${dest}/${SUMMARY}csv/Weekly/2025/03/02/manifest.json`)).toString()) as Manifest;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cdr-charges-'));
    store = await LocalStore.open(dir);
    await writeCorpus(store);
    await writePrices(store, 'prices/');
    await writeFile(path.join(dir, 'deck.csv'), DECK);
    await writeFile(path.join(dir, 'connectors.csv'), CONNECTORS);
    const result = await run('out', [
      '--workers',
      '0',
      '--rate-deck',
      path.join(dir, 'deck.csv'),
      '--connectors',
      path.join(dir, 'connectors.csv'),
    ]);
    expect(result.code, result.stderr).to.equal(0);
    manifest = await readManifest('out');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts the charged total and the deck misses in the manifest; AWS cost stays as it was', () => {
    expect(manifest.totalCost).to.equal(EXPECTED.weekly.totalCost);
    expect(manifest.chargedTotal).to.deep.equal({ currency: 'USD', amount: '0.2918', calls: 11 });
    expect(manifest.deckNoMatch).to.equal(1);
    expect(manifest.rateDeck).to.equal(path.join(dir, 'deck.csv'));
    expect(manifest.connectorsFile).to.equal(path.join(dir, 'connectors.csv'));
    expect(manifest.focusVersion).to.equal('1.2');
  });

  it('fills the deck and connector columns of every CSV row', async () => {
    const csv = path.join(dir, 'out', manifest.csvKey);
    const rows = await duckdbQuery(
      `select TransactionId, DeckPrefix, DeckRatePerMinute, ChargedSeconds, ChargedAmount, ChargeCurrency, DeckStatus,
              ConnectorName, ConnectorTags, Cost
         from read_csv('${csv}', header = true, all_varchar = true, quote = '"', escape = '"', new_line = '\\r\\n')
        order by TransactionId`,
    );
    const byId = Object.fromEntries(rows.map((r) => [r.TransactionId, r]));
    expect(byId.c04).to.deep.include({
      DeckPrefix: '1',
      DeckRatePerMinute: '0.006',
      ChargedSeconds: '198',
      ChargedAmount: '0.0298',
      ChargeCurrency: 'USD',
      DeckStatus: 'CHARGED',
      ConnectorName: 'Support',
      ConnectorTags: '{"env":"test"}',
      Cost: '0.01584',
    });
    expect(byId.c03).to.deep.include({ DeckRatePerMinute: '0.009', ChargedSeconds: '120', ChargedAmount: '0.028' });
    expect(byId.c02).to.deep.include({ ChargedSeconds: '60', ChargedAmount: '0.016' });
    expect(byId.c12).to.deep.include({
      DeckPrefix: null,
      ChargedAmount: null,
      DeckStatus: 'NO_MATCH',
      ConnectorName: 'Support',
    });
    expect(byId.c10).to.deep.include({ ConnectorName: 'Sales, EMEA', ConnectorTags: '{"env":"prod","team":"sales"}' });
    expect(rows).to.have.length(12);
  });

  it('writes the same columns to Parquet, typed, and DuckDB sums ChargedAmount exactly', async () => {
    const files = manifest.parquetKeys.map((key) => path.join(dir, 'out', key));
    const [totals] = await duckdbQuery(
      `select sum(ChargedAmount)::varchar as charged, typeof(sum(ChargedAmount)) as t,
              count(*) filter (where DeckStatus = 'NO_MATCH') as misses,
              count(distinct ConnectorName) as names, max(ChargedSeconds) as longest,
              typeof(max(ChargedSeconds)) as secondsType
         from read_parquet(${sqlList(files)})`,
    );
    expect(totals?.charged).to.match(/^0\.29180*$/);
    expect(totals?.t).to.match(/^DECIMAL\(38,\d+\)$/);
    expect(Number(totals?.misses)).to.equal(1);
    expect(Number(totals?.names)).to.equal(2);
    expect(Number(totals?.longest)).to.equal(600);
    expect(totals?.secondsType).to.equal('BIGINT');
  });

  it('aggregates carry connector names and exact charges; the margin is taken over calls with both (hand-worked)', async () => {
    // Charged and rated: every call but c05 and c07 (unrated, charged) and c12 (rated, no deck row).
    expect(manifest.chargeMargin).to.deep.equal({
      currency: 'USD',
      chargedCalls: 11,
      chargedAmount: '0.2918',
      marginCalls: 9,
      marginChargedAmount: '0.2598',
      marginCost: '0.10584',
      margin: '0.15396',
      marginPercent: '59.26',
      chargedWithoutCost: 2,
      costWithoutCharge: 1,
      note: 'margin over the 9 call(s) with both a charge and an AWS cost; left out: 2 charged call(s) AWS could not rate, 1 rated call(s) nothing was charged for',
    });
    const byId = Object.fromEntries(manifest.costByConnector.map((c) => [c.connector, c]));
    expect(byId[CONNECTOR_A]).to.deep.include({
      connectorName: 'Sales, EMEA',
      charges: {
        chargedCalls: 6,
        chargedAmount: '0.186',
        marginCalls: 5,
        marginChargedAmount: '0.17',
        marginCost: '0.07568',
        margin: '0.09432',
        marginPercent: '55.48',
      },
    });
    expect(byId[CONNECTOR_B]).to.deep.include({
      connectorName: 'Support',
      charges: {
        chargedCalls: 5,
        chargedAmount: '0.1058',
        marginCalls: 4,
        marginChargedAmount: '0.0898',
        marginCost: '0.03016',
        margin: '0.05964',
        marginPercent: '66.41',
      },
    });
    // Read back by DuckDB: the aggregates add up to the manifest, and to the per-call report's own columns.
    const csv = path.join(dir, 'out', manifest.aggregatesKey);
    const [sums] = await duckdbQuery(
      `select sum(ChargedAmount::decimal(38,${COST_SCALE}))::varchar as charged, sum(ChargedCalls::bigint) as calls,
              sum(MarginChargedAmount::decimal(38,${COST_SCALE}))::varchar as marginCharged,
              sum(MarginCost::decimal(38,${COST_SCALE}))::varchar as marginCost,
              sum(Margin::decimal(38,${COST_SCALE}))::varchar as margin,
              string_agg(distinct ConnectorName || '=' || VoiceConnectorId, '|' order by ConnectorName || '=' || VoiceConnectorId) as names,
              string_agg(distinct ChargeCurrency, '|') as currencies
         from read_csv('${csv}', header = true, all_varchar = true, quote = '"', escape = '"', new_line = '\\r\\n')`,
    );
    const trim = (text: unknown) => String(text).replace(/\.?0+$/, '');
    expect({
      ...sums,
      charged: trim(sums?.charged),
      marginCharged: trim(sums?.marginCharged),
      marginCost: trim(sums?.marginCost),
      margin: trim(sums?.margin),
    }).to.deep.equal({
      charged: '0.2918',
      calls: 11n,
      marginCharged: '0.2598',
      marginCost: '0.10584',
      margin: '0.15396',
      names: `Sales, EMEA=${CONNECTOR_A}|Support=${CONNECTOR_B}`,
      currencies: 'USD',
    });
    const files = manifest.parquetKeys.map((key) => path.join(dir, 'out', key));
    const [parquet] = await duckdbQuery(
      `select sum(ChargedAmount) filter (where Cost is not null)::varchar as marginCharged,
              sum(Cost) filter (where ChargedAmount is not null)::varchar as marginCost
         from read_parquet(${sqlList(files)})`,
    );
    expect(trim(parquet?.marginCharged)).to.equal('0.2598');
    expect(trim(parquet?.marginCost)).to.equal('0.10584');
    const hourly = await duckdbQuery(
      `select distinct ConnectorName from read_csv('${path.join(dir, 'out', manifest.hourlyAggregatesKey)}', header = true, all_varchar = true) order by 1`,
    );
    expect(hourly.map((r) => r.ConnectorName)).to.deep.equal(['Sales, EMEA', 'Support']);
  });

  it('the saved Athena query "charged vs AWS cost by connector" runs over the aggregates and matches the manifest', async () => {
    const query = dashboardQueries('AmazonChimeVoiceConnector', 'db', 'aggregates', 'aggregates_hourly').find(
      (q) => q.id === 'dashboard-charged-vs-cost-by-connector',
    );
    if (!query) throw new Error('no such named query');
    // DuckDB stands in for Athena: the table is the CSV typed as the Glue table declares it (empty
    // cells null), its partition columns today's date, and Trino's date_format a macro.
    const csv = path.join(dir, 'out', manifest.aggregatesKey);
    const today = new Date();
    const columns = aggregateColumns('AmazonChimeVoiceConnector')
      .map((c) => {
        const cell = `"${c.name}"`;
        const typed = c.athenaType === 'string' ? cell : `cast(nullif(${cell}, '') as ${c.athenaType})`;
        return `${typed} as "${c.name.toLowerCase()}"`;
      })
      .join(', ');
    const rows = await duckdbQuery(
      [
        `create macro date_format(d, f) as strftime(d, f);`,
        `create schema db;`,
        `create view db.aggregates as select ${columns}, 'Daily' as frequency, ${today.getUTCFullYear()} as year,`,
        `  ${today.getUTCMonth() + 1} as month, ${today.getUTCDate()} as day`,
        `  from read_csv('${csv}', header = true, all_varchar = true, quote = '"', escape = '"', new_line = '\\r\\n');`,
        `select connector, connector_name, charged::varchar as charged, charged_calls, margin_usd::varchar as margin from (`,
        query.sql,
        `) order by connector`,
      ].join('\n'),
    );
    const trim = (text: unknown) => String(text).replace(/\.?0+$/, '');
    expect(rows.map((r) => ({ ...r, charged: trim(r.charged), margin: trim(r.margin) }))).to.deep.equal(
      [
        {
          connector: CONNECTOR_A,
          connector_name: 'Sales, EMEA',
          charged: '0.186',
          charged_calls: 6n,
          margin: '0.09432',
        },
        { connector: CONNECTOR_B, connector_name: 'Support', charged: '0.1058', charged_calls: 5n, margin: '0.05964' },
      ].sort((a, b) => (a.connector < b.connector ? -1 : 1)),
    );
  });

  it('writes one FOCUS CSV, one FOCUS Parquet file and the FOCUS metadata under focus/<Frequency>/<YYYY>/<MM>/<DD>/', async () => {
    expect(manifest.focusCsvKey.startsWith(FOCUS_FOLDER)).to.equal(true);
    expect(manifest.focusParquetKey.startsWith(`${FOCUS_FOLDER}parquet/`)).to.equal(true);
    expect(manifest.focusMetadataKey).to.equal(`${FOCUS_FOLDER}metadata.json`);
    const keys = await listKeys(store, `out/${SUMMARY}focus/`);
    expect(keys.sort()).to.deep.equal(
      [`out/${manifest.focusCsvKey}`, `out/${manifest.focusParquetKey}`, `out/${manifest.focusMetadataKey}`].sort(),
    );
    const metadata = JSON.parse((await store.read(`out/${manifest.focusMetadataKey}`)).toString()) as FocusMetadata;
    expect(metadata.DataGenerator).to.deep.equal({ DataGenerator: 'chime-cdr-summary' });
    expect(metadata.Schema.FocusVersion).to.equal('1.2');
    expect(metadata.Schema.SchemaId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(metadata.Schema.CreationDate).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(metadata.Schema.ColumnDefinition.map((c) => c.ColumnName)).to.deep.equal(FOCUS_COLUMNS.map((c) => c.name));
    expect(metadata.Schema.ColumnDefinition.find((c) => c.ColumnName === 'BilledCost')).to.deep.equal({
      ColumnName: 'BilledCost',
      DataType: 'DECIMAL',
      NumericPrecision: 38,
      NumberScale: COST_SCALE,
    });
  });

  it('FOCUS: sum(BilledCost) equals the manifest totalCost exactly, in Parquet and in CSV', async () => {
    const parquet = path.join(dir, 'out', manifest.focusParquetKey);
    const csv = path.join(dir, 'out', manifest.focusCsvKey);
    const [p] = await duckdbQuery(
      `select sum(BilledCost)::varchar as billed, sum(EffectiveCost)::varchar as effective, typeof(BilledCost) as t
         from read_parquet('${parquet}') group by all`,
    );
    const trim = (text: unknown) => String(text).replace(/\.?0+$/, '');
    expect(trim(p?.billed)).to.equal(manifest.totalCost);
    expect(trim(p?.effective)).to.equal(manifest.totalCost);
    const [c] = await duckdbQuery(
      `select sum(BilledCost::decimal(38,${COST_SCALE}))::varchar as billed
         from read_csv('${csv}', header = true, all_varchar = true, new_line = '\\r\\n')`,
    );
    expect(trim(c?.billed)).to.equal(manifest.totalCost);
  });

  it('FOCUS: every column of the specification, with its type, at day × connector × usage type grain', async () => {
    const parquet = path.join(dir, 'out', manifest.focusParquetKey);
    const described = await duckdbQuery(`describe select * from read_parquet('${parquet}')`);
    expect(described.map((c) => c.column_name)).to.deep.equal(FOCUS_COLUMNS.map((c) => c.name));
    const typeOf = (name: string) => described.find((c) => c.column_name === name)?.column_type;
    expect(typeOf('BilledCost')).to.equal(`DECIMAL(38,${COST_SCALE})`);
    expect(typeOf('ChargePeriodStart')).to.match(/^TIMESTAMP/);
    expect(typeOf('x_CallCount')).to.equal('BIGINT');
    const mandatory = FOCUS_COLUMNS.filter((c) => !c.nullable).map((c) => `count(${c.name})`);
    const [counts] = await duckdbQuery(
      `select count(*) as n, ${mandatory.map((m, i) => `${m} as c${i}`).join(', ')} from read_parquet('${parquet}')`,
    );
    expect(Number(counts?.n)).to.equal(7);
    for (let i = 0; i < mandatory.length; i++) expect(Number(counts?.[`c${i}`]), mandatory[i]).to.equal(7);
    const rows = await duckdbQuery(
      `select strftime(ChargePeriodStart, '%Y-%m-%d') as day, ResourceId, ResourceName, SkuId, x_CallCount,
              PricingQuantity::varchar as minutes, ListUnitPrice::varchar as price, BilledCost::varchar as cost,
              x_ChargedAmount::varchar as charged, Tags, ChargeCategory, ChargeClass, PricingUnit, ConsumedUnit,
              ServiceName, ServiceCategory, ProviderName, RegionId, RegionName, SubAccountId, SkuPriceId,
              strftime(BillingPeriodStart, '%Y-%m-%dT%H:%M:%SZ') as billingStart,
              strftime(BillingPeriodEnd, '%Y-%m-%dT%H:%M:%SZ') as billingEnd,
              (ListUnitPrice * PricingQuantity = ListCost) as listMatches,
              (ContractedUnitPrice * PricingQuantity = ContractedCost) as contractedMatches
         from read_parquet('${parquet}') order by day, ResourceId, SkuId`,
    );
    expect(rows.every((r) => r.listMatches === true && r.contractedMatches === true)).to.equal(true);
    const trim = (text: unknown) => String(text).replace(/\.?0+$/, '');
    const supportDay = rows.find((r) => r.day === '2025-02-28' && r.ResourceId === CONNECTOR_B);
    expect({
      ...supportDay,
      minutes: trim(supportDay?.minutes),
      price: trim(supportDay?.price),
      cost: trim(supportDay?.cost),
      charged: trim(supportDay?.charged),
    }).to.deep.include({
      ResourceName: 'Support',
      SkuId: 'USE1-US-US-outbound-minutes',
      x_CallCount: 3n,
      minutes: '4.2',
      price: '0.0048',
      cost: '0.02016',
      charged: '0.0618',
      Tags: '{"env":"test"}',
      ChargeCategory: 'Usage',
      ChargeClass: null,
      PricingUnit: 'Minutes',
      ConsumedUnit: 'Minutes',
      ServiceName: 'Amazon Chime Voice Connector',
      ServiceCategory: 'Business Applications',
      ProviderName: 'AWS',
      RegionId: 'us-east-1',
      RegionName: 'US East (N. Virginia)',
      SubAccountId: '111122223333',
      SkuPriceId: '20240101000000:USE1-US-US-outbound-minutes',
      billingStart: '2025-02-01T00:00:00Z',
      billingEnd: '2025-03-01T00:00:00Z',
    });
    // Unrated calls (no price) carry no cost and are not FOCUS charges.
    expect(rows.reduce((n, r) => n + Number(r.x_CallCount), 0)).to.equal(EXPECTED.weekly.rated);
  });

  it('FOCUS CSV: date/times as YYYY-MM-DDTHH:mm:ssZ, the header the FOCUS column IDs', async () => {
    const text = (await store.read(`out/${manifest.focusCsvKey}`)).toString('utf8');
    const [header, first] = text.split('\r\n');
    expect(header).to.equal(FOCUS_COLUMNS.map((c) => c.name).join(','));
    expect(first).to.match(/,2025-02-27T00:00:00Z,/);
    expect(first).not.to.match(/\.000Z/);
  });

  it('worker threads and shards + finalize give the same outputs (deck and connectors cross the thread boundary)', async () => {
    const extra = ['--rate-deck', path.join(dir, 'deck.csv'), '--connectors', path.join(dir, 'connectors.csv')];
    const workers = await run('workers', ['--workers', '2', ...extra]);
    expect(workers.code, workers.stderr).to.equal(0);
    const threaded = await readManifest('workers');
    expect(await store.read(`workers/${threaded.csvKey}`)).to.deep.equal(await store.read(`out/${manifest.csvKey}`));
    expect(await store.read(`workers/${threaded.focusCsvKey}`)).to.deep.equal(
      await store.read(`out/${manifest.focusCsvKey}`),
    );
    for (let i = 0; i < 2; i++) {
      const shard = await run('sharded', ['--workers', '0', ...extra], {
        AWS_BATCH_JOB_ARRAY_SIZE: '2',
        AWS_BATCH_JOB_ARRAY_INDEX: String(i),
        CDR_LEASE_OWNER: 'batch:charges-test',
      });
      expect(shard.code, shard.stderr).to.equal(0);
    }
    // finalize has no --connectors: the names reach it in the shards' aggregates (partial manifests).
    const finalize = await runCli(['finalize', '--dest', path.join(dir, 'sharded'), ...WEEKLY, '--shards', '2'], {
      CDR_LEASE_OWNER: 'batch:charges-test',
    });
    expect(finalize.code, finalize.stderr).to.equal(0);
    const merged = await readManifest('sharded');
    for (const [root, m] of [
      ['workers', threaded],
      ['sharded', merged],
    ] as const) {
      for (const key of ['aggregatesKey', 'hourlyAggregatesKey'] as const)
        expect((await store.read(`${root}/${m[key]}`)).equals(await store.read(`out/${manifest[key]}`)), key).to.equal(
          true,
        );
      expect(m.costByConnector, root).to.deep.equal(manifest.costByConnector);
      expect(m.chargeMargin, root).to.deep.equal(manifest.chargeMargin);
    }
    // The terminal summary names each connector beside its id and states the margin.
    expect(finalize.stdout).to.include(`Sales, EMEA (${CONNECTOR_A})`);
    expect(finalize.stdout).to.include(`Support (${CONNECTOR_B})`);
    expect(finalize.stdout).to.include(
      'margin  0.15396 USD (59.26 % of the charges) = 0.2598 charged - 0.10584 AWS cost;',
    );
    expect(merged.chargedTotal).to.deep.equal(manifest.chargedTotal);
    expect(merged.deckNoMatch).to.equal(1);
    expect(merged.rateDeck).to.equal(manifest.rateDeck);
    expect(await store.read(`sharded/${merged.focusCsvKey}`)).to.deep.equal(
      await store.read(`out/${manifest.focusCsvKey}`),
    );
  });

  it('with --markup, charges Cost × (1 + percent/100) in USD and sums it exactly', async () => {
    const result = await run('markup', ['--markup', '10']);
    expect(result.code, result.stderr).to.equal(0);
    const marked = await readManifest('markup');
    // 0.11134 × 1.1 = 0.122474, over the 10 rated calls.
    expect(marked.chargedTotal).to.deep.equal({ currency: 'USD', amount: '0.122474', calls: 10 });
    expect(marked.deckNoMatch).to.equal(0);
    expect(marked.markupPercent).to.equal('10');
  });

  it('refuses a bad deck before writing anything: exit 2, one line naming the line of the deck', async () => {
    await writeFile(
      path.join(dir, 'bad-deck.csv'),
      `${DECK}\n1,outbound,0.012,0,60,6,2025-02-15,2025-02-20,USD,overlap`,
    );
    const result = await run('refused', ['--rate-deck', path.join(dir, 'bad-deck.csv')]);
    expect(result.code).to.equal(2);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
    expect(result.stderr).to.match(/--rate-deck: line 5: prefix 1 outbound overlaps line 2/);
    expect(await listKeys(store, 'refused/')).to.deep.equal([]);
  });

  it('refuses --rate-deck with --markup, a missing deck and a malformed connectors file (exit 2)', async () => {
    const both = await run('refused', ['--rate-deck', path.join(dir, 'deck.csv'), '--markup', '5']);
    expect(both.code).to.equal(2);
    expect(both.stderr).to.match(
      /option '--rate-deck <file\|s3:\/\/…>' cannot be used with option '--markup <percent>'/,
    );
    const missing = await run('refused', ['--rate-deck', path.join(dir, 'no-such-deck.csv')]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/--rate-deck: .*not found/);
    await writeFile(path.join(dir, 'bad-connectors.csv'), 'Id,Name\nx,y\n');
    const connectors = await run('refused', ['--connectors', path.join(dir, 'bad-connectors.csv')]);
    expect(connectors.code).to.equal(2);
    expect(connectors.stderr).to.match(/--connectors: header must start with VoiceConnectorId,Name/);
    expect(await listKeys(store, 'refused/')).to.deep.equal([]);
  });
});

describe('rate deck and connectors read from S3 (s3rver)', function () {
  this.timeout(180_000);
  let server: S3rver;
  let store: ObjectStore;
  let scratch: string;

  before(async () => {
    server = await startS3rver();
    await server.createBucket('deck-bucket');
    store = await S3Store.open('deck-bucket', '', { client: server.client });
    await writeCorpus(store);
    await writePrices(store, 'prices/');
    await store.write('config/deck.csv', DECK);
    await store.write(
      'config/connectors.json',
      JSON.stringify([
        { VoiceConnectorId: CONNECTOR_A, Name: 'Sales, EMEA', Tags: { team: 'sales', env: 'prod' } },
        { VoiceConnectorId: CONNECTOR_B, Name: 'Support', env: 'test' },
      ]),
    );
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cdr-charges-s3-'));
  });

  after(async () => {
    await server?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('charges and names calls the same as from local files; FOCUS Parquet on S3 sums to totalCost', async () => {
    const result = await runCli(
      [
        'run',
        '--source',
        's3://deck-bucket',
        '--prices',
        's3://deck-bucket/prices/',
        ...WEEKLY,
        '--quiet',
        '--rate-deck',
        's3://deck-bucket/config/deck.csv',
        '--connectors',
        's3://deck-bucket/config/connectors.json',
      ],
      server.env,
    );
    expect(result.code, result.stderr).to.equal(0);
    const manifest = JSON.parse(
      (await store.read(`${SUMMARY}csv/Weekly/2025/03/02/manifest.json`)).toString(),
    ) as Manifest;
    expect(manifest.chargedTotal).to.deep.equal({ currency: 'USD', amount: '0.2918', calls: 11 });
    expect(manifest.rateDeck).to.equal('s3://deck-bucket/config/deck.csv');
    const file = path.join(scratch, 'focus.parquet');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, await store.read(manifest.focusParquetKey));
    const [row] = await duckdbQuery(
      `select sum(BilledCost)::varchar as billed, string_agg(distinct ResourceName, '|' order by ResourceName) as names,
              max(Tags) filter (where ResourceName = 'Sales, EMEA') as tags
         from read_parquet('${file}')`,
    );
    expect(String(row?.billed).replace(/\.?0+$/, '')).to.equal(manifest.totalCost);
    expect(row?.names).to.equal('Sales, EMEA|Support');
    expect(row?.tags).to.equal('{"env":"prod","team":"sales"}');
  });
});
