import type { ServiceCode } from '../core/schema';

/** One price list version and the instants it is in effect: [effectiveFrom, effectiveUntil). */
export interface PriceVersionWindow {
  /** Version id as published (`20240101000000`). */
  readonly id: string;
  /** Epoch seconds, inclusive. */
  readonly effectiveFrom: number;
  /** Epoch seconds, exclusive; `null` for the current version. */
  readonly effectiveUntil: number | null;
  /**
   * Epoch seconds the version was published, set only when its window reaches back before that
   * (a single current price list stretched over older calls): calls starting earlier are rated
   * with prices published after them, and are counted as such.
   */
  readonly publishedAt?: number;
  /** Set when the prices are illustrative (bundled demo prices), not AWS's. */
  readonly illustrative?: boolean;
}

/** The OnDemand USD price of one usage type in one version. */
export interface UnitPrice {
  readonly usageType: string;
  /** USD per unit, scaled by 10^PRICE_SCALE. */
  readonly pricePerUnit: bigint;
  /**
   * Price unit as published (`minutes`, `Mins`, …); a converted price says so
   * (`Minutes (converted from Seconds)`), since `pricePerUnit` is then per minute.
   */
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
  | 'UNRATED_NO_USAGE_TYPE'
  /** Several products match a call without a usage type and their prices differ. */
  | 'UNRATED_AMBIGUOUS_PRICE'
  /** The price's unit is not a time unit convertible to minutes exactly (per message, per month, …). */
  | 'UNRATED_UNSUPPORTED_UNIT';

/** Result of a price lookup. */
export type PriceLookup =
  | {
      readonly status: 'RATED';
      readonly price: UnitPrice;
      /** Set when the call started before the version was published (see PriceVersionWindow). */
      readonly laterPrices?: true;
    }
  | {
      readonly status: 'UNRATED_AMBIGUOUS_PRICE';
      readonly version: string;
      /** The matching products, sorted by usage type; at least two prices differ. */
      readonly candidates: readonly UnitPrice[];
    }
  | {
      readonly status: Exclude<RatingStatus, 'RATED' | 'UNRATED_AMBIGUOUS_PRICE'>;
      readonly version: string | null;
    };

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
