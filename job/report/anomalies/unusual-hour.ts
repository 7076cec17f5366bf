import { formatDecimal } from '../../core/decimal';
import { COST_SCALE } from '../../core/schema';
import type { HourRow } from '../aggregates/rows';
import type { Anomaly } from './anomaly';
import type { DayFacts } from './day-facts';
import type { AnomalyThresholds } from './thresholds';

/**
 * Calls of a connector at an hour of day (UTC) at which it made no call in the covered days of the
 * trailing `unusualHourWindowDays`. Connectors with no calls at all in that window are left to the
 * cost detectors (every hour would be new).
 */
export function detectUnusualHours(
  facts: DayFacts,
  day: string,
  hourRows: readonly HourRow[],
  t: AnomalyThresholds,
): Anomaly[] {
  const window = facts.coveredBefore(day, t.unusualHourWindowDays);
  if (window.length === 0) return [];
  const out: Anomaly[] = [];
  const usedHours = new Map<string, Set<number>>();
  const hoursOf = (connector: string): Set<number> => {
    let hours = usedHours.get(connector);
    if (!hours) {
      hours = new Set();
      for (const d of window)
        for (const [hour, calls] of facts.connectors(d).get(connector)?.hours ?? []) if (calls > 0) hours.add(hour);
      usedHours.set(connector, hours);
    }
    return hours;
  };
  for (const row of hourRows) {
    if (row.day !== day || row.calls < t.unusualHourMinCalls) continue;
    const hours = hoursOf(row.connector);
    if (hours.size === 0 || hours.has(row.hour)) continue;
    const cost = formatDecimal(row.cost, COST_SCALE);
    out.push({
      kind: 'unusual-hour',
      connector: row.connector,
      day,
      hour: row.hour,
      cost,
      baseline: '0',
      calls: row.calls,
      detail: `${row.connector} made ${row.calls} calls at ${String(row.hour).padStart(2, '0')}:00 UTC on ${day}, an hour it was not used at in the ${window.length} days before`,
    });
  }
  return out;
}
