import { expect } from 'chai';
import { formatDecimal, parseDecimal } from '../../../job/core/decimal';
import { parseDate } from '../../../job/core/period';
import { CHARGE_SCALE, COST_SCALE, MINUTES_SCALE } from '../../../job/core/schema';
import {
  costByConnector,
  costByDay,
  costByDestinationCountry,
  totalOf,
} from '../../../job/report/aggregates/breakdowns';
import { DEFAULT_BURST_COLLECTION } from '../../../job/report/aggregates/chunk-aggregates';
import { collectAggregates, numberPrefix } from '../../../job/report/aggregates/collect';
import { CostAggregates } from '../../../job/report/aggregates/cost-aggregates';
import { chargeMargin, percentOf } from '../../../job/report/aggregates/margin';
import { aggregatesCsv, hourlyCsv, parseAggregatesCsv, parseHourlyCsv } from '../../../job/sinks/aggregates-csv';
import { batchOf, type Call } from './fixtures';

const CALLS: Call[] = [
  {
    connector: 'vc1',
    usageType: 'USE1-US-US-outbound-minutes',
    country: 'US',
    minutes: '0.1',
    cost: '0.00048',
    start: '2025-03-01T09:15:00Z',
    destination: '+12065551234',
  },
  {
    connector: 'vc1',
    usageType: 'USE1-US-US-outbound-minutes',
    country: 'US',
    minutes: '59.983333',
    cost: '0.2879199984',
    start: '2025-03-01T09:45:00Z',
    destination: '+12065559999',
  },
  {
    connector: 'vc2',
    usageType: 'USE1-US-inbound-minutes',
    country: 'US',
    direction: 'Inbound',
    minutes: '0.1',
    cost: '0.00022',
    start: '2025-03-01T23:59:59Z',
    destination: '+12065550000',
  },
  {
    connector: 'vc2',
    usageType: 'USE1-US-AQ-outbound-minutes',
    country: 'AQ',
    minutes: '2.5',
    start: '2025-03-02T03:00:00Z',
    destination: '+672100000',
  },
  {
    connector: 'vc1',
    usageType: 'USE1-US-LV-outbound-minutes',
    country: 'LV',
    minutes: '0.1',
    cost: '0.035',
    start: '2025-03-02T03:10:00Z',
    destination: '+37190001234',
  },
  {
    connector: 'vc1',
    usageType: 'USE1-US-LV-outbound-minutes',
    country: 'LV',
    minutes: '0.1',
    cost: '0.035',
    start: '2025-03-02T03:50:00Z',
    destination: '+37190009999',
  },
  {
    connector: 'vc1',
    usageType: '=HYPERLINK("x")',
    country: 'a,"b"\nc',
    minutes: '1',
    cost: '1.5',
    start: '2025-03-02T04:00:00Z',
  },
];

function aggregatesOf(chunks: readonly Call[][]): CostAggregates {
  const aggregates = new CostAggregates();
  for (const calls of chunks) aggregates.addChunk(collectAggregates(batchOf(calls), DEFAULT_BURST_COLLECTION));
  return aggregates;
}

function snapshot(a: CostAggregates) {
  return {
    rows: a.rows(),
    hours: a.hourRows(),
    bursts: a.burstRows(),
    unrated: a.unratedRows(),
    rejects: a.rejectsByCode(),
  };
}

describe('cost aggregates', () => {
  it('sums calls, minutes and cost exactly per day × connector × usage type × country × direction', () => {
    const rows = aggregatesOf([CALLS]).rows();
    const us = rows.find((r) => r.connector === 'vc1' && r.country === 'US');
    expect(us?.calls).to.equal(2);
    expect(formatDecimal(us?.cost ?? -1n, COST_SCALE)).to.equal('0.2883999984');
    expect(us?.day).to.equal('2025-03-01');
    const aq = rows.find((r) => r.country === 'AQ');
    expect(aq).to.include({ rated: 0, unrated: 1, cost: 0n });
    expect(aq?.unratedMinutes).to.equal(parseDecimal('2.5', MINUTES_SCALE));
    expect(formatDecimal(totalOf(rows), COST_SCALE)).to.equal('1.8586199984');
  });

  it('gives the same rows whether the calls come in one chunk, several chunks, or shards merged in any order', () => {
    const whole = snapshot(aggregatesOf([CALLS]));
    const chunked = snapshot(aggregatesOf([CALLS.slice(0, 2), CALLS.slice(2, 5), CALLS.slice(5)]));
    const merged = new CostAggregates();
    merged.merge(JSON.parse(JSON.stringify(aggregatesOf([CALLS.slice(4)]).toJSON())));
    merged.merge(JSON.parse(JSON.stringify(aggregatesOf([CALLS.slice(0, 4)]).toJSON())));
    expect(chunked).to.deep.equal(whole);
    expect(snapshot(merged)).to.deep.equal(whole);
  });

  it('counts calls per connector and hour of day, and short outbound calls per destination prefix and clock hour', () => {
    const a = aggregatesOf([CALLS]);
    expect(a.hourRows().filter((h) => h.connector === 'vc1' && h.day === '2025-03-01')).to.deep.equal([
      {
        day: '2025-03-01',
        connector: 'vc1',
        hour: 9,
        calls: 2,
        minutes: parseDecimal('60.083333', MINUTES_SCALE),
        cost: parseDecimal('0.2883999984', COST_SCALE),
      },
    ]);
    // Inbound short calls and long calls are not burst candidates; the two LV calls share prefix and hour.
    const bursts = a.burstRows();
    expect(bursts.map((b) => [b.connector, b.prefix, b.calls])).to.deep.include.members([
      ['vc1', '+1206555', 1],
      ['vc1', '+3719000', 2],
    ]);
    expect(bursts.find((b) => b.connector === 'vc2' && b.prefix.startsWith('+1206'))).to.equal(undefined);
    expect(bursts.find((b) => b.prefix === '+3719000')?.hourEpochSeconds).to.equal(
      Date.parse('2025-03-02T03:00:00Z') / 1000,
    );
    expect(numberPrefix('+44 20 7946 0000', 4)).to.equal('+4420');
  });

  it('keeps every unrated call in one (usage type, status) entry, with its minutes', () => {
    expect(aggregatesOf([CALLS]).unratedRows()).to.deep.equal([
      {
        usageType: 'USE1-US-AQ-outbound-minutes',
        status: 'UNRATED_UNKNOWN_USAGE_TYPE',
        calls: 1,
        minutes: parseDecimal('2.5', MINUTES_SCALE),
      },
    ]);
  });

  it('breakdowns by day (every day of the period), connector and country reconcile with the total', () => {
    const rows = aggregatesOf([CALLS]).rows();
    const days = costByDay(rows, ['2025-02-28', '2025-03-01', '2025-03-02'].map(parseDate));
    expect(days.map((d) => d.day)).to.deep.equal(['2025-02-28', '2025-03-01', '2025-03-02']);
    expect(days[0]).to.include({ calls: 0, cost: '0' });
    const total = formatDecimal(totalOf(rows), COST_SCALE);
    const sum = (xs: { cost: string }[]) =>
      formatDecimal(
        xs.reduce((s, x) => s + parseDecimal(x.cost, COST_SCALE), 0n),
        COST_SCALE,
      );
    expect(sum(days)).to.equal(total);
    expect(sum(costByConnector(rows))).to.equal(total);
    expect(sum(costByDestinationCountry(rows))).to.equal(total);
    expect(costByConnector(rows, (c) => (c === 'vc1' ? 'Head office' : undefined))[0]).to.include({
      connector: 'vc1',
      connectorName: 'Head office',
    });
  });

  it('writes CSVs that read back to the same rows (quoting, formula-looking text, exact decimals)', () => {
    const a = aggregatesOf([CALLS]);
    const text = aggregatesCsv('AmazonChimeVoiceConnector', a.rows(), null);
    expect(text.split('\r\n')[0]).to.equal(
      'CallDay,VoiceConnectorId,UsageType,DestinationCountry,Direction,Calls,BillableMinutes,Cost,RatedCalls,UnratedCalls,UnratedMinutes,' +
        'ConnectorName,ChargedCalls,ChargedAmount,ChargeCurrency,MarginCalls,MarginChargedAmount,MarginCost,Margin',
    );
    // Without a deck or markup the charge cells are empty (not zero).
    expect(text.split('\r\n')[1]).to.match(/,0,,,,,,,,$/);
    expect(text).to.include(`'=HYPERLINK`);
    expect(parseAggregatesCsv('AmazonChimeVoiceConnector', text)).to.deep.equal(a.rows());
    expect(
      parseHourlyCsv('AmazonChimeVoiceConnector', hourlyCsv('AmazonChimeVoiceConnector', a.hourRows())),
    ).to.deep.equal(a.hourRows());
    expect(() => parseAggregatesCsv('AmazonChimeBusinessCalling', text)).to.throw(/unexpected header/);
  });

  it('reads aggregate files written before the name and charge columns (history of earlier runs)', () => {
    const rows = aggregatesOf([CALLS])
      .rows()
      .filter((r) => !r.country.includes(','));
    const current = aggregatesCsv('AmazonChimeVoiceConnector', rows, null);
    const older = current
      .split('\r\n')
      .map((line) => line.split(',').slice(0, 11).join(','))
      .join('\r\n');
    expect(older.split('\r\n')[0]).to.match(/,UnratedMinutes$/);
    expect(parseAggregatesCsv('AmazonChimeVoiceConnector', older)).to.deep.equal(rows);
  });
});

/** CALLS as a rate deck charges them: one unrated call charged, one rated call without a deck row. */
const CHARGED: Call[] = CALLS.map((call, i) => {
  const charged = ['0.001', '0.3', undefined, '0.05', '0.04', '0.04', '2'][i];
  return {
    ...call,
    ...(charged === undefined ? {} : { charged }),
    ...(call.connector === 'vc1' ? { name: 'Head office, "HQ"' } : {}),
  };
});

describe('charges, margin and connector names in the aggregates', () => {
  const decimal = (scaled: bigint) => formatDecimal(scaled, CHARGE_SCALE);

  it('sums charges exactly per row; the margin takes only calls with both a charge and a cost', () => {
    const rows = aggregatesOf([CHARGED]).rows();
    let charged = 0n;
    let calls = 0;
    for (const r of rows) {
      charged += r.charged;
      calls += r.chargedCalls;
    }
    expect([decimal(charged), calls]).to.deep.equal(['2.431', 6]);
    const aq = rows.find((r) => r.country === 'AQ');
    expect(aq).to.include({ chargedCalls: 1, marginCalls: 0, marginCharged: 0n, marginCost: 0n, unrated: 1 });
    const inbound = rows.find((r) => r.direction === 'Inbound');
    expect(inbound).to.include({ chargedCalls: 0, charged: 0n, marginCalls: 0, rated: 1 });
    expect(chargeMargin(rows, 'USD')).to.deep.equal({
      currency: 'USD',
      chargedCalls: 6,
      chargedAmount: '2.431',
      marginCalls: 5,
      marginChargedAmount: '2.381',
      marginCost: '1.8583999984',
      margin: '0.5226000016',
      marginPercent: '21.95',
      chargedWithoutCost: 1,
      costWithoutCharge: 1,
      note: 'margin over the 5 call(s) with both a charge and an AWS cost; left out: 1 charged call(s) AWS could not rate, 1 rated call(s) nothing was charged for',
    });
  });

  it('takes no margin when the charges are not in USD, and none without charges', () => {
    const rows = aggregatesOf([CHARGED]).rows();
    const eur = chargeMargin(rows, 'EUR');
    expect(eur).to.include({ currency: 'EUR', chargedAmount: '2.431', margin: null, marginPercent: null });
    expect(eur?.note).to.equal('charges are in EUR, AWS cost in USD: no margin is computed');
    expect(chargeMargin(rows, null)).to.equal(null);
    const text = aggregatesCsv('AmazonChimeVoiceConnector', rows, 'EUR');
    expect(text.split('\r\n')[1]).to.match(/,2,0\.301,EUR,2,0\.301,0\.2883999984,$/);
  });

  it('per connector: charges reconcile with the total; names come from the report rows', () => {
    const rows = aggregatesOf([CHARGED]).rows();
    const connectors = costByConnector(rows, (c) => (c === 'vc1' ? 'Head office, "HQ"' : undefined), 'USD');
    const vc1 = connectors.find((c) => c.connector === 'vc1');
    const vc2 = connectors.find((c) => c.connector === 'vc2');
    expect(vc1?.connectorName).to.equal('Head office, "HQ"');
    expect(vc1?.charges).to.deep.equal({
      chargedCalls: 5,
      chargedAmount: '2.381',
      marginCalls: 5,
      marginChargedAmount: '2.381',
      marginCost: '1.8583999984',
      margin: '0.5226000016',
      marginPercent: '21.95',
    });
    expect(vc2?.charges).to.include({ chargedCalls: 1, chargedAmount: '0.05', marginCalls: 0, margin: '0' });
    expect(vc2?.charges?.marginPercent).to.equal(null);
    expect(costByConnector(rows)[0]?.charges).to.equal(undefined);
    expect(rows.filter((r) => r.connector === 'vc1').every((r) => r.connectorName === 'Head office, "HQ"')).to.equal(
      true,
    );
    expect(rows.filter((r) => r.connector === 'vc2').every((r) => r.connectorName === undefined)).to.equal(true);
  });

  it('writes names and charges to the CSV, and reads them back exactly', () => {
    const a = aggregatesOf([CHARGED]);
    const text = aggregatesCsv('AmazonChimeVoiceConnector', a.rows(), 'USD');
    expect(text).to.include(',"Head office, ""HQ""",2,0.301,USD,2,0.301,0.2883999984,0.0126000016\r\n');
    expect(parseAggregatesCsv('AmazonChimeVoiceConnector', text)).to.deep.equal(a.rows());
    const hourly = hourlyCsv('AmazonChimeVoiceConnector', a.hourRows());
    expect(hourly.split('\r\n')[0]).to.match(/,Cost,ConnectorName$/);
    expect(parseHourlyCsv('AmazonChimeVoiceConnector', hourly)).to.deep.equal(a.hourRows());
  });

  it('shards, chunks and taking a call back out keep charges and names exact', () => {
    const whole = aggregatesOf([CHARGED]);
    const merged = new CostAggregates();
    merged.merge(JSON.parse(JSON.stringify(aggregatesOf([CHARGED.slice(3)]).toJSON())));
    merged.merge(JSON.parse(JSON.stringify(aggregatesOf([CHARGED.slice(0, 3)]).toJSON())));
    expect(merged.rows()).to.deep.equal(whole.rows());
    expect([...merged.connectorNames()]).to.deep.equal([['vc1', 'Head office, "HQ"']]);
    // A call billed twice, taken back out: as if it had been added once.
    const twice = aggregatesOf([CHARGED, [CHARGED[1] as Call]]);
    expect(twice.rows()).to.not.deep.equal(whole.rows());
    twice.subtractChunk(collectAggregates(batchOf([CHARGED[1] as Call]), DEFAULT_BURST_COLLECTION));
    expect(twice.rows()).to.deep.equal(whole.rows());
  });

  it('merges a shard written before charges were aggregated (charges zero)', () => {
    const json = aggregatesOf([CALLS]).toJSON();
    const old = { ...json, groups: json.groups.map((g) => g.slice(0, 11)), names: undefined };
    const merged = new CostAggregates();
    merged.merge(JSON.parse(JSON.stringify(old)));
    expect(merged.rows()).to.deep.equal(aggregatesOf([CALLS]).rows());
  });

  it('rounds margin percentages half away from zero', () => {
    expect(percentOf(1n, 3n)).to.equal('33.33');
    expect(percentOf(2n, 3n)).to.equal('66.67');
    expect(percentOf(-1n, 8n)).to.equal('-12.5');
    expect(percentOf(0n, 5n)).to.equal('0');
    expect(percentOf(5n, 0n)).to.equal(null);
  });
});

describe('cost aggregates: rejects', () => {
  it('counts rejects by code and keeps them through merging', () => {
    const a = new CostAggregates();
    a.addRejects([
      { rejection: { code: 'not-json' } },
      { rejection: { code: 'not-json' } },
      { rejection: { code: 'too-large' } },
    ]);
    const b = new CostAggregates();
    b.merge(a.toJSON());
    expect(b.rejectsByCode()).to.deep.equal({ 'not-json': 2, 'too-large': 1 });
  });
});
