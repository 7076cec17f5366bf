import { formatDecimal } from '../../core/decimal';
import { COST_SCALE } from '../../core/schema';
import type { Anomaly } from './anomaly';
import type { DayFacts } from './day-facts';
import type { AnomalyThresholds } from './thresholds';

/** Median of exact amounts (the lower middle for an even count, so it is always one of the values). */
export function medianAmount(values: readonly bigint[]): bigint {
  if (values.length === 0) return 0n;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor((sorted.length - 1) / 2)] as bigint;
}

/** Multiplies an exact amount by a factor given as a JS number (e.g. 3 or 2.5), rounding up. */
function times(amount: bigint, factor: number): bigint {
  const thousandths = BigInt(Math.round(factor * 1000));
  const product = amount * thousandths;
  return product / 1000n + (product % 1000n === 0n ? 0n : 1n);
}

/**
 * A connector whose cost on `day` is at least `spikeFactor` × its median daily cost over the covered
 * days of the trailing `spikeWindowDays` (days without calls count as zero) and at least `spikeMinCost`.
 */
export function detectDailyCostSpikes(facts: DayFacts, day: string, t: AnomalyThresholds): Anomaly[] {
  const window = facts.coveredBefore(day, t.spikeWindowDays);
  if (window.length === 0) return [];
  const out: Anomaly[] = [];
  for (const [connector, today] of facts.connectors(day)) {
    if (today.cost < t.spikeMinCost) continue;
    const median = medianAmount(window.map((d) => facts.connectors(d).get(connector)?.cost ?? 0n));
    if (today.cost < times(median, t.spikeFactor)) continue;
    const cost = formatDecimal(today.cost, COST_SCALE);
    const baseline = formatDecimal(median, COST_SCALE);
    out.push({
      kind: 'daily-cost-spike',
      connector,
      day,
      cost,
      baseline,
      calls: today.calls,
      detail: `${connector} cost ${cost} USD on ${day}, ≥ ${t.spikeFactor}× its median of ${baseline} USD over the ${window.length} days before`,
    });
  }
  return out;
}
