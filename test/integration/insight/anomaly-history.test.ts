import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { formatDecimal, parseDecimal } from '../../../job/core/decimal';
import { formatDate, parseDate } from '../../../job/core/period';
import { COST_SCALE } from '../../../job/core/schema';
import type { Manifest } from '../../../job/sinks/manifest';
import { daysFrom, generateHistory, type History, runPeriods } from './history';

const END = '2025-03-21';
const DAYS = 21;
const SPIKE_DAY = '2025-03-17';
const SPIKE_CONNECTOR = 1;

/** The manifest's breakdowns add up exactly to its totals; every unrated call is in one entry. */
function expectReconciled(m: Manifest): void {
  const sum = (xs: readonly { cost: string }[]) =>
    formatDecimal(
      xs.reduce((t, x) => t + parseDecimal(x.cost, COST_SCALE), 0n),
      COST_SCALE,
    );
  const calls = (xs: readonly { calls: number }[]) => xs.reduce((n, x) => n + x.calls, 0);
  for (const breakdown of [m.costByDay, m.costByConnector, m.costByDestinationCountry]) {
    expect(sum(breakdown), m.periodEnd).to.equal(m.totalCost);
    expect(calls(breakdown)).to.equal(m.recordsRated + m.recordsUnrated);
  }
  expect(calls(m.unratedMinutesByUsageType)).to.equal(m.recordsUnrated);
}

describe('anomalies over a generated three-week history (Daily runs in order)', function () {
  this.timeout(600_000);
  const made: History[] = [];

  after(async () => {
    for (const h of made) await rm(h.root, { recursive: true, force: true });
  });

  it('a quiet history flags nothing, and says when there is not enough history yet', async () => {
    const quiet = await generateHistory({ end: END, days: DAYS, connectors: 3, perConnectorDay: 250, seed: 7 });
    made.push(quiet);
    const runs = await runPeriods(quiet, 'Daily', daysFrom(quiet.firstDay, parseDate(END)));
    expect(runs).to.have.length(DAYS);
    for (const { manifest } of runs) {
      expect(manifest.anomalies, manifest.periodEnd).to.deep.equal([]);
      expectReconciled(manifest);
    }
    // The first seven days have less than a week of history: said in the manifest and the log.
    const statuses = runs.map((r) => r.manifest.anomalyHistory.status);
    expect(statuses.slice(0, 7)).to.deep.equal(Array(7).fill('none'));
    expect(statuses.slice(7)).to.deep.equal(Array(DAYS - 7).fill('full'));
    expect(runs[0]?.manifest.anomalyHistory.note).to.match(/^no history yet/);
    expect(runs[0]?.lines.some((l) => l.level === 40 && /^anomaly history: no history yet/.test(l.msg))).to.equal(true);
    // Later days are judged against what the earlier runs left in --dest (their aggregate files).
    const last = runs[DAYS - 1]?.manifest;
    expect(last?.anomalyHistory.historyDays).to.equal(20);
    expect(runs[DAYS - 1]?.lines.find((l) => l.msg === 'insight written')?.historyFiles).to.equal(20);
  });

  it('a planted spike (short night calls to a rare destination) is flagged on its day, for its connector and destination', async () => {
    const spiky = await generateHistory({
      end: END,
      days: DAYS,
      connectors: 3,
      perConnectorDay: 250,
      seed: 7,
      spike: { day: parseDate(SPIKE_DAY), connector: SPIKE_CONNECTOR, hour: 3, calls: 40 },
    });
    made.push(spiky);
    const connector = spiky.connectors[SPIKE_CONNECTOR] as string;
    const runs = await runPeriods(spiky, 'Daily', daysFrom(spiky.firstDay, parseDate(END)));
    for (const { manifest } of runs) expectReconciled(manifest);
    const flagged = runs.flatMap((r) => r.manifest.anomalies);
    expect(flagged.length).to.be.greaterThan(0);
    for (const a of flagged) expect([a.day, a.connector], a.detail).to.deep.equal([SPIKE_DAY, connector]);
    const burst = flagged.find((a) => a.kind === 'short-call-burst');
    expect(burst).to.include({ destination: '+3719000', hour: 3, calls: 40, baseline: '20' });
    const country = flagged.find((a) => a.kind === 'new-destination-country');
    expect(country).to.include({ destination: 'LV', calls: 40, baseline: '0' });
    // 40 calls of 0.1 min at 0.35 USD/min.
    expect(country?.cost).to.equal('1.4');
    // One warning line per anomaly, in the spike day's run.
    const spikeRun = runs.find((r) => r.manifest.periodEnd === SPIKE_DAY);
    const warnings = spikeRun?.lines.filter((l) => l.level === 40 && l.msg.startsWith('anomaly: ')) ?? [];
    expect(warnings).to.have.length(spikeRun?.manifest.anomalies.length ?? -1);
    expect(formatDate(parseDate(SPIKE_DAY))).to.equal(spikeRun?.manifest.periodEnd);
  });
});
