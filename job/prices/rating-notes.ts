import { formatDecimal } from '../core/decimal';
import { PRICE_SCALE } from '../core/schema';
import type { Rating } from './rater';

/** Calls left unrated because the products matching them disagree on the price (manifest `ambiguousPrices`). */
export interface AmbiguousPrices {
  /** The matching products' usage types, sorted. */
  readonly usageTypes: readonly string[];
  /** Their prices per unit (USD decimal text), in the order of `usageTypes`. */
  readonly prices: readonly string[];
  readonly calls: number;
}

/** RatingNotes as plain JSON, to cross threads and shards. */
export interface RatingNotesJson {
  readonly callsRatedWithLaterPrices: number;
  /** `[JSON of [usageTypes, prices], calls]`. */
  readonly ambiguous: readonly (readonly [key: string, calls: number])[];
}

/**
 * What the ratings of a run say beyond their status: calls rated with prices published after the
 * call, and the candidates of ambiguous prices. Accumulated call by call, mergeable.
 */
export class RatingNotes {
  callsRatedWithLaterPrices = 0;
  private readonly ambiguous = new Map<string, number>();

  /** Notes one rating. */
  add(rating: Rating): void {
    if (rating.laterPrices) this.callsRatedWithLaterPrices++;
    if (rating.candidates) {
      const key = JSON.stringify([
        rating.candidates.map((c) => c.usageType),
        rating.candidates.map((c) => formatDecimal(c.pricePerUnit, PRICE_SCALE)),
      ]);
      this.ambiguous.set(key, (this.ambiguous.get(key) ?? 0) + 1);
    }
  }

  /** Adds notes taken elsewhere (another chunk, thread or shard). */
  merge(other: RatingNotesJson | undefined): void {
    if (!other) return;
    this.callsRatedWithLaterPrices += other.callsRatedWithLaterPrices;
    for (const [key, calls] of other.ambiguous) this.ambiguous.set(key, (this.ambiguous.get(key) ?? 0) + calls);
  }

  /** The ambiguous prices seen, most calls first, then by usage types. */
  ambiguousPrices(): AmbiguousPrices[] {
    return [...this.ambiguous]
      .map(([key, calls]) => {
        const [usageTypes, prices] = JSON.parse(key) as [string[], string[]];
        return { usageTypes, prices, calls };
      })
      .sort((a, b) => b.calls - a.calls || (a.usageTypes.join() < b.usageTypes.join() ? -1 : 1));
  }

  /** Plain JSON form. */
  toJSON(): RatingNotesJson {
    return { callsRatedWithLaterPrices: this.callsRatedWithLaterPrices, ambiguous: [...this.ambiguous] };
  }
}
