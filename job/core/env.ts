import { InputError } from './errors';

/** An environment to read settings from (`process.env`, or a test's own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** An unusable environment setting; `variable` names it and `problem` says what is wrong (one line). */
export class ConfigError extends InputError {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly problem: string,
    message = `${variable} ${problem}`,
  ) {
    super(message);
  }
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** Parses a flag: `true`/`false`/`1`/`0`/`yes`/`no`/`on`/`off` (any case); empty or unset is `fallback`. */
export function parseFlag(value: string | undefined, variable: string, fallback = false): boolean {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '') return fallback;
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  throw new ConfigError(variable, `${JSON.stringify(value)} must be true or false`);
}

/**
 * Parses a whole number from `min` to `max` (inclusive; no upper bound when `max` is omitted): the
 * one integer parser of settings and command-line options alike. The error names `variable`.
 */
export function parseWholeNumber(value: string, variable: string, min: number, max?: number): number {
  const text = value.trim();
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(variable, `${JSON.stringify(value)} must be a whole number ${range}`);
  }
  return n;
}

/** Region used when neither the options nor `AWS_REGION`/`AWS_DEFAULT_REGION` name one (job and stack alike). */
export const DEFAULT_REGION = 'us-east-1';

/** The AWS region the environment names (`AWS_REGION`, else `AWS_DEFAULT_REGION`), else `DEFAULT_REGION`. */
export function awsRegion(env: Env = process.env): string {
  const read = new EnvReader(env);
  return read.text('AWS_REGION') ?? read.text('AWS_DEFAULT_REGION') ?? DEFAULT_REGION;
}

/** The one way this tool reads settings from the environment; every error names the variable. */
export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  /** The trimmed value, or undefined when unset or blank. */
  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** The trimmed value; ConfigError when unset or blank. */
  required(name: string): string {
    const value = this.text(name);
    if (value === undefined) throw new ConfigError(name, 'is not set', `environment variable ${name} is not set`);
    return value;
  }

  /** A flag (see `parseFlag`); `fallback` when unset or blank. */
  flag(name: string, fallback = false): boolean {
    return parseFlag(this.env[name], name, fallback);
  }

  /** A whole number from `min` to `max`; `fallback` when unset or blank. */
  integer<F extends number | undefined>(name: string, fallback: F, min: number, max: number): number | F {
    const value = this.text(name);
    return value === undefined ? fallback : parseWholeNumber(value, name, min, max);
  }

  /** A number above zero (fractions allowed); undefined when unset or blank. */
  positiveNumber(name: string): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new ConfigError(name, `must be a positive number, got ${JSON.stringify(value)}`);
    return n;
  }

  /** One of `choices` (exact spelling first, then any case); `fallback` when unset or blank. */
  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.text(name);
    if (value === undefined) return fallback;
    const match = choices.find((c) => c === value) ?? choices.find((c) => c.toLowerCase() === value.toLowerCase());
    if (match === undefined)
      throw new ConfigError(name, `${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
    return match;
  }

  /** A comma-separated list, items trimmed, blanks dropped; undefined when unset or blank. */
  list(name: string): string[] | undefined {
    return this.text(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
}
