import { type LateArrival, LateArrivalLog, type LateFolder, type LatePeriod } from '../cdr/late-arrivals';
import { addFields } from '../core/add-fields';
import { formatDecimal } from '../core/decimal';
import { COST_SCALE } from '../core/schema';
import { compareKeys } from '../core/text';
import { RatingNotes, type RatingNotesJson } from '../prices/rating-notes';
import type { RowCharge } from './row-charge';

/** Calls and cost of one usage type (or rating status, for unrated calls). */
export interface UsageTypeTotal {
  readonly usageType: string;
  readonly calls: number;
  /** Decimal string, USD; "0" for unrated calls. */
  readonly cost: string;
}

/** What RunTotals takes from one processed chunk (a pipeline ChunkResult has this shape). */
export interface ChunkCounts {
  readonly objectsRead: number;
  readonly rated: number;
  readonly unrated: number;
  readonly outside: number;
  readonly rejectsOutside: number;
  readonly rejects: { readonly length: number };
  readonly costs: readonly (readonly [usageType: string, calls: number, cost: bigint])[];
  readonly unratedByStatus: readonly (readonly [status: string, calls: number])[];
  readonly callsByVersion: readonly (readonly [version: string, calls: number])[];
  /** Rating observations (ambiguous prices, later prices); absent where nothing was rated. */
  readonly notes?: RatingNotesJson;
  /** Late-filed CDRs of the chunk (absent: none). */
  readonly lateArrivals?: readonly LateArrival[];
}

/** RunTotals as plain JSON (costs as integer text scaled by 10^COST_SCALE), for shard partial manifests. */
export interface TotalsJson {
  readonly objectsRead: number;
  readonly rated: number;
  readonly unrated: number;
  readonly rejected: number;
  readonly outside: number;
  readonly rejectsOutside: number;
  /** Calls already billed from an earlier object of the period (re-deliveries); not in `rejected`. */
  readonly duplicate: number;
  readonly costByUsageType: readonly (readonly [usageType: string, calls: number, scaledCost: string])[];
  readonly unratedByStatus: readonly (readonly [status: string, calls: number])[];
  readonly callsByVersion: readonly (readonly [version: string, calls: number])[];
  /** Absent in partial manifests written before it existed. */
  readonly notes?: RatingNotesJson;
  /** Absent in partial manifests written before they existed. */
  readonly lateArrivals?: readonly LateArrival[];
  readonly lateArrivalsTotal?: number;
  readonly lateArrivalPeriods?: readonly LatePeriod[];
  readonly lateArrivalFolders?: readonly LateFolder[];
}

/** What one chunk or one shard adds: TotalsJson with costs as bigint and the late arrivals listed. */
type TotalsPart = Omit<TotalsJson, 'costByUsageType' | 'lateArrivals'> & {
  readonly costByUsageType: readonly (readonly [usageType: string, calls: number, cost: bigint])[];
  readonly lateArrivals: readonly LateArrival[];
};

/** The counts a chunk or a shard adds as they are. */
const COUNT_FIELDS = ['objectsRead', 'rated', 'unrated', 'rejected', 'outside', 'rejectsOutside', 'duplicate'] as const;

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function decrement(map: Map<string, number>, key: string): void {
  const count = (map.get(key) ?? 0) - 1;
  if (count > 0) map.set(key, count);
  else map.delete(key);
}

/** Counts and exact costs of a run (or shard), accumulated chunk by chunk and mergeable across shards. */
export class RunTotals {
  objectsRead = 0;
  rated = 0;
  unrated = 0;
  rejected = 0;
  outside = 0;
  rejectsOutside = 0;
  duplicate = 0;
  private readonly byUsageType = new Map<string, { calls: number; cost: bigint }>();
  private readonly unrated_ = new Map<string, number>();
  private readonly versions = new Map<string, number>();
  /** Calls rated with later prices and ambiguous prices. */
  readonly notes = new RatingNotes();
  /** CDRs filed later than the day after their call started. */
  readonly lateArrivals = new LateArrivalLog();

  /** Adds a processed chunk. */
  addChunk(result: ChunkCounts): void {
    this.add({
      ...result,
      rejected: result.rejects.length,
      duplicate: 0,
      costByUsageType: result.costs,
      lateArrivals: result.lateArrivals ?? [],
    });
  }

  /** Adds another shard's totals (its partial manifest's JSON). */
  merge(other: TotalsJson): void {
    const late = other.lateArrivals ?? [];
    this.add({
      ...other,
      costByUsageType: other.costByUsageType.map(
        ([usageType, calls, cost]) => [usageType, calls, BigInt(cost)] as const,
      ),
      lateArrivals: late,
      lateArrivalsTotal: other.lateArrivalsTotal ?? late.length,
    });
  }

  /** The one add path of chunks and shards alike. */
  private add(part: TotalsPart): void {
    addFields(this, part, COUNT_FIELDS);
    for (const [usageType, calls, cost] of part.costByUsageType) {
      const total = this.byUsageType.get(usageType);
      if (total) {
        total.calls += calls;
        total.cost += cost;
      } else this.byUsageType.set(usageType, { calls, cost });
    }
    for (const [status, calls] of part.unratedByStatus) bump(this.unrated_, status, calls);
    for (const [version, calls] of part.callsByVersion) bump(this.versions, version, calls);
    this.notes.merge(part.notes);
    this.lateArrivals.add(
      part.lateArrivals,
      part.lateArrivalsTotal,
      part.lateArrivalPeriods ?? [],
      part.lateArrivalFolders ?? [],
    );
  }

  /** Counts objects read whose call was already billed (left out of the chunk they came in). */
  countDuplicates(objects: number): void {
    this.objectsRead += objects;
    this.duplicate += objects;
  }

  /**
   * Takes back what a row had counted (a call an earlier shard already billed, found by `finalize`)
   * and counts it as a duplicate. The row's charge comes from its report columns (see row-charge.ts);
   * `ratedWithLaterPrices` when its rating was counted in `callsRatedWithLaterPrices`.
   */
  removeDuplicate(charge: RowCharge, ratedWithLaterPrices = false): void {
    this.duplicate++;
    if (ratedWithLaterPrices) this.notes.callsRatedWithLaterPrices--;
    if (charge.version !== null) decrement(this.versions, charge.version);
    const total = charge.usageType === null ? undefined : this.byUsageType.get(charge.usageType);
    if (charge.status === 'RATED' && charge.cost !== null && total) {
      this.rated--;
      total.calls--;
      total.cost -= charge.cost;
      if (total.calls === 0) this.byUsageType.delete(charge.usageType as string);
    } else {
      this.unrated--;
      decrement(this.unrated_, charge.status);
    }
  }

  /** Sum of the cost of every rated call, scaled by 10^COST_SCALE. */
  get totalCost(): bigint {
    let sum = 0n;
    for (const total of this.byUsageType.values()) sum += total.cost;
    return sum;
  }

  /** Calls and cost per usage type, sorted by usage type. */
  costByUsageType(): UsageTypeTotal[] {
    return [...this.byUsageType]
      .sort(compareKeys)
      .map(([usageType, t]) => ({ usageType, calls: t.calls, cost: formatDecimal(t.cost, COST_SCALE) }));
  }

  /** Unrated calls per RatingStatus, sorted. */
  unratedByStatus(): Record<string, number> {
    return Object.fromEntries([...this.unrated_].sort(compareKeys));
  }

  /** Calls rated (or looked up) per price version. */
  callsByVersion(id: string): number {
    return this.versions.get(id) ?? 0;
  }

  /** Plain JSON form (see TotalsJson). */
  toJSON(): TotalsJson {
    return {
      objectsRead: this.objectsRead,
      rated: this.rated,
      unrated: this.unrated,
      rejected: this.rejected,
      outside: this.outside,
      rejectsOutside: this.rejectsOutside,
      duplicate: this.duplicate,
      costByUsageType: [...this.byUsageType].map(([u, t]) => [u, t.calls, t.cost.toString()] as const),
      unratedByStatus: [...this.unrated_],
      callsByVersion: [...this.versions],
      notes: this.notes.toJSON(),
      lateArrivals: this.lateArrivals.listed,
      lateArrivalsTotal: this.lateArrivals.total,
      lateArrivalPeriods: this.lateArrivals.allPeriods(),
      lateArrivalFolders: this.lateArrivals.allFolders(),
    };
  }
}
