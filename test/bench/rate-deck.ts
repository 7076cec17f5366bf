/**
 * A synthetic A–Z carrier rate deck for the bench: `prefixes` distinct prefixes (every 1–3 digit
 * country-code-like prefix, then random 4–8 digit ones), an `any` row each, an `outbound` row for
 * one in ten, and two effective-date windows (split on 2025-03-01) for one in twenty; rates are
 * multiples of 0.0003 so every increment gives an exact amount.
 */

import { Random } from '../../job/generate/random';
import { DECK_HEADER } from '../../job/prices/rate-deck/format';

const INCREMENTS = ['60,6', '60,60', '1,1', '6,6', '30,6'] as const;

function rate(random: Random): string {
  return (random.int(1, 2000) * 0.0003).toFixed(4);
}

/** The deck as CSV text (deterministic for a seed). */
export function syntheticDeck(prefixes: number, seed: number): string {
  const random = new Random(`deck-${seed}`);
  const chosen = new Set<string>();
  for (let p = 1; p <= 999 && chosen.size < prefixes; p++) chosen.add(String(p));
  while (chosen.size < prefixes) chosen.add(`${random.int(1, 9)}${random.digits(random.int(3, 7))}`);
  const lines = [DECK_HEADER.join(',')];
  for (const prefix of chosen) {
    const increments = random.pick(INCREMENTS);
    if (random.chance(0.05)) {
      lines.push(`${prefix},any,${rate(random)},0.01,${increments},,2025-03-01,USD,${prefix} until March`);
      lines.push(`${prefix},any,${rate(random)},0.01,${increments},2025-03-01,,USD,${prefix} from March`);
    } else lines.push(`${prefix},any,${rate(random)},0,${increments},,,USD,destination ${prefix}`);
    if (random.chance(0.1))
      lines.push(`${prefix},outbound,${rate(random)},0.02,${increments},,,USD,${prefix} outbound`);
  }
  return `${lines.join('\n')}\n`;
}
