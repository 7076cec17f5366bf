import { InputError } from '../../core/errors';

/** Thrown when a rate deck cannot be used; the message names the line. */
export class RateDeckError extends InputError {
  override readonly name = 'RateDeckError';

  constructor(
    message: string,
    /** 1-based CSV line, when one line is at fault. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}
