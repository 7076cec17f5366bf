import type { DeckDirection, DeckRow, RateDeck } from './format';
import { type RowAmounts, rowAmounts } from './increments';

/** A deck row with its fee and rate prepared at the charge scale. */
export interface IndexedRow extends DeckRow {
  readonly amounts: RowAmounts;
}

/** The rows of one prefix, per direction, each list ordered by effective_from. */
interface PrefixRows {
  outbound?: IndexedRow[];
  inbound?: IndexedRow[];
  any?: IndexedRow[];
}

function inEffect(rows: readonly IndexedRow[] | undefined, at: number): IndexedRow | undefined {
  if (!rows) return undefined;
  for (const row of rows) {
    if ((row.effectiveFrom === null || row.effectiveFrom <= at) && (row.effectiveTo === null || at < row.effectiveTo))
      return row;
  }
  return undefined;
}

const ZERO = 48;
/** Prefixes are at most 15 digits: their value stays below 2^53, an exact JS number. */
const MAX_DIGITS = 15;

/**
 * Longest-prefix lookup over a deck: one Map per prefix length, keyed by the prefix's numeric value.
 * A lookup walks the called number's digits once, building each prefix's value as it goes (no
 * substrings), so a call costs at most one Map probe per digit whatever the deck's size.
 */
export class PrefixIndex {
  /** `byLength[n]`: prefixes of n digits, by value. */
  private readonly byLength: (Map<number, PrefixRows> | undefined)[] = [];
  private readonly longest: number;
  /** Matches of the current lookup, reused (no allocation per call). */
  private readonly matches: PrefixRows[] = [];

  constructor(deck: RateDeck) {
    let longest = 0;
    for (const deckRow of deck.rows) {
      const row: IndexedRow = { ...deckRow, amounts: rowAmounts(deckRow.ratePerMinute, deckRow.connectionFee) };
      const length = row.prefix.length;
      let map = this.byLength[length];
      if (!map) {
        map = new Map();
        this.byLength[length] = map;
      }
      const value = Number(row.prefix);
      let entry = map.get(value);
      if (!entry) {
        entry = {};
        map.set(value, entry);
      }
      const list = entry[row.direction];
      if (list) list.push(row);
      else entry[row.direction] = [row];
      longest = Math.max(longest, length);
    }
    for (const map of this.byLength)
      for (const entry of map?.values() ?? [])
        for (const list of [entry.outbound, entry.inbound, entry.any])
          list?.sort((a, b) => (a.effectiveFrom ?? -Infinity) - (b.effectiveFrom ?? -Infinity));
    this.longest = Math.min(longest, MAX_DIGITS);
  }

  /**
   * The row that rates a call to `digits` starting at `at` (epoch seconds): among the rows in effect
   * then, the longest prefix wins, and at one prefix a row of the call's own `direction` beats `any`.
   * `direction` undefined (not in the CDR) matches `any` rows only. Digits end at the first non-digit.
   */
  lookup(digits: string, direction: Exclude<DeckDirection, 'any'> | undefined, at: number): IndexedRow | undefined {
    const matches = this.matches;
    matches.length = 0;
    const end = Math.min(digits.length, this.longest);
    let value = 0;
    for (let i = 0; i < end; i++) {
      const digit = digits.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
      const entry = this.byLength[i + 1]?.get(value);
      if (entry) matches.push(entry);
    }
    for (let m = matches.length - 1; m >= 0; m--) {
      const entry = matches[m] as PrefixRows;
      const row = (direction && inEffect(entry[direction], at)) || inEffect(entry.any, at);
      if (row) return row;
    }
    return undefined;
  }
}
