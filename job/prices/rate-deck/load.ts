import { type OpenS3Store, openPricesArgument } from '../prices-argument';
import { deckFromBytes } from './deck-from-bytes';
import type { RateDeck } from './format';

/** A loaded deck, with the bytes it was read from (kept so the run can store a copy). */
export interface LoadedDeck {
  readonly deck: RateDeck;
  readonly location: string;
  readonly bytes: Buffer;
}

/**
 * Reads a `--rate-deck` argument (a local CSV file or `s3://bucket/key`) and validates it. Throws
 * PriceSourceError when it cannot be read and RateDeckError when it is not a usable deck.
 */
export async function loadRateDeck(text: string, openS3?: OpenS3Store): Promise<LoadedDeck> {
  const { store, key, location } = await openPricesArgument(text, openS3);
  try {
    const bytes = await store.read(key);
    return { deck: deckFromBytes(bytes), location, bytes };
  } finally {
    await store.close();
  }
}
