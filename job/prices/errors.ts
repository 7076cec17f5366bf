import { InputError } from '../core/errors';

/** Thrown when a price source cannot be read or is not a usable price list; the message is one line. */
export class PriceSourceError extends InputError {
  override readonly name = 'PriceSourceError';

  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
  }
}

/** Prefixes a PriceSourceError (or any error) with where it happened, keeping it one line. */
export function withSource(source: string, error: unknown): PriceSourceError {
  const message = error instanceof Error ? error.message : String(error);
  return new PriceSourceError(`${source}: ${message}`);
}
