import { formatDate, type Period } from '../period';
import type { ServiceSchema } from '../schema';

/**
 * Where the scheduler keeps the rate deck and the connectors file a period's job was given: next to
 * its price snapshot (`<Service>-Pricing/snapshots/<start>_<end>.json`), so every report can be
 * reproduced from what is stored beside it.
 */
export function chargeInputKeys(schema: ServiceSchema, period: Period): { rateDeck: string; connectors: string } {
  const base = `${schema.pricingPrefix}snapshots/${formatDate(period.start)}_${formatDate(period.end)}`;
  return { rateDeck: `${base}.rate-deck.csv`, connectors: `${base}.connectors.csv` };
}
