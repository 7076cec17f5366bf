import type { ServiceCode } from '../core/schema';

/** Format tag of the project's own normalized price snapshot. */
export const SNAPSHOT_FORMAT = 'chime-cdr-summary/price-snapshot@1';

/**
 * The project's normalized price snapshot: what the scheduler stores under
 * `<Service-With-Dashes>-Pricing/` and what `--prices` accepts besides AWS's own formats.
 * JSON, prices as decimal strings (never numbers), instants as ISO 8601 UTC.
 */
export interface PriceSnapshotDocument {
  /** The document's format marker (SNAPSHOT_FORMAT). */
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly service: ServiceCode;
  /** When the snapshot was made. */
  readonly createdAt: string;
  readonly currency: 'USD';
  /** Where the prices came from (API calls, file names), for audit. */
  readonly sources: readonly string[];
  /** Versions in effective order; windows never overlap. */
  readonly versions: readonly SnapshotVersion[];
}

/** One price version: the window it is in effect and its prices. */
export interface SnapshotVersion {
  readonly id: string;
  /** ISO 8601 UTC, inclusive. */
  readonly effectiveFrom: string;
  /** ISO 8601 UTC, exclusive; null for the current version. */
  readonly effectiveUntil: string | null;
  /**
   * ISO 8601 UTC publication of the prices, present only when the window starts before it (a
   * single current price list applied to older calls): calls before it get later prices.
   */
  readonly publishedAt?: string;
  /** True when the prices are illustrative (bundled demo prices), not AWS's. */
  readonly illustrative?: boolean;
  readonly prices: readonly SnapshotPrice[];
}

export interface SnapshotPrice {
  readonly usageType: string;
  /** USD per unit, decimal text (`"0.0048"`). */
  readonly pricePerUnit: string;
  readonly unit: string;
  readonly description?: string;
  /** Product attributes kept for identifying prices without a UsageType (Business Calling). */
  readonly attributes?: Readonly<Record<string, string>>;
}
