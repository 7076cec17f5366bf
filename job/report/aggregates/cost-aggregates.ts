import { dateOfEpochSeconds, formatDate } from '../../core/period';
import type { ChunkAggregates, GroupTuple } from './chunk-aggregates';
import { type AggregateRow, type BurstRow, compareText, type HourRow, type UnratedRow } from './rows';

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

interface MutableGroup {
  day: string;
  connector: string;
  usageType: string;
  country: string;
  direction: string;
  calls: number;
  minutes: bigint;
  cost: bigint;
  rated: number;
  unrated: number;
  unratedMinutes: bigint;
  chargedCalls: number;
  charged: bigint;
  marginCalls: number;
  marginCharged: bigint;
  marginCost: bigint;
}

const SEP = '\u0000';
const DAY_SECONDS = 86_400;

/** Leading key fields of each tuple kind; the fields after them are counts and sums. */
const GROUP_KEYS = 5;
const HOUR_KEYS = 3;
const BURST_KEYS = 3;
const UNRATED_KEYS = 2;

/** The tuple with its counts and sums negated (its first `keys` fields kept): what taking it back out adds. */
function negated<T extends readonly (string | number | bigint)[]>(tuple: T, keys: number): T {
  return tuple.map((value, i) =>
    i < keys ? value : typeof value === 'bigint' ? -value : -(value as number),
  ) as unknown as T;
}

/**
 * The period's cost aggregates, accumulated chunk by chunk in crawl order and mergeable across shards
 * like RunTotals: exact bigint sums, so a single run, worker threads and finalized shards give the same
 * rows. Every reader gets rows sorted by their keys, whatever the order of accumulation.
 */
export class CostAggregates {
  private readonly groups = new Map<string, MutableGroup>();
  private readonly names = new Map<string, string>();
  private readonly hours = new Map<
    string,
    { day: string; connector: string; hour: number; calls: number; minutes: bigint; cost: bigint }
  >();
  private readonly bursts = new Map<
    string,
    { connector: string; prefix: string; hourEpochSeconds: number; calls: number; cost: bigint }
  >();
  private readonly unrated_ = new Map<string, { usageType: string; status: string; calls: number; minutes: bigint }>();
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

  /** Adds one chunk's aggregates. */
  addChunk(chunk: ChunkAggregates): void {
    const started = performance.now();
    for (const group of chunk.groups) this.addGroup(this.dayText(group[0]), group);
    for (const [connector, name] of chunk.names) this.names.set(connector, name);
    for (const [day, connector, hour, calls, minutes, cost] of chunk.hours)
      this.addHour(this.dayText(day), connector, hour, calls, minutes, cost);
    for (const [connector, prefix, hour, calls, cost] of chunk.bursts)
      this.addBurst(connector, prefix, hour, calls, cost);
    for (const [usageType, status, calls, minutes] of chunk.unrated) this.addUnrated(usageType, status, calls, minutes);
    this.aggregationMs += chunk.elapsedMs + (performance.now() - started);
  }

  /**
   * Takes aggregates back out (a call that turned out to be billed already), dropping every entry
   * left without calls, so the rows read as if the call had never been added.
   */
  subtractChunk(chunk: ChunkAggregates): void {
    this.addChunk({
      groups: chunk.groups.map((tuple) => negated(tuple, GROUP_KEYS)),
      // A connector keeps its name (listing it costs nothing when it has no calls left).
      names: [],
      hours: chunk.hours.map((tuple) => negated(tuple, HOUR_KEYS)),
      bursts: chunk.bursts.map((tuple) => negated(tuple, BURST_KEYS)),
      unrated: chunk.unrated.map((tuple) => negated(tuple, UNRATED_KEYS)),
      elapsedMs: 0,
    });
    for (const map of [this.groups, this.hours, this.bursts, this.unrated_] as Map<string, { calls: number }>[]) {
      for (const [key, entry] of map) if (entry.calls === 0) map.delete(key);
    }
  }

  /** Counts rejected objects by reject code. */
  addRejects(rejects: readonly { readonly rejection: { readonly code: string } }[]): void {
    for (const { rejection } of rejects) this.rejects.set(rejection.code, (this.rejects.get(rejection.code) ?? 0) + 1);
  }

  private addGroup(day: string, tuple: GroupTuple): void {
    const [
      ,
      connector,
      usageType,
      country,
      direction,
      calls,
      minutes,
      cost,
      rated,
      unrated,
      unratedMinutes,
      chargedCalls,
      charged,
      marginCalls,
      marginCharged,
      marginCost,
    ] = tuple;
    const key = `${day}${SEP}${connector}${SEP}${usageType}${SEP}${country}${SEP}${direction}`;
    const group = this.groups.get(key);
    if (group) {
      group.calls += calls;
      group.minutes += minutes;
      group.cost += cost;
      group.rated += rated;
      group.unrated += unrated;
      group.unratedMinutes += unratedMinutes;
      group.chargedCalls += chargedCalls;
      group.charged += charged;
      group.marginCalls += marginCalls;
      group.marginCharged += marginCharged;
      group.marginCost += marginCost;
    } else
      this.groups.set(key, {
        day,
        connector,
        usageType,
        country,
        direction,
        calls,
        minutes,
        cost,
        rated,
        unrated,
        unratedMinutes,
        chargedCalls,
        charged,
        marginCalls,
        marginCharged,
        marginCost,
      });
  }

  private addHour(day: string, connector: string, hour: number, calls: number, minutes: bigint, cost: bigint): void {
    const key = `${day}${SEP}${connector}${SEP}${hour}`;
    const entry = this.hours.get(key);
    if (entry) {
      entry.calls += calls;
      entry.minutes += minutes;
      entry.cost += cost;
    } else this.hours.set(key, { day, connector, hour, calls, minutes, cost });
  }

  private addBurst(connector: string, prefix: string, hourEpochSeconds: number, calls: number, cost: bigint): void {
    const key = `${connector}${SEP}${prefix}${SEP}${hourEpochSeconds}`;
    const entry = this.bursts.get(key);
    if (entry) {
      entry.calls += calls;
      entry.cost += cost;
    } else this.bursts.set(key, { connector, prefix, hourEpochSeconds, calls, cost });
  }

  private addUnrated(usageType: string, status: string, calls: number, minutes: bigint): void {
    const key = `${usageType}${SEP}${status}`;
    const entry = this.unrated_.get(key);
    if (entry) {
      entry.calls += calls;
      entry.minutes += minutes;
    } else this.unrated_.set(key, { usageType, status, calls, minutes });
  }

  /** Adds another shard's aggregates. */
  merge(other: AggregatesJson): void {
    const started = performance.now();
    for (const [
      day,
      connector,
      usageType,
      country,
      direction,
      calls,
      minutes,
      cost,
      rated,
      unrated,
      unratedMinutes,
      chargedCalls = 0,
      charged = '0',
      marginCalls = 0,
      marginCharged = '0',
      marginCost = '0',
    ] of other.groups)
      this.addGroup(day, [
        0,
        connector,
        usageType,
        country,
        direction,
        calls,
        BigInt(minutes),
        BigInt(cost),
        rated,
        unrated,
        BigInt(unratedMinutes),
        chargedCalls,
        BigInt(charged),
        marginCalls,
        BigInt(marginCharged),
        BigInt(marginCost),
      ]);
    for (const [connector, name] of other.names ?? []) this.names.set(connector, name);
    for (const [day, connector, hour, calls, minutes, cost] of other.hours)
      this.addHour(day, connector, hour, calls, BigInt(minutes), BigInt(cost));
    for (const [connector, prefix, hour, calls, cost] of other.bursts)
      this.addBurst(connector, prefix, hour, calls, BigInt(cost));
    for (const [usageType, status, calls, minutes] of other.unrated)
      this.addUnrated(usageType, status, calls, BigInt(minutes));
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
    return [...this.groups.values()]
      .map((g) => this.named({ ...g }))
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
    return [...this.hours.values()]
      .map((h) => this.named({ ...h }))
      .sort((a, b) => compareText(a.day, b.day) || compareText(a.connector, b.connector) || a.hour - b.hour);
  }

  /** Short-call counts per connector × destination prefix × clock hour, sorted. */
  burstRows(): BurstRow[] {
    return [...this.bursts.values()]
      .map((b) => ({ ...b }))
      .sort(
        (a, b) =>
          compareText(a.connector, b.connector) ||
          compareText(a.prefix, b.prefix) ||
          a.hourEpochSeconds - b.hourEpochSeconds,
      );
  }

  /** Unrated calls per usage type and status, sorted. */
  unratedRows(): UnratedRow[] {
    return [...this.unrated_.values()]
      .map((u) => ({ ...u }))
      .sort((a, b) => compareText(a.usageType, b.usageType) || compareText(a.status, b.status));
  }

  /** Rejected objects per reject code, sorted by code. */
  rejectsByCode(): Record<string, number> {
    return Object.fromEntries([...this.rejects].sort((a, b) => compareText(a[0], b[0])));
  }

  /** Plain JSON form (see AggregatesJson). */
  toJSON(): AggregatesJson {
    return {
      groups: [...this.groups.values()].map(
        (g) =>
          [
            g.day,
            g.connector,
            g.usageType,
            g.country,
            g.direction,
            g.calls,
            String(g.minutes),
            String(g.cost),
            g.rated,
            g.unrated,
            String(g.unratedMinutes),
            g.chargedCalls,
            String(g.charged),
            g.marginCalls,
            String(g.marginCharged),
            String(g.marginCost),
          ] as const,
      ),
      names: [...this.names],
      hours: [...this.hours.values()].map(
        (h) => [h.day, h.connector, h.hour, h.calls, String(h.minutes), String(h.cost)] as const,
      ),
      bursts: [...this.bursts.values()].map(
        (b) => [b.connector, b.prefix, b.hourEpochSeconds, b.calls, String(b.cost)] as const,
      ),
      unrated: [...this.unrated_.values()].map((u) => [u.usageType, u.status, u.calls, String(u.minutes)] as const),
      rejectsByCode: [...this.rejects],
      aggregationMs: this.aggregationMs,
    };
  }
}
