import { expect } from 'chai';
import { parseDecimal } from '../../../job/core/decimal';
import { COST_SCALE } from '../../../job/core/schema';
import type { AggregateRow, BurstRow, HourRow } from '../../../job/report/aggregates/rows';
import { medianAmount } from '../../../job/report/anomalies/daily-cost-spike';
import { type DetectionInput, detectAnomalies, type InsightHistory } from '../../../job/report/anomalies/detect';
import { DEFAULT_THRESHOLDS, parseThresholds, ThresholdsError } from '../../../job/report/anomalies/thresholds';
import { daysBefore, hours, row } from './fixtures';

const DAY = '2025-03-15';
const PAST = daysBefore('2025-03-14', 14);
const WORK_HOURS = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17];

/** Two quiet weeks: vc1 spends 2 USD a day on US and GB calls in working hours; vc2 0.5 USD on US. */
function quietHistory(days = PAST): InsightHistory {
  const rows: AggregateRow[] = [];
  const hourRows: HourRow[] = [];
  for (const d of days) {
    rows.push(row(d, 'vc1', 'US', '1.5'), row(d, 'vc1', 'GB', '0.5'), row(d, 'vc2', 'US', '0.5'));
    hourRows.push(...hours(d, 'vc1', WORK_HOURS), ...hours(d, 'vc2', WORK_HOURS));
  }
  return { days, rows, hourRows, sources: [] };
}

function input(today: AggregateRow[], todayHours: HourRow[], extra: Partial<DetectionInput> = {}): DetectionInput {
  return {
    days: [DAY],
    rows: today,
    hourRows: todayHours,
    bursts: [],
    history: quietHistory(),
    thresholds: DEFAULT_THRESHOLDS,
    ...extra,
  };
}

const quietToday = () => [row(DAY, 'vc1', 'US', '1.6'), row(DAY, 'vc1', 'GB', '0.4'), row(DAY, 'vc2', 'US', '0.6')];
const quietHours = () => [...hours(DAY, 'vc1', WORK_HOURS), ...hours(DAY, 'vc2', WORK_HOURS)];

describe('anomaly detectors', () => {
  it('flag nothing on a day like the ones before, and say the day was judged against history', () => {
    const report = detectAnomalies(input(quietToday(), quietHours()));
    expect(report.anomalies).to.deep.equal([]);
    expect(report.coverage).to.include({ status: 'full', historyDays: 14 });
    expect(report.coverage.daysJudged).to.deep.equal([DAY]);
  });

  it('daily-cost-spike: ≥ 3× the trailing 7-day median and ≥ 1 USD', () => {
    const spiking = detectAnomalies(input([row(DAY, 'vc1', 'US', '6'), row(DAY, 'vc2', 'US', '1.4')], quietHours()));
    expect(spiking.anomalies).to.have.length(1);
    expect(spiking.anomalies[0]).to.include({
      kind: 'daily-cost-spike',
      connector: 'vc1',
      day: DAY,
      cost: '6',
      baseline: '2',
      calls: 10,
    });
    // vc2 is at 2.8× its median: not flagged. Under 1 USD is never flagged, whatever the factor.
    const cheap = detectAnomalies(input([row(DAY, 'vc2', 'US', '0.99')], quietHours(), {}));
    expect(cheap.anomalies.filter((a) => a.kind === 'daily-cost-spike')).to.deep.equal([]);
    expect(medianAmount([5n, 1n, 3n, 2n])).to.equal(2n);
  });

  it('new-destination-country: not called in 28 days, with ≥ 1 USD or ≥ 20 calls', () => {
    const report = detectAnomalies(
      input([...quietToday(), row(DAY, 'vc2', 'LV', '0.7', 25), row(DAY, 'vc1', 'CU', '0.2', 3)], quietHours()),
    );
    const found = report.anomalies.filter((a) => a.kind === 'new-destination-country');
    expect(found).to.have.length(1);
    expect(found[0]).to.include({
      connector: 'vc2',
      destination: 'LV',
      day: DAY,
      calls: 25,
      cost: '0.7',
      baseline: '0',
    });
    const expensive = detectAnomalies(input([...quietToday(), row(DAY, 'vc1', 'CU', '1', 1)], quietHours()));
    expect(expensive.anomalies.map((a) => [a.kind, a.destination])).to.deep.equal([['new-destination-country', 'CU']]);
  });

  it('unusual-hour: calls at an hour the connector was never used at in the window', () => {
    const report = detectAnomalies(input(quietToday(), [...quietHours(), ...hours(DAY, 'vc1', [3], 2)]));
    expect(report.anomalies).to.have.length(1);
    expect(report.anomalies[0]).to.include({ kind: 'unusual-hour', connector: 'vc1', day: DAY, hour: 3, calls: 2 });
    // A connector never seen before is left to the cost detectors (every hour would be "new").
    const fresh = detectAnomalies(input(quietToday(), [...quietHours(), ...hours(DAY, 'vc9', [2])]));
    expect(fresh.anomalies).to.deep.equal([]);
  });

  it('short-call-burst: ≥ 20 short calls to one prefix within an hour, judged even without history', () => {
    const hour = Date.parse(`${DAY}T02:00:00Z`) / 1000;
    const bursts: BurstRow[] = [
      {
        connector: 'vc1',
        prefix: '+3719000',
        hourEpochSeconds: hour,
        calls: 20,
        cost: parseDecimal('0.7', COST_SCALE),
      },
      { connector: 'vc1', prefix: '+1206555', hourEpochSeconds: hour, calls: 19, cost: 0n },
    ];
    const noHistory = { days: [], rows: [], hourRows: [], sources: [] };
    const report = detectAnomalies(input(quietToday(), quietHours(), { bursts, history: noHistory }));
    expect(report.anomalies).to.have.length(1);
    expect(report.anomalies[0]).to.include({
      kind: 'short-call-burst',
      connector: 'vc1',
      destination: '+3719000',
      day: DAY,
      hour: 2,
      calls: 20,
      cost: '0.7',
      baseline: '20',
    });
    expect(report.coverage.status).to.equal('none');
    expect(report.coverage.note).to.match(/^no history yet: 0 earlier day\(s\) found, 7 needed/);
  });

  it('judges a day against history only with ≥ minHistoryDays covered days before it', () => {
    const short = quietHistory(daysBefore('2025-03-14', 6));
    const report = detectAnomalies(input([row(DAY, 'vc1', 'US', '50')], quietHours(), { history: short }));
    expect(report.anomalies).to.deep.equal([]);
    expect(report.coverage).to.include({ status: 'none', historyDays: 6 });
    expect(report.coverage.daysWithoutHistory).to.deep.equal([DAY]);
    // A week-long period judges its own later days against its earlier ones.
    const week = daysBefore(DAY, 7);
    const weekRows = week.flatMap((d) => [row(d, 'vc1', 'US', '2')]);
    const weekly = detectAnomalies({
      days: week,
      rows: weekRows,
      hourRows: week.flatMap((d) => hours(d, 'vc1', WORK_HOURS)),
      bursts: [],
      history: quietHistory(daysBefore('2025-03-08', 3)),
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(weekly.coverage.status).to.equal('partial');
    expect(weekly.coverage.daysWithoutHistory).to.deep.equal(week.slice(0, 4));
  });

  it('thresholds: name=value pairs over the defaults, money exact, bad values refused', () => {
    const t = parseThresholds('spikeFactor=2.5, spikeMinCost=0.25,burstMinCalls=30,prefixDigits=6');
    expect(t).to.include({ spikeFactor: 2.5, burstMinCalls: 30, prefixDigits: 6, minHistoryDays: 7 });
    expect(t.spikeMinCost).to.equal(parseDecimal('0.25', COST_SCALE));
    expect(parseThresholds(undefined)).to.equal(DEFAULT_THRESHOLDS);
    expect(() => parseThresholds('spikeFactr=2')).to.throw(ThresholdsError, /unknown anomaly threshold "spikeFactr"/);
    expect(() => parseThresholds('burstMinCalls=2.5')).to.throw(ThresholdsError, /whole number/);
    expect(() => parseThresholds('spikeMinCost=abc')).to.throw(ThresholdsError, /USD/);
  });
});
