import { formatDecimal } from '../../core/decimal';
import { COST_SCALE } from '../../core/schema';
import type { Anomaly } from './anomaly';
import type { DayFacts } from './day-facts';
import type { AnomalyThresholds } from './thresholds';

/**
 * A destination country no connector of the account called in the covered days of the trailing
 * `newCountryWindowDays`, called on `day` by a connector for at least `newCountryMinCost` or at least
 * `newCountryMinCalls` calls (one anomaly per connector).
 */
export function detectNewDestinationCountries(facts: DayFacts, day: string, t: AnomalyThresholds): Anomaly[] {
  const window = facts.coveredBefore(day, t.newCountryWindowDays);
  if (window.length === 0) return [];
  const seen = new Set<string>();
  for (const d of window)
    for (const connectorDay of facts.connectors(d).values()) for (const c of connectorDay.countries.keys()) seen.add(c);
  const out: Anomaly[] = [];
  for (const [connector, today] of facts.connectors(day)) {
    for (const [country, usage] of today.countries) {
      if (seen.has(country)) continue;
      if (usage.cost < t.newCountryMinCost && usage.calls < t.newCountryMinCalls) continue;
      const cost = formatDecimal(usage.cost, COST_SCALE);
      out.push({
        kind: 'new-destination-country',
        connector,
        destination: country,
        day,
        cost,
        baseline: '0',
        calls: usage.calls,
        detail: `${connector} made ${usage.calls} calls (${cost} USD) to ${country} on ${day}; no call went there in the ${window.length} days before`,
      });
    }
  }
  return out;
}
