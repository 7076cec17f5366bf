import type { LateArrival, LateFolder, LatePeriod } from '../cdr/late-arrivals';
import { formatDecimal } from '../core/decimal';
import { isoTimestamp } from '../core/iso-timestamp';
import { type Frequency, formatDate, type Period } from '../core/period';
import type { ServiceCode } from '../core/schema';
import { COST_SCALE, type ServiceSchema } from '../core/schema';
import type { PriceVersionWindow } from '../prices/rate-table';
import type { AmbiguousPrices } from '../prices/rating-notes';
import type { AggregatesJson } from '../report/aggregates/cost-aggregates';
import type { ChargeCountsJson } from '../report/charge-totals';
import { CrawlFindings, type CrawlFindingsJson } from '../report/crawl-findings';
import type { RunTotals, TotalsJson, UsageTypeTotal } from '../report/run-totals';
import type { UsageLineJson } from '../report/usage-lines';
import type { ChargeManifestFields, ChargeSources } from './charge-manifest';
import type { ManifestInsight } from './manifest-insight';

/** A price version as the manifest lists it. */
export interface ManifestPriceVersion {
  readonly id: string;
  readonly effectiveFrom: string;
  /** Exclusive; null for the current version. */
  readonly effectiveUntil: string | null;
  /** When the prices were published, if after effectiveFrom (calls before it got later prices). */
  readonly publishedAt?: string;
  readonly calls: number;
}

/**
 * The run's manifest (`manifest.json`, written last: its presence means the run completed).
 * Counts reconcile: objectsRead = recordsRated + recordsUnrated + recordsRejected + recordsDuplicate
 * + objectsOutsidePeriod. Objects skipped as not-a-CDR (objectsSkipped) and found in unexpected places
 * (objectsUnexpected) are listed but never read, so they are counted besides objectsRead, not in it.
 */
export interface Manifest extends ManifestInsight, ChargeManifestFields {
  readonly manifestVersion: 1;
  readonly service: ServiceCode;
  readonly frequency: Frequency;
  /** First included day, YYYY-MM-DD. */
  readonly periodStart: string;
  /** Last included day, YYYY-MM-DD. */
  readonly periodEnd: string;
  /** False for a `--partial` run over a period whose last day was not over yet (UTC). */
  readonly complete: boolean;
  readonly source: string;
  readonly prices: string;
  /** Objects listed in the crawled day folders; every one is accounted for below. */
  readonly objectsRead: number;
  readonly recordsRated: number;
  readonly recordsUnrated: number;
  readonly recordsRejected: number;
  /**
   * Calls already billed from an earlier object of the period (re-deliveries of a TransactionId /
   * CdrId): listed in rejects.jsonl with code `duplicate-call`, not counted in recordsRejected nor in
   * --max-reject-ratio (a re-delivery is not bad input).
   */
  readonly recordsDuplicate: number;
  /** Objects read that belong to another period: valid calls starting outside it, and rejects in the next day's folder. */
  readonly objectsOutsidePeriod: number;
  /** Of objectsOutsidePeriod, how many were unreadable objects in the next day's folder. */
  readonly rejectsOutsidePeriod: number;
  /** Objects listed but skipped without reading: folder markers, dot-files, temporary files. */
  readonly objectsSkipped: number;
  readonly skippedByReason: Readonly<Record<string, number>>;
  /** Objects (and folders, each counted once) under the CDR prefix outside Chime's layout: not read. */
  readonly objectsUnexpected: number;
  /** Up to 10 of their keys. */
  readonly unexpectedSamples: readonly string[];
  /** CDRs filed later than the day after their call started (the first 1,000), with the periods they belong to. */
  readonly lateArrivals: readonly LateArrival[];
  readonly lateArrivalsTotal: number;
  /** Every period a late arrival belongs to (to be re-run). */
  readonly lateArrivalPeriods: readonly LatePeriod[];
  /** Every day folder holding a late arrival, with the days its late calls started (all, not capped). */
  readonly lateArrivalFolders: readonly LateFolder[];
  /** Day folders outside the period listed because earlier runs found late calls of the period there. */
  readonly lateFoldersRead: readonly string[];
  /** Files in the report folder and the Parquet partitions that this tool did not write: kept, not deleted. */
  readonly foreignFilesKept: readonly string[];
  /** Sum of Cost over rated calls, exact decimal string, USD. */
  readonly totalCost: string;
  readonly currency: 'USD';
  /** Calls and cost of the rated calls per usage type. */
  readonly costByUsageType: readonly UsageTypeTotal[];
  /** Unrated calls per RatingStatus. */
  readonly unratedByStatus: Readonly<Record<string, number>>;
  readonly csvKey: string;
  readonly csvBytes: number;
  readonly parquetKeys: readonly string[];
  readonly rejectsKey: string;
  /** Price versions loaded, with their windows (ISO 8601 UTC) and how many of the period's calls each rated. */
  readonly priceVersions: readonly ManifestPriceVersion[];
  /** True when any price version used is illustrative (bundled demo prices), not AWS's. */
  readonly illustrativePrices: boolean;
  /** Calls rated with a price version published after the call started (current prices on older calls). */
  readonly callsRatedWithLaterPrices: number;
  /** Calls left UNRATED_AMBIGUOUS_PRICE, per set of matching products that disagree on the price. */
  readonly ambiguousPrices: readonly AmbiguousPrices[];
  readonly connectors: number;
  readonly foldersListed: number;
  /** Shards the period was read by (1 for a single-process run). */
  readonly shards: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
}

/** Serializes a manifest deterministically (stable key order as declared, 2-space indent). */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** What a shard of a fanned-out run leaves for `finalize` (`partials/…/shard-I-of-N.json`). */
export interface PartialManifest {
  readonly partialVersion: 1;
  readonly service: string;
  readonly frequency: Frequency;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly shardIndex: number;
  readonly shardCount: number;
  readonly complete: boolean;
  readonly source: string;
  readonly prices: string;
  readonly priceVersions: readonly PriceVersionWindow[];
  readonly totals: TotalsJson;
  /** The shard's cost aggregates, merged by `finalize`. */
  readonly aggregates: AggregatesJson;
  readonly findings: CrawlFindingsJson;
  readonly lateFoldersRead: readonly string[];
  readonly csvKey: string;
  readonly csvBytes: number;
  readonly rejectsKey: string;
  /** The shard's call ledger: every call it billed, for finalize to bill each call once across shards. */
  readonly callsKey: string;
  /** Staged Parquet files (`staging/…`), committed into the dataset by `finalize`. */
  readonly parquetKeys: readonly string[];
  /** The shards ran with `allowEmpty`: finalize may replace partitions holding rows with empty ones. */
  readonly allowEmpty?: boolean;
  readonly connectors: number;
  readonly foldersListed: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The shard's charges, their sources and currency, and its usage at FOCUS grain (for the merged export). */
  readonly charges: ChargeCountsJson;
  readonly chargeSources: ChargeSources;
  readonly chargeCurrency: string | null;
  readonly usage: readonly UsageLineJson[];
}

/** Everything `buildManifest` needs besides the totals. */
export interface ManifestInputs {
  readonly schema: ServiceSchema;
  readonly period: Period;
  /** Default true; false for a `--partial` run. */
  readonly complete?: boolean;
  readonly source: string;
  readonly prices: string;
  readonly totals: RunTotals;
  /** What the crawl skipped or found out of place (default: nothing). */
  readonly findings?: CrawlFindingsJson;
  readonly foreignFilesKept?: readonly string[];
  readonly lateFoldersRead?: readonly string[];
  /** The per-call CSV report and its size. */
  readonly csvKey: string;
  readonly csvBytes: number;
  readonly rejectsKey: string;
  /** Every Parquet file of the period's partitions, as committed. */
  readonly parquetKeys: readonly string[];
  readonly priceVersions: readonly PriceVersionWindow[];
  readonly connectors: number;
  readonly foldersListed: number;
  readonly shards: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly insight: ManifestInsight;
  /** Charges, connector names and the FOCUS export. */
  readonly charges: ChargeManifestFields;
}

const iso = (epochSeconds: number) => isoTimestamp(epochSeconds * 1000);

/** Assembles the manifest of a completed period (single run or finalized shards). */
export function buildManifest(input: ManifestInputs): Manifest {
  const t = input.totals;
  const findings = input.findings ?? new CrawlFindings().toJSON();
  return {
    manifestVersion: 1,
    service: input.schema.service,
    frequency: input.period.frequency,
    periodStart: formatDate(input.period.start),
    periodEnd: formatDate(input.period.end),
    complete: input.complete ?? true,
    source: input.source,
    prices: input.prices,
    objectsRead: t.objectsRead,
    recordsRated: t.rated,
    recordsUnrated: t.unrated,
    recordsRejected: t.rejected,
    recordsDuplicate: t.duplicate,
    objectsOutsidePeriod: t.outside,
    rejectsOutsidePeriod: t.rejectsOutside,
    objectsSkipped: Object.values(findings.skippedByReason).reduce((a, b) => a + b, 0),
    skippedByReason: findings.skippedByReason,
    objectsUnexpected: findings.unexpected,
    unexpectedSamples: findings.unexpectedSamples,
    lateArrivals: t.lateArrivals.listed,
    lateArrivalsTotal: t.lateArrivals.total,
    lateArrivalPeriods: t.lateArrivals.allPeriods(),
    lateArrivalFolders: t.lateArrivals.allFolders(),
    lateFoldersRead: input.lateFoldersRead ?? [],
    foreignFilesKept: input.foreignFilesKept ?? [],
    totalCost: formatDecimal(t.totalCost, COST_SCALE),
    currency: 'USD',
    costByUsageType: t.costByUsageType(),
    unratedByStatus: t.unratedByStatus(),
    csvKey: input.csvKey,
    csvBytes: input.csvBytes,
    parquetKeys: [...input.parquetKeys].sort(),
    rejectsKey: input.rejectsKey,
    priceVersions: input.priceVersions.map((v) => ({
      id: v.id,
      effectiveFrom: iso(v.effectiveFrom),
      effectiveUntil: v.effectiveUntil === null ? null : iso(v.effectiveUntil),
      ...(v.publishedAt === undefined ? {} : { publishedAt: iso(v.publishedAt) }),
      calls: t.callsByVersion(v.id),
    })),
    illustrativePrices: input.priceVersions.some((v) => v.illustrative === true),
    callsRatedWithLaterPrices: t.notes.callsRatedWithLaterPrices,
    ambiguousPrices: t.notes.ambiguousPrices(),
    connectors: input.connectors,
    foldersListed: input.foldersListed,
    shards: input.shards,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    ...input.insight,
    ...input.charges,
  };
}
