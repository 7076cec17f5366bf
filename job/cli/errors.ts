import { InputError } from '../core/errors';

/** An error in what the user gave us on the command line; printed as one line, exit code 2, nothing written. */
export class UsageError extends InputError {
  override readonly name = 'UsageError';
}
