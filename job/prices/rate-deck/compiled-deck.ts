import { DECK_DIRECTIONS, type DeckDirection, type RateDeck } from './format';

/**
 * A validated deck in columns of typed arrays: what charging needs, and nothing else. Compact (a
 * 57,000-row deck is ~2 MB in a dozen objects instead of ~400,000 small ones the garbage collector
 * would walk again and again during a run) and cheap to hand to a worker thread (typed arrays
 * clone as blocks). Row i of every array is row i of the deck.
 */
export interface CompiledDeck {
  readonly currency: string;
  readonly rows: number;
  /** The prefix's digits read as a number (prefixes have at most 15 digits: exact). */
  readonly prefixValue: Float64Array;
  readonly prefixLength: Uint8Array;
  /** Index in DECK_DIRECTIONS: 0 outbound, 1 inbound, 2 any. */
  readonly direction: Uint8Array;
  /** Scaled by 10^PRICE_SCALE. */
  readonly ratePerMinute: BigInt64Array;
  /** Scaled by 10^PRICE_SCALE. */
  readonly connectionFee: BigInt64Array;
  readonly initialIncrement: Int32Array;
  readonly subsequentIncrement: Int32Array;
  /** Epoch seconds, inclusive; -Infinity when open. */
  readonly effectiveFrom: Float64Array;
  /** Epoch seconds, exclusive; Infinity when open. */
  readonly effectiveTo: Float64Array;
}

/** Index of a direction in DECK_DIRECTIONS. */
export function directionIndex(direction: DeckDirection): number {
  return DECK_DIRECTIONS.indexOf(direction);
}

/** Compiles a validated deck (see `validateDeck`). */
export function compileDeck(deck: RateDeck): CompiledDeck {
  const n = deck.rows.length;
  const compiled = {
    currency: deck.currency,
    rows: n,
    prefixValue: new Float64Array(n),
    prefixLength: new Uint8Array(n),
    direction: new Uint8Array(n),
    ratePerMinute: new BigInt64Array(n),
    connectionFee: new BigInt64Array(n),
    initialIncrement: new Int32Array(n),
    subsequentIncrement: new Int32Array(n),
    effectiveFrom: new Float64Array(n),
    effectiveTo: new Float64Array(n),
  };
  deck.rows.forEach((row, i) => {
    compiled.prefixValue[i] = Number(row.prefix);
    compiled.prefixLength[i] = row.prefix.length;
    compiled.direction[i] = directionIndex(row.direction);
    compiled.ratePerMinute[i] = row.ratePerMinute;
    compiled.connectionFee[i] = row.connectionFee;
    compiled.initialIncrement[i] = row.initialIncrement;
    compiled.subsequentIncrement[i] = row.subsequentIncrement;
    compiled.effectiveFrom[i] = row.effectiveFrom ?? -Infinity;
    compiled.effectiveTo[i] = row.effectiveTo ?? Infinity;
  });
  return compiled;
}
