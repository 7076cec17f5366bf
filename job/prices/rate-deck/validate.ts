import { RateDeckError } from './deck-error';
import type { DeckRow, RateDeck } from './format';

const open = (value: number | null, infinity: number) => value ?? infinity;

/**
 * Checks the deck as a whole: one currency, and no two rows of one prefix and direction in effect
 * at the same instant. Throws RateDeckError naming the offending line (and the line it clashes with).
 */
export function validateDeck(rows: readonly DeckRow[]): RateDeck {
  const first = rows[0];
  if (!first) throw new RateDeckError('the deck has no rates');
  for (const row of rows) {
    if (row.currency !== first.currency) {
      throw new RateDeckError(
        `currency ${row.currency} differs from ${first.currency} (line ${first.line}); a deck has one currency`,
        row.line,
      );
    }
  }
  const groups = new Map<string, DeckRow[]>();
  for (const row of rows) {
    const key = `${row.prefix}|${row.direction}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const sorted = [...group].sort(
      (a, b) => open(a.effectiveFrom, -Infinity) - open(b.effectiveFrom, -Infinity) || a.line - b.line,
    );
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1] as DeckRow;
      const row = sorted[i] as DeckRow;
      if (open(row.effectiveFrom, -Infinity) < open(before.effectiveTo, Infinity)) {
        const later = row.line > before.line ? row : before;
        const other = later === row ? before : row;
        throw new RateDeckError(
          `prefix ${row.prefix} ${row.direction} overlaps line ${other.line} (effective dates must not overlap)`,
          later.line,
        );
      }
    }
  }
  return { currency: first.currency, rows };
}
