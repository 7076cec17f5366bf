import type { CompiledDeck } from './compiled-deck';
import { directionIndex } from './compiled-deck';

const ZERO = 48;
/** Prefixes are at most 15 digits: their value stays below 2^53, an exact JS number. */
const MAX_DIGITS = 15;
const DIRECTIONS = 3;
const ANY = directionIndex('any');

/** What a lookup found: the deck row and the length of the prefix it matched. */
export interface PrefixMatch {
  row: number;
  length: number;
}

/**
 * Longest-prefix lookup over a compiled deck: a digit trie in typed arrays (node n's child for digit
 * d at `children[n * 10 + d]`), each node that ends a prefix pointing to an entry; per entry and
 * direction, the rows as a linked list ordered by effective_from. A lookup walks the called number's
 * digits once — one array read per digit, whatever the deck's size.
 */
export class PrefixIndex {
  private readonly children: Int32Array;
  /** Entry of node n (a prefix ends there), -1 when none. */
  private readonly nodeEntry: Int32Array;
  /** First row of entry e, direction d at `head[e * 3 + d]`, -1 when none. */
  private readonly head: Int32Array;
  /** The row after row r in its entry and direction, -1 at the end. */
  private readonly next: Int32Array;
  /** Entries matched by the current lookup, shortest first (reused: no allocation per call). */
  private readonly matched: number[] = [];
  private readonly matchedLength: number[] = [];

  constructor(private readonly deck: CompiledDeck) {
    let bound = 1;
    for (let r = 0; r < deck.rows; r++) bound += deck.prefixLength[r] as number;
    let children = new Int32Array(bound * 10).fill(-1);
    let nodeEntry = new Int32Array(bound).fill(-1);
    let nodes = 1;
    let entries = 0;
    const entryOf = new Int32Array(deck.rows);
    const digits = new Uint8Array(MAX_DIGITS);
    for (let r = 0; r < deck.rows; r++) {
      // The prefix's digits back from its value (prefixes have at most 15 digits: exact).
      const length = deck.prefixLength[r] as number;
      let value = deck.prefixValue[r] as number;
      for (let i = length - 1; i >= 0; i--) {
        digits[i] = value % 10;
        value = Math.floor(value / 10);
      }
      let node = 0;
      for (let i = 0; i < length; i++) {
        const slot = node * 10 + (digits[i] as number);
        let child = children[slot] as number;
        if (child < 0) {
          child = nodes++;
          children[slot] = child;
        }
        node = child;
      }
      let entry = nodeEntry[node] as number;
      if (entry < 0) {
        entry = entries++;
        nodeEntry[node] = entry;
      }
      entryOf[r] = entry;
    }
    children = children.slice(0, nodes * 10);
    nodeEntry = nodeEntry.slice(0, nodes);
    this.children = children;
    this.nodeEntry = nodeEntry;
    this.head = new Int32Array(entries * DIRECTIONS).fill(-1);
    this.next = new Int32Array(deck.rows).fill(-1);
    // Insert the latest window first so that each list ends up ordered by effective_from.
    const order = Array.from({ length: deck.rows }, (_, r) => r).sort(
      (a, b) => (deck.effectiveFrom[b] as number) - (deck.effectiveFrom[a] as number),
    );
    for (const r of order) {
      const slot = (entryOf[r] as number) * DIRECTIONS + (deck.direction[r] as number);
      this.next[r] = this.head[slot] as number;
      this.head[slot] = r;
    }
  }

  private inEffect(entry: number, direction: number, at: number): number {
    const deck = this.deck;
    for (let r = this.head[entry * DIRECTIONS + direction] as number; r >= 0; r = this.next[r] as number) {
      if ((deck.effectiveFrom[r] as number) <= at && at < (deck.effectiveTo[r] as number)) return r;
    }
    return -1;
  }

  /**
   * The row that rates a call to `digits` starting at `at` (epoch seconds), written into `match`:
   * among the rows in effect then, the longest prefix wins, and at one prefix a row of the call's own
   * direction (`directionIndex`, or -1 when the CDR has none) beats `any`. The digits start at `from`
   * (after a `+`) and end at the first non-digit. Returns false when no row applies.
   */
  lookup(digits: string, from: number, direction: number, at: number, match: PrefixMatch): boolean {
    const matched = this.matched;
    const lengths = this.matchedLength;
    matched.length = 0;
    lengths.length = 0;
    const children = this.children;
    const end = Math.min(digits.length - from, MAX_DIGITS);
    let node = 0;
    for (let i = 0; i < end; i++) {
      const digit = digits.charCodeAt(from + i) - ZERO;
      if (digit < 0 || digit > 9) break;
      node = children[node * 10 + digit] as number;
      if (node < 0) break;
      const entry = this.nodeEntry[node] as number;
      if (entry >= 0) {
        matched.push(entry);
        lengths.push(i + 1);
      }
    }
    for (let m = matched.length - 1; m >= 0; m--) {
      const entry = matched[m] as number;
      let row = direction >= 0 ? this.inEffect(entry, direction, at) : -1;
      if (row < 0) row = this.inEffect(entry, ANY, at);
      if (row >= 0) {
        match.row = row;
        match.length = lengths[m] as number;
        return true;
      }
    }
    return false;
  }
}
