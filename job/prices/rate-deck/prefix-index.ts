import type { DeckDirection, DeckRow, RateDeck } from './format';

/** The rows of one prefix, per direction, each list ordered by effective_from. */
interface PrefixRows {
  outbound?: DeckRow[];
  inbound?: DeckRow[];
  any?: DeckRow[];
}

function inEffect(rows: readonly DeckRow[] | undefined, at: number): DeckRow | undefined {
  if (!rows) return undefined;
  for (const row of rows) {
    if ((row.effectiveFrom === null || row.effectiveFrom <= at) && (row.effectiveTo === null || at < row.effectiveTo))
      return row;
  }
  return undefined;
}

/**
 * Longest-prefix lookup over a deck: a Map from prefix to its rows, probed from the longest prefix
 * length the deck has down to the shortest (≤ 15 Map lookups per call, whatever the deck's size).
 */
export class PrefixIndex {
  private readonly byPrefix = new Map<string, PrefixRows>();
  /** Prefix lengths present in the deck, longest first. */
  private readonly lengths: number[];

  constructor(deck: RateDeck) {
    const lengths = new Set<number>();
    for (const row of deck.rows) {
      let entry = this.byPrefix.get(row.prefix);
      if (!entry) {
        entry = {};
        this.byPrefix.set(row.prefix, entry);
      }
      const list = entry[row.direction];
      if (list) list.push(row);
      else entry[row.direction] = [row];
      lengths.add(row.prefix.length);
    }
    for (const entry of this.byPrefix.values())
      for (const list of [entry.outbound, entry.inbound, entry.any])
        list?.sort((a, b) => (a.effectiveFrom ?? -Infinity) - (b.effectiveFrom ?? -Infinity));
    this.lengths = [...lengths].sort((a, b) => b - a);
  }

  /**
   * The row that rates a call to `digits` starting at `at` (epoch seconds): among the rows in effect
   * then, the longest prefix wins, and at one prefix a row of the call's own `direction` beats `any`.
   * `direction` undefined (not in the CDR) matches `any` rows only.
   */
  lookup(digits: string, direction: Exclude<DeckDirection, 'any'> | undefined, at: number): DeckRow | undefined {
    for (const length of this.lengths) {
      if (length > digits.length) continue;
      const entry = this.byPrefix.get(digits.slice(0, length));
      if (!entry) continue;
      const row = (direction && inEffect(entry[direction], at)) || inEffect(entry.any, at);
      if (row) return row;
    }
    return undefined;
  }
}
