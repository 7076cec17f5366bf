import { dateOfEpochSeconds, formatDate } from '../../core/period';
import type { ChunkAggregates } from './chunk-aggregates';
import { type AggregateRow, type BurstRow, compareText, type HourRow, type UnratedRow } from './rows';
import { type Cell, type FieldSpec, SummedTable } from './summed-table';

/** CostAggregates as plain JSON (bigints as integer text), for shard partial manifests. */
export interface AggregatesJson {
  readonly groups: readonly (readonly [
    string,
    string,
    string,
    string,
    string,
    number,
    string,
    string,
    number,
    number,
    string,
    // The charges (absent from shards written before charges were aggregated: zero).
    chargedCalls?: number,
    charged?: string,
    marginCalls?: number,
    marginCharged?: string,
    marginCost?: string,
  ])[];
  /** Connector (or account) id → ConnectorName, for the connectors that have one. */
  readonly names?: readonly (readonly [string, string])[];
  readonly hours: readonly (readonly [string, string, number, number, string, string])[];
  readonly bursts: readonly (readonly [string, string, number, number, string])[];
  readonly unrated: readonly (readonly [string, string, number, string])[];
  readonly rejectsByCode: readonly (readonly [string, number])[];
  readonly aggregationMs: number;
}

const DAY_SECONDS = 86_400;

const GROUP_FIELDS: readonly FieldSpec[] = [
  ['day', 'key'],
  ['connector', 'key'],
  ['usageType', 'key'],
  ['country', 'key'],
  ['direction', 'key'],
  ['calls', 'count'],
  ['minutes', 'sum'],
  ['cost', 'sum'],
  ['rated', 'count'],
  ['unrated', 'count'],
  ['unratedMinutes', 'sum'],
  ['chargedCalls', 'count'],
  ['charged', 'sum'],
  ['marginCalls', 'count'],
  ['marginCharged', 'sum'],
  ['marginCost', 'sum'],
];
const HOUR_FIELDS: readonly FieldSpec[] = [
  ['day', 'key'],
  ['connector', 'key'],
  ['hour', 'key'],
  ['calls', 'count'],
  ['minutes', 'sum'],
  ['cost', 'sum'],
];
const BURST_FIELDS: readonly FieldSpec[] = [
  ['connector', 'key'],
  ['prefix', 'key'],
  ['hourEpochSeconds', 'key'],
  ['calls', 'count'],
  ['cost', 'sum'],
];
const UNRATED_FIELDS: readonly FieldSpec[] = [
  ['usageType', 'key'],
  ['status', 'key'],
  ['calls', 'count'],
  ['minutes', 'sum'],
];

/**
 * The period's cost aggregates, accumulated chunk by chunk in crawl order and mergeable across shards
 * like RunTotals: exact bigint sums, so a single run, worker threads and finalized shards give the same
 * rows. Every reader gets rows sorted by their keys, whatever the order of accumulation.
 */
export class CostAggregates {
  private readonly groups = new SummedTable<AggregateRow>(GROUP_FIELDS);
  private readonly names = new Map<string, string>();
  private readonly hours = new SummedTable<HourRow>(HOUR_FIELDS);
  private readonly bursts = new SummedTable<BurstRow>(BURST_FIELDS);
  private readonly unrated = new SummedTable<UnratedRow>(UNRATED_FIELDS);
  private readonly rejects = new Map<string, number>();
  private readonly dayTexts = new Map<number, string>();
  /** Time spent collecting and merging (ms), summed over chunks and shards. */
  aggregationMs = 0;

  private dayText(day: number): string {
    let text = this.dayTexts.get(day);
    if (text === undefined) {
      text = formatDate(dateOfEpochSeconds(day * DAY_SECONDS));
      this.dayTexts.set(day, text);
    }
    return text;
  }

  /** A chunk tuple with its leading day number as YYYY-MM-DD text. */
  private withDayText<T extends readonly [number, ...Cell[]]>(tuple: T): Cell[] {
    const copy: Cell[] = tuple.slice();
    copy[0] = this.dayText(tuple[0]);
    return copy;
  }

  /** Adds one chunk's aggregates. */
  addChunk(chunk: ChunkAggregates): void {
    const started = performance.now();
    for (const group of chunk.groups) this.groups.add(this.withDayText(group));
    for (const [connector, name] of chunk.names) this.names.set(connector, name);
    for (const hour of chunk.hours) this.hours.add(this.withDayText(hour));
    for (const burst of chunk.bursts) this.bursts.add(burst);
    for (const unrated of chunk.unrated) this.unrated.add(unrated);
    this.aggregationMs += chunk.elapsedMs + (performance.now() - started);
  }

  /**
   * Takes aggregates back out (a call that turned out to be billed already), dropping every entry
   * left without calls, so the rows read as if the call had never been added. A connector keeps its
   * name (listing it costs nothing when it has no calls left).
   */
  subtractChunk(chunk: ChunkAggregates): void {
    for (const group of chunk.groups) this.groups.subtract(this.withDayText(group));
    for (const hour of chunk.hours) this.hours.subtract(this.withDayText(hour));
    for (const burst of chunk.bursts) this.bursts.subtract(burst);
    for (const unrated of chunk.unrated) this.unrated.subtract(unrated);
  }

  /** Counts rejected objects by reject code. */
  addRejects(rejects: readonly { readonly rejection: { readonly code: string } }[]): void {
    for (const { rejection } of rejects) this.rejects.set(rejection.code, (this.rejects.get(rejection.code) ?? 0) + 1);
  }

  /** Adds another shard's aggregates. */
  merge(other: AggregatesJson): void {
    const started = performance.now();
    for (const group of other.groups) this.groups.addJson(group);
    for (const [connector, name] of other.names ?? []) this.names.set(connector, name);
    for (const hour of other.hours) this.hours.addJson(hour);
    for (const burst of other.bursts) this.bursts.addJson(burst);
    for (const unrated of other.unrated) this.unrated.addJson(unrated);
    for (const [code, count] of other.rejectsByCode) this.rejects.set(code, (this.rejects.get(code) ?? 0) + count);
    this.aggregationMs += other.aggregationMs + (performance.now() - started);
  }

  /** Connector (or account) id → ConnectorName, for the connectors whose calls carry a name. */
  connectorNames(): ReadonlyMap<string, string> {
    return this.names;
  }

  private named<T extends { connector: string }>(row: T): T & { connectorName?: string } {
    const name = this.names.get(row.connector);
    return name === undefined ? row : { ...row, connectorName: name };
  }

  /** Rows of `aggregates.csv`, sorted by day, connector, usage type, country, direction. */
  rows(): AggregateRow[] {
    return this.groups
      .rows()
      .map((g) => this.named(g))
      .sort(
        (a, b) =>
          compareText(a.day, b.day) ||
          compareText(a.connector, b.connector) ||
          compareText(a.usageType, b.usageType) ||
          compareText(a.country, b.country) ||
          compareText(a.direction, b.direction),
      );
  }

  /** Rows of `hourly.csv`, sorted by day, connector, hour. */
  hourRows(): HourRow[] {
    return this.hours
      .rows()
      .map((h) => this.named(h))
      .sort((a, b) => compareText(a.day, b.day) || compareText(a.connector, b.connector) || a.hour - b.hour);
  }

  /** Short-call counts per connector × destination prefix × clock hour, sorted. */
  burstRows(): BurstRow[] {
    return this.bursts
      .rows()
      .sort(
        (a, b) =>
          compareText(a.connector, b.connector) ||
          compareText(a.prefix, b.prefix) ||
          a.hourEpochSeconds - b.hourEpochSeconds,
      );
  }

  /** Unrated calls per usage type and status, sorted. */
  unratedRows(): UnratedRow[] {
    return this.unrated.rows().sort((a, b) => compareText(a.usageType, b.usageType) || compareText(a.status, b.status));
  }

  /** Rejected objects per reject code, sorted by code. */
  rejectsByCode(): Record<string, number> {
    return Object.fromEntries([...this.rejects].sort((a, b) => compareText(a[0], b[0])));
  }

  /** Plain JSON form (see AggregatesJson). */
  toJSON(): AggregatesJson {
    return {
      groups: this.groups.toJSON() as unknown as AggregatesJson['groups'],
      names: [...this.names],
      hours: this.hours.toJSON() as unknown as AggregatesJson['hours'],
      bursts: this.bursts.toJSON() as unknown as AggregatesJson['bursts'],
      unrated: this.unrated.toJSON() as unknown as AggregatesJson['unrated'],
      rejectsByCode: [...this.rejects],
      aggregationMs: this.aggregationMs,
    };
  }
}
