import { parseDecimal } from '../../core/decimal';
import { InputError } from '../../core/errors';
import { COST_SCALE } from '../../core/schema';
import { type BurstCollection, DEFAULT_BURST_COLLECTION } from '../aggregates/chunk-aggregates';

/** Every threshold of the anomaly detectors. Money as bigint scaled by 10^COST_SCALE. */
export interface AnomalyThresholds extends BurstCollection {
  /** Days of history (completed earlier days) a day needs before the history-based detectors judge it. */
  readonly minHistoryDays: number;
  /** daily-cost-spike: cost ≥ factor × the trailing median… */
  readonly spikeFactor: number;
  /** …over this many days… */
  readonly spikeWindowDays: number;
  /** …and at least this cost. */
  readonly spikeMinCost: bigint;
  /** new-destination-country: not called in this many days… */
  readonly newCountryWindowDays: number;
  /** …and at least this cost… */
  readonly newCountryMinCost: bigint;
  /** …or at least this many calls. */
  readonly newCountryMinCalls: number;
  /** short-call-burst: at least this many short calls to one prefix within one clock hour. */
  readonly burstMinCalls: number;
  /** unusual-hour: at least this many calls at an hour the connector was not used at in this many days. */
  readonly unusualHourMinCalls: number;
  readonly unusualHourWindowDays: number;
}

const USD = 10n ** BigInt(COST_SCALE);

/** The defaults. */
export const DEFAULT_THRESHOLDS: AnomalyThresholds = {
  ...DEFAULT_BURST_COLLECTION,
  minHistoryDays: 7,
  spikeFactor: 3,
  spikeWindowDays: 7,
  spikeMinCost: USD,
  newCountryWindowDays: 28,
  newCountryMinCost: USD,
  newCountryMinCalls: 20,
  burstMinCalls: 20,
  unusualHourMinCalls: 1,
  unusualHourWindowDays: 28,
};

/** Thrown for an unusable thresholds text. */
export class ThresholdsError extends InputError {
  override readonly name = 'ThresholdsError';
}

const MONEY_KEYS = new Set(['spikeMinCost', 'newCountryMinCost']);
const LIMITS: Record<string, [number, number]> = {
  minHistoryDays: [1, 365],
  spikeFactor: [1, 1000],
  spikeWindowDays: [1, 365],
  newCountryWindowDays: [1, 365],
  newCountryMinCalls: [1, 1e9],
  burstMinCalls: [1, 1e9],
  unusualHourMinCalls: [1, 1e9],
  unusualHourWindowDays: [1, 365],
  shortCallSeconds: [1, 3600],
  prefixDigits: [1, 15],
};

/**
 * Parses `name=value,name=value` (e.g. `spikeFactor=4,burstMinCalls=30,spikeMinCost=2.5`) over the
 * defaults. Money in USD, exact; counts and days whole numbers; spikeFactor any number ≥ 1.
 */
export function parseThresholds(
  text: string | undefined,
  base: AnomalyThresholds = DEFAULT_THRESHOLDS,
): AnomalyThresholds {
  if (text === undefined || text.trim() === '') return base;
  const out: Record<string, number | bigint> = { ...base };
  for (const part of text.split(',')) {
    const [name = '', value = ''] = part.split('=').map((s) => s.trim());
    if (!(name in base))
      throw new ThresholdsError(
        `unknown anomaly threshold ${JSON.stringify(name)} (known: ${Object.keys(base).join(', ')})`,
      );
    if (MONEY_KEYS.has(name)) {
      try {
        out[name] = parseDecimal(value, COST_SCALE);
      } catch {
        throw new ThresholdsError(`anomaly threshold ${name} must be an amount in USD, got ${JSON.stringify(value)}`);
      }
      continue;
    }
    const [min, max] = LIMITS[name] as [number, number];
    const number = Number(value);
    const whole = name !== 'spikeFactor';
    if (
      value === '' ||
      !Number.isFinite(number) ||
      number < min ||
      number > max ||
      (whole && !Number.isInteger(number))
    )
      throw new ThresholdsError(
        `anomaly threshold ${name} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    out[name] = number;
  }
  return out as unknown as AnomalyThresholds;
}
