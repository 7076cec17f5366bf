import { formatDecimal } from '../../core/decimal';
import { dateOfEpochSeconds, formatDate } from '../../core/period';
import { COST_SCALE } from '../../core/schema';
import type { BurstRow } from '../aggregates/rows';
import type { Anomaly } from './anomaly';
import type { AnomalyThresholds } from './thresholds';

/**
 * At least `burstMinCalls` outbound calls shorter than `shortCallSeconds` from one connector to one
 * destination-number prefix within one clock hour (the Wangiri call-back / IRSF pattern). Needs no
 * history.
 */
export function detectShortCallBursts(bursts: readonly BurstRow[], t: AnomalyThresholds): Anomaly[] {
  const out: Anomaly[] = [];
  for (const burst of bursts) {
    if (burst.calls < t.burstMinCalls) continue;
    const day = formatDate(dateOfEpochSeconds(burst.hourEpochSeconds));
    const hour = Math.floor((burst.hourEpochSeconds % 86_400) / 3600);
    const cost = formatDecimal(burst.cost, COST_SCALE);
    out.push({
      kind: 'short-call-burst',
      connector: burst.connector,
      destination: burst.prefix,
      day,
      hour,
      cost,
      baseline: String(t.burstMinCalls),
      calls: burst.calls,
      detail: `${burst.connector} made ${burst.calls} calls shorter than ${t.shortCallSeconds} s to ${burst.prefix}… between ${String(hour).padStart(2, '0')}:00 and ${String(hour).padStart(2, '0')}:59 UTC on ${day}`,
    });
  }
  return out;
}
