import { Option } from 'commander';
import { parseWholeNumber } from '../core/env';
import { rethrowNaming } from '../core/errors';
import { SERVICES } from '../core/schema';
import { parseLeaseTtl } from '../pipeline/lease';
import { UsageError } from './errors';

/**
 * Commander options with their parsing attached (`argParser`, `choices`): every command gets its
 * numbers, ratios and durations already checked, with one line naming the option when they are not.
 */

/** `--<name> <n>`: a whole number from `min` (to `max`), parsed by the one integer parser. */
export function wholeNumberOption(flags: string, description: string, min: number, max?: number): Option {
  const option = new Option(flags, description);
  const name = option.long ?? flags;
  return option.argParser((text: string) => parseWholeNumber(text, name, min, max));
}

/** `--service <code>`, one of the service codes; `fallback` when not given. */
export function serviceOption(description: string, fallback?: string): Option {
  const option = new Option('--service <code>', `${description} (${SERVICES.join(' | ')})`).choices(SERVICES);
  return fallback === undefined ? option : option.default(fallback);
}

/** A share from 0 to 1 (`--max-reject-ratio`). */
export function parseRatio(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
      throw new UsageError(`${flag} must be a number from 0 to 1`);
    return value;
  };
}

/** A duration such as `6h`, `90m`, `45s` in milliseconds (`--lease-ttl`). */
export function parseDuration(flag: string): (text: string) => number {
  return (text) => {
    try {
      return parseLeaseTtl(text);
    } catch (error) {
      rethrowNaming(flag, error);
    }
  };
}
