import type { ConnectorCost, CountryCost, DayCost, UnratedMinutes } from '../report/aggregates/breakdowns';
import type { Anomaly } from '../report/anomalies/anomaly';
import type { HistoryCoverage } from '../report/anomalies/detect';

/** The manifest fields of the cost insight: breakdowns, the insight outputs' keys, anomalies. */
export interface ManifestInsight {
  /** Sum of BillableDurationMinutes over every call of the period (rated and unrated). */
  readonly totalBillableMinutes: string;
  /** Every day of the period, days without calls included; costs sum exactly to totalCost. */
  readonly costByDay: readonly DayCost[];
  /** Biggest first; costs sum exactly to totalCost. */
  readonly costByConnector: readonly ConnectorCost[];
  /** Biggest first; costs sum exactly to totalCost. */
  readonly costByDestinationCountry: readonly CountryCost[];
  /** Unrated calls and minutes by usage type and status: every unrated call is in one entry. */
  readonly unratedMinutesByUsageType: readonly UnratedMinutes[];
  /** Rejected objects by reject code. */
  readonly rejectedByCode: Readonly<Record<string, number>>;
  readonly aggregatesKey: string;
  readonly hourlyAggregatesKey: string;
  readonly dashboardKey: string;
  readonly anomalies: readonly Anomaly[];
  /** How much history the anomaly detectors had (says so when there was none). */
  readonly anomalyHistory: HistoryCoverage;
}
