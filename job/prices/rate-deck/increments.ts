import { pow10 } from '../../core/decimal';
import { CHARGE_SCALE, PRICE_SCALE } from '../../core/schema';

/**
 * Seconds charged for a call of `seconds` billable seconds: 0 stays 0; up to `initial` seconds are
 * charged `initial`; beyond, `initial + ceil((seconds − initial) / subsequent) × subsequent`.
 */
export function chargedSeconds(seconds: number, initial: number, subsequent: number): number {
  if (seconds <= 0) return 0;
  if (seconds <= initial) return initial;
  return initial + Math.ceil((seconds - initial) / subsequent) * subsequent;
}

/** From PRICE_SCALE to CHARGE_SCALE. */
export const PRICE_TO_CHARGE = pow10(CHARGE_SCALE - PRICE_SCALE);

/**
 * `connectionFee + charged / 60 × ratePerMinute`, scaled by 10^CHARGE_SCALE, exact; no fee when
 * nothing is charged. Rates and fees are scaled by 10^PRICE_SCALE. Throws when the amount has no
 * finite decimal form (the deck refuses such rows at load, see `amountIsFinite`).
 */
export function chargedAmount(charged: number, ratePerMinute: bigint, connectionFee: bigint): bigint {
  if (charged === 0) return 0n;
  const perMinute = BigInt(charged) * ratePerMinute * PRICE_TO_CHARGE;
  if (perMinute % 60n !== 0n) throw new RangeError(`${charged} s at this rate is not a finite decimal amount`);
  return connectionFee * PRICE_TO_CHARGE + perMinute / 60n;
}

/**
 * Whether every amount a row can produce is a finite decimal: charged seconds are always
 * `initial + k × subsequent`, so it suffices that `initial × rate` and `subsequent × rate` divide by 60
 * at CHARGE_SCALE (in practice: by 3, as 10^n takes care of 4 and 5).
 */
export function amountIsFinite(ratePerMinute: bigint, initial: number, subsequent: number): boolean {
  const exact = (seconds: number) => (BigInt(seconds) * ratePerMinute * PRICE_TO_CHARGE) % 60n === 0n;
  return exact(initial) && exact(subsequent);
}
