import type { Frequency } from '../period';
import type { ServiceCode } from '../schema';

/** Calls and cost of one usage type (or rating status, for unrated calls). */
export interface UsageTypeTotal {
  readonly usageType: string;
  readonly calls: number;
  /** Decimal string, USD; "0" for unrated calls. */
  readonly cost: string;
}

/** A price version as the manifest lists it. */
export interface ManifestPriceVersion {
  readonly id: string;
  readonly effectiveFrom: string;
  /** Exclusive; null for the current version. */
  readonly effectiveUntil: string | null;
  readonly calls: number;
}

/**
 * The run's manifest (`manifest.json`, written last: its presence means the run completed).
 * Counts reconcile: objectsRead = recordsRated + recordsUnrated + recordsRejected + objectsOutsidePeriod.
 */
export interface Manifest {
  readonly manifestVersion: 1;
  readonly service: ServiceCode;
  readonly frequency: Frequency;
  /** First included day, YYYY-MM-DD. */
  readonly periodStart: string;
  /** Last included day, YYYY-MM-DD. */
  readonly periodEnd: string;
  readonly source: string;
  readonly prices: string;
  /** Objects listed in the crawled day folders; every one is accounted for below. */
  readonly objectsRead: number;
  readonly recordsRated: number;
  readonly recordsUnrated: number;
  readonly recordsRejected: number;
  /** Objects read that belong to another period: valid calls starting outside it, and rejects in the next day's folder. */
  readonly objectsOutsidePeriod: number;
  /** Of objectsOutsidePeriod, how many were unreadable objects in the next day's folder. */
  readonly rejectsOutsidePeriod: number;
  /** Sum of Cost over rated calls, exact decimal string, USD. */
  readonly totalCost: string;
  readonly currency: 'USD';
  readonly costByUsageType: readonly UsageTypeTotal[];
  readonly unratedByStatus: Readonly<Record<string, number>>;
  readonly csvKey: string;
  readonly csvBytes: number;
  readonly parquetKeys: readonly string[];
  readonly rejectsKey: string;
  /** Price versions loaded, with their windows (ISO 8601 UTC) and how many of the period's calls each rated. */
  readonly priceVersions: readonly ManifestPriceVersion[];
  readonly connectors: number;
  readonly foldersListed: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
}

/** Serializes a manifest deterministically (stable key order as declared, 2-space indent). */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
