import type { ConnectorCost, CountryCost, DayCost, UnratedMinutes } from '../report/aggregates/breakdowns';
import type { ChargeMargin } from '../report/aggregates/margin';
import type { Anomaly } from '../report/anomalies/anomaly';
import type { HistoryCoverage } from '../report/anomalies/detect';

/** The manifest fields of the cost insight: breakdowns, the insight outputs' keys, anomalies. */
export interface ManifestInsight {
  /** Sum of BillableDurationMinutes over every call of the period (rated and unrated). */
  readonly totalBillableMinutes: string;
  /** Every day of the period, days without calls included; costs sum exactly to totalCost. */
  readonly costByDay: readonly DayCost[];
  /**
   * Biggest first; costs sum exactly to totalCost. With a deck or markup each entry has `charges`,
   * which sum exactly to chargedTotal.
   */
  readonly costByConnector: readonly ConnectorCost[];
  /** The run's charges against its AWS cost (margin when the charges are in USD); null without a deck or markup. */
  readonly chargeMargin: ChargeMargin | null;
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
