/** The rows of the aggregate outputs, as the sinks write them and the anomaly detectors read them. */

/** One row of `aggregates.csv`: day × connector × usage type × destination country × direction. */
export interface AggregateRow {
  /** Call start day, YYYY-MM-DD (UTC). */
  readonly day: string;
  /** Voice Connector ID (Voice Connector) or AWS account ID (Business Calling). */
  readonly connector: string;
  /** "" when the CDR has none and no price identified it. */
  readonly usageType: string;
  readonly country: string;
  readonly direction: string;
  readonly calls: number;
  /** Scaled by 10^MINUTES_SCALE. */
  readonly minutes: bigint;
  /** Cost of the rated calls, scaled by 10^COST_SCALE. */
  readonly cost: bigint;
  readonly rated: number;
  readonly unrated: number;
  /** Scaled by 10^MINUTES_SCALE. */
  readonly unratedMinutes: bigint;
  /** Calls with a ChargedAmount (0 without a rate deck or markup). */
  readonly chargedCalls: number;
  /** Sum of ChargedAmount, scaled by 10^CHARGE_SCALE, in the run's charge currency. */
  readonly charged: bigint;
  /** Calls with both a ChargedAmount and a Cost: the calls a margin is taken over. */
  readonly marginCalls: number;
  /** ChargedAmount of those calls, scaled by 10^CHARGE_SCALE. */
  readonly marginCharged: bigint;
  /** Cost of those calls, scaled by 10^COST_SCALE (USD). */
  readonly marginCost: bigint;
  /** Display name of the connector (from --connectors), when it has one. */
  readonly connectorName?: string;
}

/** One row of `hourly.csv`: day × connector × hour of day (UTC). */
export interface HourRow {
  readonly day: string;
  readonly connector: string;
  /** 0-23, UTC. */
  readonly hour: number;
  readonly calls: number;
  readonly minutes: bigint;
  readonly cost: bigint;
  /** Display name of the connector, when it has one. */
  readonly connectorName?: string;
}

/** Short outbound calls of one connector to one destination prefix within one clock hour. */
export interface BurstRow {
  readonly connector: string;
  /** `+` and the first digits of the destination numbers. */
  readonly prefix: string;
  /** Start of the clock hour, epoch seconds (UTC). */
  readonly hourEpochSeconds: number;
  readonly calls: number;
  readonly cost: bigint;
}

/** Unrated calls of one usage type and RatingStatus. */
export interface UnratedRow {
  readonly usageType: string;
  readonly status: string;
  readonly calls: number;
  readonly minutes: bigint;
}

export { compareText } from '../../core/text';
