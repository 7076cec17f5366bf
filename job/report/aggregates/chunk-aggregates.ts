/**
 * What one chunk contributes to the period's cost aggregates: plain data (numbers, strings, bigints)
 * so it crosses a worker-thread boundary as is. Days are days since the epoch (UTC).
 */

/** Calls of one day × connector × usage type × destination country × direction. */
export type GroupTuple = readonly [
  day: number,
  connector: string,
  usageType: string,
  country: string,
  direction: string,
  calls: number,
  /** BillableDurationMinutes, scaled by 10^MINUTES_SCALE. */
  minutes: bigint,
  /** Cost of the rated calls, scaled by 10^COST_SCALE. */
  cost: bigint,
  rated: number,
  unrated: number,
  unratedMinutes: bigint,
  /** Calls with a ChargedAmount (rate deck or markup). */
  chargedCalls: number,
  /** Sum of ChargedAmount, scaled by 10^CHARGE_SCALE. */
  charged: bigint,
  /** Calls with both a ChargedAmount and a Cost: the calls a margin is taken over. */
  marginCalls: number,
  /** ChargedAmount of those calls, scaled by 10^CHARGE_SCALE. */
  marginCharged: bigint,
  /** Cost of those calls, scaled by 10^COST_SCALE. */
  marginCost: bigint,
];

/** Calls of one day × connector × hour of day (0-23, UTC). */
export type HourTuple = readonly [
  day: number,
  connector: string,
  hour: number,
  calls: number,
  minutes: bigint,
  cost: bigint,
];

/** Short outbound calls of one connector to one destination-number prefix within one clock hour. */
export type BurstTuple = readonly [
  connector: string,
  prefix: string,
  hourEpochSeconds: number,
  calls: number,
  cost: bigint,
];

/** Unrated calls of one usage type ("" when the CDR has none) and RatingStatus. */
export type UnratedTuple = readonly [usageType: string, status: string, calls: number, minutes: bigint];

/** A connector (or account) id and the ConnectorName its calls carry. */
export type NameTuple = readonly [connector: string, name: string];

/** A chunk's aggregates. */
export interface ChunkAggregates {
  readonly groups: readonly GroupTuple[];
  /** The names of the chunk's connectors that have one (from the report's ConnectorName column). */
  readonly names: readonly NameTuple[];
  readonly hours: readonly HourTuple[];
  readonly bursts: readonly BurstTuple[];
  readonly unrated: readonly UnratedTuple[];
  /** Time spent collecting them (ms), for the run's insight timings. */
  readonly elapsedMs: number;
}

/** What decides which calls count towards a short-call burst (fixed for a run; workers get a copy). */
export interface BurstCollection {
  /** A call is short when its billable duration is below this many seconds. Default 10. */
  readonly shortCallSeconds: number;
  /** Digits of the E.164 destination number (after `+`) that make its prefix. Default 7. */
  readonly prefixDigits: number;
}

/** Defaults of {@link BurstCollection}. */
export const DEFAULT_BURST_COLLECTION: BurstCollection = { shortCallSeconds: 10, prefixDigits: 7 };

/** An empty chunk contribution. */
export const NO_AGGREGATES: ChunkAggregates = {
  groups: [],
  names: [],
  hours: [],
  bursts: [],
  unrated: [],
  elapsedMs: 0,
};
