/**
 * A rate deck: the operator's own per-destination rates (longest prefix of the called number,
 * per-minute rate, connection fee, billing increments, effective dates), as telecom rating engines
 * keep them. Plain data, so a deck crosses a worker-thread boundary as it is.
 */

/** The header a rate-deck CSV must have, exactly, in this order. */
export const DECK_HEADER = [
  'prefix',
  'direction',
  'rate_per_minute',
  'connection_fee',
  'initial_increment',
  'subsequent_increment',
  'effective_from',
  'effective_to',
  'currency',
  'description',
] as const;

/** Which calls a row applies to; a row of the call's own direction beats `any` at the same prefix length. */
export type DeckDirection = 'outbound' | 'inbound' | 'any';
export const DECK_DIRECTIONS: readonly DeckDirection[] = ['outbound', 'inbound', 'any'];

/** One validated deck row. */
export interface DeckRow {
  /** 1-based line of the CSV the row came from (the header is line 1). */
  readonly line: number;
  /** Digits the called number (without `+`) starts with. */
  readonly prefix: string;
  readonly direction: DeckDirection;
  /** Per minute, scaled by 10^PRICE_SCALE. */
  readonly ratePerMinute: bigint;
  /** Per call with charged seconds > 0, scaled by 10^PRICE_SCALE. */
  readonly connectionFee: bigint;
  /** Seconds charged at least (a call of 1 … initial seconds is charged `initialIncrement`). */
  readonly initialIncrement: number;
  /** Steps beyond the initial increment, in seconds (≥ 1). */
  readonly subsequentIncrement: number;
  /** Epoch seconds, inclusive; null = open. */
  readonly effectiveFrom: number | null;
  /** Epoch seconds, exclusive; null = open. */
  readonly effectiveTo: number | null;
  /** ISO 4217 code. */
  readonly currency: string;
  readonly description: string;
}

/** A validated deck: one currency, no overlapping rows per prefix and direction. */
export interface RateDeck {
  readonly currency: string;
  readonly rows: readonly DeckRow[];
}
