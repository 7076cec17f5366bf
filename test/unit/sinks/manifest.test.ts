import { expect } from 'chai';
import { parseDecimal } from '../../../job/core/decimal';
import { periodEndingOn } from '../../../job/core/period';
import { COST_SCALE, schemaFor } from '../../../job/core/schema';
import { RunTotals } from '../../../job/report/run-totals';
import { buildManifest, serializeManifest } from '../../../job/sinks/manifest';

describe('buildManifest', () => {
  const totals = new RunTotals();
  totals.addChunk({
    objectsRead: 10,
    rated: 6,
    unrated: 1,
    outside: 2,
    rejectsOutside: 1,
    rejects: [{}],
    costs: [['USE1-US-US-outbound-minutes', 6, parseDecimal('0.0288', COST_SCALE)]],
    unratedByStatus: [['UNRATED_NO_PRICE_VERSION', 1]],
    callsByVersion: [['20250214201533', 6]],
  });
  const manifest = buildManifest({
    schema: schemaFor('AmazonChimeVoiceConnector'),
    period: periodEndingOn('Weekly', { year: 2025, month: 3, day: 9 }),
    source: 's3://cdrs',
    prices: 's3://cdrs/prices.json',
    totals,
    csvKey: 'report.csv',
    csvBytes: 1234,
    rejectsKey: 'rejects.jsonl',
    parquetKeys: ['p/day=09/part-00000.parquet', 'p/day=03/part-00000.parquet'],
    priceVersions: [
      {
        id: '20241105184512',
        effectiveFrom: Date.parse('2024-11-01T00:00:00Z') / 1000,
        effectiveUntil: Date.parse('2025-03-01T00:00:00Z') / 1000,
      },
      { id: '20250214201533', effectiveFrom: Date.parse('2025-03-01T00:00:00Z') / 1000, effectiveUntil: null },
    ],
    connectors: 3,
    foldersListed: 24,
    shards: 1,
    insight: {
      totalBillableMinutes: '6',
      costByDay: [],
      costByConnector: [],
      chargeMargin: null,
      costByDestinationCountry: [],
      unratedMinutesByUsageType: [],
      rejectedByCode: { 'not-json': 1 },
      aggregatesKey: 'aggregates.csv',
      hourlyAggregatesKey: 'hourly.csv',
      dashboardKey: 'index.html',
      anomalies: [],
      anomalyHistory: {
        status: 'none',
        historyDays: 0,
        daysJudged: [],
        daysWithoutHistory: [],
        note: 'no history yet',
      },
    },
    charges: {
      rateDeck: null,
      markupPercent: null,
      connectorsFile: null,
      chargedTotal: null,
      deckNoMatch: 0,
      focusVersion: '1.2',
      focusCsvKey: 'focus.csv',
      focusParquetKey: 'focus.parquet',
      focusMetadataKey: 'metadata.json',
      focusRows: 1,
    },
    startedAt: new Date('2025-03-10T01:00:00.000Z'),
    finishedAt: new Date('2025-03-10T01:00:02.500Z'),
  });

  it('states the period, the counts that reconcile and the exact total', () => {
    expect(manifest).to.include({
      service: 'AmazonChimeVoiceConnector',
      frequency: 'Weekly',
      periodStart: '2025-03-03',
      periodEnd: '2025-03-09',
      objectsRead: 10,
      recordsRated: 6,
      recordsUnrated: 1,
      recordsRejected: 1,
      objectsOutsidePeriod: 2,
      rejectsOutsidePeriod: 1,
      totalCost: '0.0288',
      currency: 'USD',
      durationMs: 2500,
      dashboardKey: 'index.html',
    });
    expect(manifest.objectsRead).to.equal(
      manifest.recordsRated + manifest.recordsUnrated + manifest.recordsRejected + manifest.objectsOutsidePeriod,
    );
  });

  it('lists Parquet keys sorted and each price version with its window and calls', () => {
    expect(manifest.parquetKeys).to.deep.equal(['p/day=03/part-00000.parquet', 'p/day=09/part-00000.parquet']);
    expect(manifest.priceVersions).to.deep.equal([
      {
        id: '20241105184512',
        effectiveFrom: '2024-11-01T00:00:00.000Z',
        effectiveUntil: '2025-03-01T00:00:00.000Z',
        calls: 0,
      },
      { id: '20250214201533', effectiveFrom: '2025-03-01T00:00:00.000Z', effectiveUntil: null, calls: 6 },
    ]);
  });

  it('serializes to stable, indented JSON that reads back equal', () => {
    const text = serializeManifest(manifest);
    expect(text.endsWith('}\n')).to.equal(true);
    expect(JSON.parse(text)).to.deep.equal(manifest);
    expect(serializeManifest(JSON.parse(text))).to.equal(text);
  });
});
