import type { ServiceCode } from '../core/schema';

/** One price list version and the instants it is in effect: [effectiveFrom, effectiveUntil). */
export interface PriceVersionWindow {
  /** Version id as published (`20240101000000`). */
  readonly id: string;
  /** Epoch seconds, inclusive. */
  readonly effectiveFrom: number;
  /** Epoch seconds, exclusive; `null` for the current version. */
  readonly effectiveUntil: number | null;
}

/** The OnDemand USD price of one usage type in one version. */
export interface UnitPrice {
  readonly usageType: string;
  /** USD per unit, scaled by 10^PRICE_SCALE. */
  readonly pricePerUnit: bigint;
  /** Price unit as published (`minutes`, `Mins`, …). */
  readonly unit: string;
  readonly version: string;
}

/** What a Business Calling CDR (which has no UsageType) offers to identify its price. */
export interface CallHints {
  readonly direction?: string | undefined;
  readonly sourceCountry?: string | undefined;
  readonly destinationCountry?: string | undefined;
  readonly region?: string | undefined;
  /** E.164 number called; a NANP toll-free number selects toll-free prices. */
  readonly destinationPhoneNumber?: string | undefined;
  /** Explicitly whether the number called is toll-free (overrides `destinationPhoneNumber`). */
  readonly tollFree?: boolean | undefined;
}

/** Why a call could not be rated (the RatingStatus column), or RATED. */
export type RatingStatus =
  | 'RATED'
  | 'UNRATED_NO_PRICE_VERSION'
  | 'UNRATED_UNKNOWN_USAGE_TYPE'
  | 'UNRATED_NO_USAGE_TYPE';

/** Result of a price lookup. */
export type PriceLookup =
  | { readonly status: 'RATED'; readonly price: UnitPrice }
  | { readonly status: Exclude<RatingStatus, 'RATED'>; readonly version: string | null };

/** Price versions of one service with non-overlapping windows, ready for per-call lookups. */
export interface RateTable {
  readonly service: ServiceCode;
  /** Versions in effective order, windows never overlapping. */
  readonly versions: readonly PriceVersionWindow[];
  /**
   * The price of a call: the version with the latest effectiveFrom ≤ start, then the product whose
   * usagetype equals `usageType`; when `usageType` is absent (Business Calling) a price identified
   * unambiguously from the hints, if any.
   */
  priceFor(usageType: string | undefined, startEpochSeconds: number, hints: CallHints): PriceLookup;
}
