import type { RateDeck } from './format';
import { parseDeckCsv } from './parse';
import { validateDeck } from './validate';

/** Parses and validates deck bytes (UTF-8 CSV). Throws RateDeckError naming the line. */
export function deckFromBytes(bytes: Buffer): RateDeck {
  return validateDeck(parseDeckCsv(bytes.toString('utf8')));
}
