import { formatDecimal } from '../core/decimal';
import { CHARGE_SCALE } from '../core/schema';

/** What a chunk (or shard) contributes to the charge totals; plain data. */
export interface ChargeCounts {
  /** Sum of ChargedAmount, scaled by 10^CHARGE_SCALE. */
  readonly charged: bigint;
  /** Calls with a ChargedAmount. */
  readonly chargedCalls: number;
  /** Calls the deck had no row for (DeckStatus NO_MATCH). */
  readonly deckNoMatch: number;
}

/** ChargeCounts as JSON (the amount as integer text scaled by 10^CHARGE_SCALE). */
export interface ChargeCountsJson {
  readonly charged: string;
  readonly chargedCalls: number;
  readonly deckNoMatch: number;
}

/** The manifest's `chargedTotal`. */
export interface ChargedTotal {
  readonly currency: string;
  /** Exact decimal text. */
  readonly amount: string;
  readonly calls: number;
}

/** Sums what the operator charged over a run, chunk by chunk and shard by shard. */
export class ChargeTotals {
  charged = 0n;
  chargedCalls = 0;
  deckNoMatch = 0;

  /** Adds a chunk's (or a shard's, from JSON) counts. */
  add(counts: ChargeCounts | ChargeCountsJson): void {
    this.charged += BigInt(counts.charged);
    this.chargedCalls += counts.chargedCalls;
    this.deckNoMatch += counts.deckNoMatch;
  }

  /** Takes counts back out (calls billed twice). */
  subtract(counts: ChargeCounts): void {
    this.charged -= counts.charged;
    this.chargedCalls -= counts.chargedCalls;
    this.deckNoMatch -= counts.deckNoMatch;
  }

  /** The manifest's `chargedTotal`, or null when nothing was charged (no deck, no markup). */
  total(currency: string | null): ChargedTotal | null {
    if (currency === null) return null;
    return { currency, amount: formatDecimal(this.charged, CHARGE_SCALE), calls: this.chargedCalls };
  }

  /** JSON form. */
  toJSON(): ChargeCountsJson {
    return { charged: this.charged.toString(), chargedCalls: this.chargedCalls, deckNoMatch: this.deckNoMatch };
  }
}
