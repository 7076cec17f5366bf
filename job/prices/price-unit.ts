import { PRICE_PRECISION } from '../core/schema';

/** Units (normalized: lower case, letters only) that mean one minute: the price applies as it is. */
const MINUTE_UNITS = new Set(['minute', 'minutes', 'min', 'mins']);
/** Units that mean one second: the per-minute price is 60 times the published one. */
const SECOND_UNITS = new Set(['second', 'seconds', 'sec', 'secs']);
/** Units that mean one hour: the per-minute price is a sixtieth, used only when exact. */
const HOUR_UNITS = new Set(['hour', 'hours', 'hr', 'hrs']);

const MAX_PRICE = 10n ** BigInt(PRICE_PRECISION) - 1n;

/** A price made per-minute, or why it cannot be. */
export type PerMinutePrice =
  | { readonly ok: true; readonly pricePerMinute: bigint; readonly unit: string }
  | { readonly ok: false; readonly reason: string };

/**
 * The price per minute of a price published per `unit` (scaled bigint in, same scale out). Minute
 * spellings (`Minutes`, `Minute`, `Mins`, `min`, any case) apply as they are; seconds are multiplied
 * by 60; hours divided by 60 when that is exact at the price scale. Anything else (per message, per
 * month, an empty unit) cannot price call minutes: `ok: false` with the reason. A converted price's
 * unit says so: `Minutes (converted from Seconds)`.
 */
export function perMinutePrice(pricePerUnit: bigint, unit: string): PerMinutePrice {
  const key = unit.toLowerCase().replace(/[^a-z]+/g, '');
  if (MINUTE_UNITS.has(key)) return { ok: true, pricePerMinute: pricePerUnit, unit };
  const converted = `Minutes (converted from ${unit.trim()})`;
  if (SECOND_UNITS.has(key)) {
    const pricePerMinute = pricePerUnit * 60n;
    if (pricePerMinute > MAX_PRICE) return { ok: false, reason: `per-minute price of ${unit} out of range` };
    return { ok: true, pricePerMinute, unit: converted };
  }
  if (HOUR_UNITS.has(key)) {
    if (pricePerUnit % 60n !== 0n) return { ok: false, reason: `price per ${unit} is not exact per minute` };
    return { ok: true, pricePerMinute: pricePerUnit / 60n, unit: converted };
  }
  return { ok: false, reason: `unit ${JSON.stringify(unit)} is not a duration` };
}
