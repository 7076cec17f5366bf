/**
 * Rated usage summed at the grain of a FOCUS charge row: call-start day × account × connector (or
 * account) × usage type × price version × region. Exact sums (bigint), mergeable across chunks and
 * shards, plain data in its JSON form.
 */

import { compareText } from '../core/text';

/** What identifies one line. */
export interface UsageLineKey {
  /** Days since the epoch (UTC) of the calls' start. */
  readonly day: number;
  readonly accountId: string;
  /** Voice Connector id (Voice Connector) or AWS account id (Business Calling). */
  readonly resourceId: string;
  readonly usageType: string;
  readonly priceVersion: string;
  readonly region: string | null;
  /** USD per unit, scaled by 10^PRICE_SCALE. */
  readonly pricePerUnit: bigint;
  readonly priceUnit: string;
  readonly resourceName: string | null;
  /** The connector's tags as a JSON object, or null. */
  readonly tags: string | null;
}

/** One line: its key and the sums of its calls. */
export interface UsageLine extends UsageLineKey {
  readonly calls: number;
  /** Billable minutes, scaled by 10^MINUTES_SCALE. */
  readonly minutes: bigint;
  /** AWS cost, scaled by 10^COST_SCALE. */
  readonly cost: bigint;
  /** What the operator charged (scaled by 10^CHARGE_SCALE), null without a deck or markup. */
  readonly charged: bigint | null;
}

/** A line as JSON (bigints as integer text). */
export type UsageLineJson = Omit<UsageLine, 'pricePerUnit' | 'minutes' | 'cost' | 'charged'> & {
  readonly pricePerUnit: string;
  readonly minutes: string;
  readonly cost: string;
  readonly charged: string | null;
};

interface Sums {
  readonly key: UsageLineKey;
  calls: number;
  minutes: bigint;
  cost: bigint;
  charged: bigint | null;
}

/** The key as text; the price and its unit follow from the usage type and the version. */
function keyText(k: UsageLineKey): string {
  return `${k.day}\u0000${k.accountId}\u0000${k.resourceId}\u0000${k.usageType}\u0000${k.priceVersion}\u0000${k.region ?? ''}`;
}

/** Accumulates usage lines. */
export class UsageLines {
  private readonly sums = new Map<string, Sums>();

  /** Adds calls to the line of `key`. */
  add(key: UsageLineKey, calls: number, minutes: bigint, cost: bigint, charged: bigint | null): void {
    const text = keyText(key);
    const sums = this.sums.get(text);
    if (!sums) {
      this.sums.set(text, { key, calls, minutes, cost, charged });
      return;
    }
    sums.calls += calls;
    sums.minutes += minutes;
    sums.cost += cost;
    if (charged !== null) sums.charged = (sums.charged ?? 0n) + charged;
  }

  /** Adds lines of another chunk or shard. */
  merge(lines: readonly UsageLine[]): void {
    for (const line of lines) this.add(line, line.calls, line.minutes, line.cost, line.charged);
  }

  /** Takes lines back out (calls billed twice); a line left without calls goes. */
  subtract(lines: readonly UsageLine[]): void {
    for (const line of lines) {
      this.add(line, -line.calls, -line.minutes, -line.cost, line.charged === null ? null : -line.charged);
      const text = keyText(line);
      if (this.sums.get(text)?.calls === 0) this.sums.delete(text);
    }
  }

  /** The lines, in a deterministic order (day, account, resource, usage type, version, region). */
  lines(): UsageLine[] {
    return [...this.sums.entries()]
      .sort((a, b) => a[1].key.day - b[1].key.day || compareText(a[0], b[0]))
      .map(([, s]) => ({ ...s.key, calls: s.calls, minutes: s.minutes, cost: s.cost, charged: s.charged }));
  }

  /** JSON form (for shard partial manifests). */
  toJSON(): UsageLineJson[] {
    return this.lines().map((line) => ({
      ...line,
      pricePerUnit: line.pricePerUnit.toString(),
      minutes: line.minutes.toString(),
      cost: line.cost.toString(),
      charged: line.charged === null ? null : line.charged.toString(),
    }));
  }

  /** Lines back from their JSON form. */
  static parse(json: readonly UsageLineJson[]): UsageLine[] {
    return json.map((line) => ({
      ...line,
      pricePerUnit: BigInt(line.pricePerUnit),
      minutes: BigInt(line.minutes),
      cost: BigInt(line.cost),
      charged: line.charged === null ? null : BigInt(line.charged),
    }));
  }
}
