import type { Logger } from 'pino';
import { formatDecimal } from '../core/decimal';
import { FailureError } from '../core/errors';
import { insightKeys } from '../core/layout/insight-keys';
import { type Period, periodDays } from '../core/period';
import { CHARGE_SCALE, COST_SCALE, MINUTES_SCALE, type ServiceSchema } from '../core/schema';
import {
  costByConnector,
  costByDay,
  costByDestinationCountry,
  totalOf,
  unratedMinutesByUsageType,
} from '../report/aggregates/breakdowns';
import { type BurstCollection, DEFAULT_BURST_COLLECTION } from '../report/aggregates/chunk-aggregates';
import type { CostAggregates } from '../report/aggregates/cost-aggregates';
import { chargeMargin } from '../report/aggregates/margin';
import type { AggregateRow, HourRow } from '../report/aggregates/rows';
import { namedAnomaly } from '../report/anomalies/anomaly';
import { type AnomalyReport, detectAnomalies } from '../report/anomalies/detect';
import { type AnomalyThresholds, DEFAULT_THRESHOLDS } from '../report/anomalies/thresholds';
import type { ChargeCounts } from '../report/charge-totals';
import type { RunTotals } from '../report/run-totals';
import { aggregatesCsv, hourlyCsv } from '../sinks/aggregates-csv';
import { type AnomalyNotifier, anomalyNotice } from '../sinks/anomaly-notice';
import { renderDashboard } from '../sinks/dashboard/page';
import { loadInsightHistory, type PreviousPeriod, periodDayTexts, readPreviousPeriod } from '../sinks/insight-history';
import type { Manifest } from '../sinks/manifest';
import type { ManifestInsight } from '../sinks/manifest-insight';
import type { ObjectStore } from '../store/object-store';

/** How a run turns its aggregates into insight: thresholds, an optional notifier, optional connector names. */
export interface InsightOptions {
  readonly thresholds?: AnomalyThresholds;
  /** Told once per run that found anomalies (opt-in: SNS topic from the config). */
  readonly notifier?: AnomalyNotifier;
  /**
   * Display name of a connector, for connectors whose calls carry no ConnectorName (the names the
   * report rows carry come with the aggregates, shards included).
   */
  readonly connectorName?: (connector: string) => string | undefined;
}

/** What the run charged (rate deck or markup), to reconcile the aggregates with and to take a margin. */
export interface InsightCharges {
  readonly totals: Pick<ChargeCounts, 'charged' | 'chargedCalls'>;
  /** Currency of the charges; null when nothing is charged. */
  readonly currency: string | null;
}

/** Milliseconds spent on each part of the insight, for the `insight written` log line and the bench. */
export interface InsightTimings {
  aggregationMs: number;
  historyMs: number;
  detectMs: number;
  dashboardMs: number;
  writeMs: number;
  notifyMs: number;
}

/** Everything computed before the manifest is written. */
export interface PreparedInsight {
  readonly fields: ManifestInsight;
  readonly rows: readonly AggregateRow[];
  readonly hourRows: readonly HourRow[];
  readonly report: AnomalyReport;
  readonly previous: PreviousPeriod | undefined;
  readonly historySources: readonly string[];
  readonly timings: InsightTimings;
  /** Currency of the charges in the aggregates; null when nothing was charged. */
  readonly chargeCurrency: string | null;
}

/** Thrown when the aggregates do not add up to the run's totals (never written as if they did). */
export class AggregatesMismatchError extends FailureError {
  override readonly name = 'AggregatesMismatchError';
}

/**
 * Checks the aggregates against the run totals, loads the history from earlier outputs in `dest`,
 * runs the anomaly detectors and assembles the manifest's insight fields. Reads no CDR.
 */
export async function prepareInsight(input: {
  readonly schema: ServiceSchema;
  readonly period: Period;
  readonly dest: ObjectStore;
  readonly aggregates: CostAggregates;
  readonly totals: RunTotals;
  readonly options?: InsightOptions;
  /** What the run charged; absent: nothing. */
  readonly charges?: InsightCharges;
}): Promise<PreparedInsight> {
  const { schema, period, dest, aggregates, totals } = input;
  const chargeCurrency = input.charges?.currency ?? null;
  const thresholds = input.options?.thresholds ?? DEFAULT_THRESHOLDS;
  const timings: InsightTimings = {
    aggregationMs: aggregates.aggregationMs,
    historyMs: 0,
    detectMs: 0,
    dashboardMs: 0,
    writeMs: 0,
    notifyMs: 0,
  };
  let started = performance.now();
  const known = aggregates.connectorNames();
  const fallback = input.options?.connectorName;
  const nameOf = (connector: string) => known.get(connector) ?? fallback?.(connector);
  const rows = withNames(aggregates.rows(), fallback);
  const hourRows = withNames(aggregates.hourRows(), fallback);
  const unrated = aggregates.unratedRows();
  const calls = rows.reduce((n, r) => n + r.calls, 0);
  const unratedCalls = unrated.reduce((n, r) => n + r.calls, 0);
  if (
    totalOf(rows) !== totals.totalCost ||
    calls !== totals.rated + totals.unrated ||
    unratedCalls !== totals.unrated
  ) {
    throw new AggregatesMismatchError(
      `aggregates (${calls} calls, ${formatDecimal(totalOf(rows), COST_SCALE)} USD) do not match the run totals ` +
        `(${totals.rated + totals.unrated} calls, ${formatDecimal(totals.totalCost, COST_SCALE)} USD)`,
    );
  }
  checkCharges(rows, input.charges);
  timings.aggregationMs += performance.now() - started;

  started = performance.now();
  const lookBack = Math.max(
    thresholds.spikeWindowDays,
    thresholds.newCountryWindowDays,
    thresholds.unusualHourWindowDays,
  );
  const history = await loadInsightHistory(dest, schema, period, lookBack);
  const previous = await readPreviousPeriod(dest, schema, period);
  timings.historyMs = performance.now() - started;

  started = performance.now();
  const days = periodDayTexts(period);
  const report = detectAnomalies({ days, rows, hourRows, bursts: aggregates.burstRows(), history, thresholds });
  const keys = insightKeys(schema, period);
  let minutes = 0n;
  for (const row of rows) minutes += row.minutes;
  const fields: ManifestInsight = {
    totalBillableMinutes: formatDecimal(minutes, MINUTES_SCALE),
    costByDay: costByDay(rows, periodDays(period)),
    costByConnector: costByConnector(rows, nameOf, chargeCurrency),
    chargeMargin: chargeMargin(rows, chargeCurrency),
    costByDestinationCountry: costByDestinationCountry(rows),
    unratedMinutesByUsageType: unratedMinutesByUsageType(unrated),
    rejectedByCode: aggregates.rejectsByCode(),
    aggregatesKey: keys.aggregatesKey,
    hourlyAggregatesKey: keys.hourlyAggregatesKey,
    dashboardKey: keys.dashboardKey,
    anomalies: report.anomalies.map((a) => namedAnomaly(a, nameOf(a.connector))),
    anomalyHistory: report.coverage,
  };
  timings.detectMs = performance.now() - started;
  return { fields, rows, hourRows, report, previous, historySources: history.sources, timings, chargeCurrency };
}

/** The rows with the fallback name of connectors whose calls carried none. */
function withNames<T extends { readonly connector: string; readonly connectorName?: string }>(
  rows: T[],
  name: ((connector: string) => string | undefined) | undefined,
): T[] {
  if (!name) return rows;
  return rows.map((row) => {
    if (row.connectorName !== undefined) return row;
    const connectorName = name(row.connector);
    return connectorName === undefined ? row : { ...row, connectorName };
  });
}

/** Throws unless the rows' charges add up to the run's charge totals (and hold none without charges). */
function checkCharges(rows: readonly AggregateRow[], charges: InsightCharges | undefined): void {
  let charged = 0n;
  let calls = 0;
  for (const row of rows) {
    charged += row.charged;
    calls += row.chargedCalls;
  }
  const expected = charges?.currency == null ? { charged: 0n, chargedCalls: 0 } : charges.totals;
  if (charged !== expected.charged || calls !== expected.chargedCalls) {
    throw new AggregatesMismatchError(
      `aggregates charge ${calls} calls ${formatDecimal(charged, CHARGE_SCALE)}, the run totals ` +
        `${expected.chargedCalls} calls ${formatDecimal(expected.charged, CHARGE_SCALE)}`,
    );
  }
}

/** Writes the aggregate CSVs and the dashboard (before the manifest, which names them). */
export async function writeInsight(
  dest: ObjectStore,
  schema: ServiceSchema,
  prepared: PreparedInsight,
  manifest: Manifest,
): Promise<void> {
  let started = performance.now();
  const html = renderDashboard({
    manifest,
    rows: prepared.rows,
    hourRows: prepared.hourRows,
    previous: prepared.previous,
  });
  prepared.timings.dashboardMs = performance.now() - started;
  started = performance.now();
  await dest.write(
    manifest.aggregatesKey,
    aggregatesCsv(schema.service, prepared.rows, prepared.chargeCurrency),
    'text/csv; charset=utf-8',
  );
  await dest.write(
    manifest.hourlyAggregatesKey,
    hourlyCsv(schema.service, prepared.hourRows),
    'text/csv; charset=utf-8',
  );
  await dest.write(manifest.dashboardKey, html, 'text/html; charset=utf-8');
  prepared.timings.writeMs = performance.now() - started;
}

/**
 * After the manifest: one warning line per anomaly (or one line saying there was no history), the
 * notification when anomalies were found and a notifier is configured, and the `insight written`
 * line with the time spent. A failed notification is logged as an error; the outputs stay complete.
 */
export async function announceInsight(
  logger: Logger,
  prepared: PreparedInsight,
  manifest: Manifest,
  notifier: AnomalyNotifier | undefined,
): Promise<void> {
  const coverage = prepared.report.coverage;
  if (coverage.status !== 'full')
    logger.warn(
      { anomalyHistory: coverage.status, historyDays: coverage.historyDays },
      `anomaly history: ${coverage.note}`,
    );
  for (const anomaly of prepared.fields.anomalies) logger.warn({ anomaly }, `anomaly: ${anomaly.detail}`);
  let notified: string | undefined;
  if (notifier && prepared.report.anomalies.length > 0) {
    const started = performance.now();
    try {
      notified = await notifier.publish(anomalyNotice(manifest));
    } catch (error) {
      logger.error({ err: error, topic: notifier.target }, 'anomaly notification failed');
    }
    prepared.timings.notifyMs = performance.now() - started;
  }
  const t = prepared.timings;
  logger.info(
    {
      anomalies: prepared.report.anomalies.length,
      anomalyHistory: coverage.status,
      historyFiles: prepared.historySources.length,
      dashboardKey: manifest.dashboardKey,
      aggregatesKey: manifest.aggregatesKey,
      ...(notified === undefined ? {} : { notificationId: notified }),
      ...t,
      insightMs: t.aggregationMs + t.historyMs + t.detectMs + t.dashboardMs + t.writeMs + t.notifyMs,
    },
    'insight written',
  );
}

/** How short-call bursts are collected: the configured thresholds, else the defaults. */
export function burstCollectionOf(options: InsightOptions | undefined): BurstCollection {
  const thresholds = options?.thresholds;
  return thresholds
    ? { shortCallSeconds: thresholds.shortCallSeconds, prefixDigits: thresholds.prefixDigits }
    : DEFAULT_BURST_COLLECTION;
}
