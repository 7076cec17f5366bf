import { addFields } from '../../core/add-fields';
import { formatDecimal } from '../../core/decimal';
import { CHARGE_SCALE, COST_SCALE } from '../../core/schema';
import type { AggregateRow } from './rows';

/**
 * What the operator charged against what AWS cost, taken from the aggregate rows. A rate deck charges
 * calls AWS could not rate, and has no row for some rated calls: the margin is taken over the calls
 * that have both a charge and a cost, and only when the charges are in USD (AWS's currency).
 */

/** The one currency a margin against the AWS cost can be taken in. */
export const MARGIN_CURRENCY = 'USD';

/** Exact sums of the charge fields of aggregate rows (scaled bigints). */
export interface ChargeSums {
  chargedCalls: number;
  charged: bigint;
  marginCalls: number;
  marginCharged: bigint;
  marginCost: bigint;
  /** Rated calls, to count those without a charge. */
  rated: number;
}

/** Charges of one slice of the period (a connector, the whole run), decimal texts. */
export interface ChargeSlice {
  /** Calls with a ChargedAmount. */
  readonly chargedCalls: number;
  /** Sum of their ChargedAmount, exact, in the charge currency. */
  readonly chargedAmount: string;
  /** Calls with both a ChargedAmount and an AWS Cost. */
  readonly marginCalls: number;
  /** ChargedAmount of those calls, in the charge currency. */
  readonly marginChargedAmount: string;
  /** AWS Cost of those calls, USD. */
  readonly marginCost: string;
  /** marginChargedAmount − marginCost, USD; null when the charges are not in USD. */
  readonly margin: string | null;
  /**
   * margin as a percentage of marginChargedAmount, two decimals rounded half away from zero; null
   * without a margin or when nothing was charged for those calls.
   */
  readonly marginPercent: string | null;
}

/** The manifest's `chargeMargin`: the run's charges against its AWS cost. */
export interface ChargeMargin extends ChargeSlice {
  /** Currency of the charges (the deck's; USD with a markup). */
  readonly currency: string;
  /** Charged calls AWS could not rate: in chargedAmount, outside the margin. */
  readonly chargedWithoutCost: number;
  /** Rated calls nothing was charged for (no deck row): in totalCost, outside the margin. */
  readonly costWithoutCharge: number;
  /** One sentence saying what the margin covers, or why there is none. */
  readonly note: string;
}

const CHARGE_SUM_FIELDS = ['chargedCalls', 'charged', 'marginCalls', 'marginCharged', 'marginCost', 'rated'] as const;

/** Zero sums. */
export function noChargeSums(): ChargeSums {
  return { chargedCalls: 0, charged: 0n, marginCalls: 0, marginCharged: 0n, marginCost: 0n, rated: 0 };
}

/** Adds a row's charge fields to `sums`. */
export function addChargeSums(sums: ChargeSums, row: AggregateRow): ChargeSums {
  addFields(sums, row, CHARGE_SUM_FIELDS);
  return sums;
}

/** `part / whole × 100` with two decimals, rounded half away from zero; null when `whole` is 0. */
export function percentOf(part: bigint, whole: bigint): string | null {
  if (whole === 0n) return null;
  const negative = part < 0n !== whole < 0n && part !== 0n;
  const a = part < 0n ? -part : part;
  const b = whole < 0n ? -whole : whole;
  const hundredths = (2n * a * 10_000n + b) / (2n * b);
  return formatDecimal(negative ? -hundredths : hundredths, 2);
}

/** The charges of summed rows as decimal texts, with the margin when `currency` is USD. */
export function chargeSlice(sums: ChargeSums, currency: string): ChargeSlice {
  // CHARGE_SCALE equals COST_SCALE: charges and costs subtract as they are.
  const margin = currency === MARGIN_CURRENCY ? sums.marginCharged - sums.marginCost : null;
  return {
    chargedCalls: sums.chargedCalls,
    chargedAmount: formatDecimal(sums.charged, CHARGE_SCALE),
    marginCalls: sums.marginCalls,
    marginChargedAmount: formatDecimal(sums.marginCharged, CHARGE_SCALE),
    marginCost: formatDecimal(sums.marginCost, COST_SCALE),
    margin: margin === null ? null : formatDecimal(margin, COST_SCALE),
    marginPercent: margin === null ? null : percentOf(margin, sums.marginCharged),
  };
}

/** The run's charges against its AWS cost; null when nothing was charged (`currency` null). */
export function chargeMargin(rows: readonly AggregateRow[], currency: string | null): ChargeMargin | null {
  if (currency === null) return null;
  const sums = noChargeSums();
  for (const row of rows) addChargeSums(sums, row);
  const slice = chargeSlice(sums, currency);
  const chargedWithoutCost = sums.chargedCalls - sums.marginCalls;
  const costWithoutCharge = sums.rated - sums.marginCalls;
  const left = [
    ...(chargedWithoutCost > 0 ? [`${chargedWithoutCost} charged call(s) AWS could not rate`] : []),
    ...(costWithoutCharge > 0 ? [`${costWithoutCharge} rated call(s) nothing was charged for`] : []),
  ];
  const note =
    currency === MARGIN_CURRENCY
      ? `margin over the ${sums.marginCalls} call(s) with both a charge and an AWS cost` +
        (left.length > 0 ? `; left out: ${left.join(', ')}` : '')
      : `charges are in ${currency}, AWS cost in ${MARGIN_CURRENCY}: no margin is computed`;
  return { currency, ...slice, chargedWithoutCost, costWithoutCharge, note };
}
