import { expect } from 'chai';
import { alignDecimals, formatSummary } from '../../../job/cli/summary-table';
import type { Manifest } from '../../../job/sinks/manifest';

const slice = (calls: number, cost: string) => ({ calls, billableMinutes: '1', cost, unratedCalls: 0 });

const MANIFEST = {
  service: 'AmazonChimeVoiceConnector',
  frequency: 'Weekly',
  periodStart: '2025-02-26',
  periodEnd: '2025-03-04',
  objectsRead: 7,
  recordsRated: 6,
  recordsUnrated: 1,
  recordsRejected: 0,
  objectsOutsidePeriod: 0,
  totalCost: '112.3456',
  costByUsageType: [
    { usageType: 'USE1-US-US-outbound-minutes', calls: 4, cost: '100' },
    { usageType: 'USE1-US-JP-outbound-minutes', calls: 2, cost: '12.3456' },
  ],
  unratedByStatus: { UNRATED_UNKNOWN_USAGE_TYPE: 1 },
  costByConnector: [
    { connector: 'vc-a', connectorName: 'Head office', ...slice(5, '112.3') },
    { connector: 'vc-b', ...slice(2, '0.0456') },
  ],
  costByDay: [
    { day: '2025-02-26', ...slice(3, '2.5') },
    { day: '2025-02-27', ...slice(0, '0') },
    { day: '2025-02-28', ...slice(4, '109.8456') },
  ],
  anomalies: [],
  anomalyHistory: {
    status: 'none',
    historyDays: 0,
    daysJudged: [],
    daysWithoutHistory: [],
    note: 'no history yet: 0 earlier day(s) found, 7 needed',
  },
  csvKey: 'S/csv/Weekly/2025/03/04/r.csv',
  rejectsKey: 'S/rejects/Weekly/2025/03/04/rejects.jsonl',
  parquetKeys: [],
  aggregatesKey: 'S/aggregates/Weekly/2025/03/04/aggregates.csv',
  dashboardKey: 'S/dashboard/Weekly/2025/03/04/index.html',
} as unknown as Manifest;

describe('end-of-run summary table', () => {
  it('aligns decimal points in a column', () => {
    expect(alignDecimals(['1.5', '12.25', '100', '-'])).to.deep.equal(['  1.5 ', ' 12.25', '100   ', '  -   ']);
  });

  it('adds per-connector and per-day lines, decimals aligned, each section totalled', () => {
    const text = formatSummary(MANIFEST, '/tmp/out');
    const connector = text.slice(text.indexOf('\nConnector'), text.indexOf('\n\n', text.indexOf('\nConnector')));
    expect(connector).to.include('Head office (vc-a)');
    expect(connector).to.match(/vc-b\s+2\s+0\.0456/);
    const day = text.slice(text.indexOf('\nDay  '), text.indexOf('\n\n', text.indexOf('\nDay  ')));
    const lines = day.split('\n').filter((l) => /^(20|Total)/.test(l));
    expect(lines).to.have.length(4);
    const points = lines.filter((l) => l.includes('.')).map((l) => l.lastIndexOf('.'));
    expect(new Set(points).size, day).to.equal(1);
    // Whole numbers line up on the same units column as the decimals.
    const zero = lines.find((l) => l.startsWith('2025-02-27')) as string;
    expect(zero.trimEnd().length).to.equal(points[0]);
    expect(text).to.include('anomalies none (no history yet');
    expect(text).to.include('dashboard  S/dashboard/Weekly/2025/03/04/index.html');
  });

  it('is plain ASCII by default (files, pipes, TERM=dumb) and draws boxes only when asked, decimals aligned in both', () => {
    const plain = formatSummary(MANIFEST, '/tmp/out');
    expect(plain).to.match(/^[\x20-\x7e\n]*$/);
    expect(plain).to.match(/\nUsage type +Calls +Cost \(USD\)\n-+ +-+ +-+\n/);
    const boxed = formatSummary(MANIFEST, '/tmp/out', { boxes: true });
    expect(boxed).to.match(/[┌│└]/);
    const day = boxed.slice(boxed.indexOf('Day '), boxed.indexOf('\n\n', boxed.indexOf('Day ')));
    const points = day
      .split('\n')
      .filter((l) => /│ (20|Total)/.test(l) && l.includes('.'))
      .map((l) => l.lastIndexOf('.'));
    expect(points.length).to.be.greaterThan(1);
    expect(new Set(points).size, day).to.equal(1);
  });
});
