/**
 * Exact fixed-point decimals. A value is a `bigint` holding the number scaled by 10^scale, so
 * 0.0048 at scale 10 is 48_000_000n. Multiplying two scaled values adds their scales, which is why
 * Cost (minutes scale + price scale) is always exact and sums never drift.
 * Kept by hand for exactness at every scale the schema uses (Cost is decimal(38,28)) with plain bigint
 * sums; no decimal library was benchmarked against it.
 */

import { FailureError } from './errors';

/** Thrown when text is not a decimal number the caller can hold exactly. */
export class DecimalFormatError extends FailureError {
  override readonly name = 'DecimalFormatError';
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;
const POWERS: bigint[] = [];
for (let i = 0n; i <= 80n; i++) POWERS.push(10n ** i);

/** 10^n as bigint (cached for the scales used). */
export function pow10(n: number): bigint {
  return POWERS[n] ?? 10n ** BigInt(n);
}

/**
 * Parses decimal text (`"0.1"`, `".4"`, `"12"`, `"1.5e-1"`, `"-3"`) into a bigint at `scale`.
 * Throws DecimalFormatError when the text is not a number or needs more than `scale` fractional
 * digits (trailing zeros beyond the scale are fine): no value is ever rounded.
 */
export function parseDecimal(text: string, scale: number): bigint {
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (!match) throw new DecimalFormatError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign = '', intPart = '', fracPart = '', exponentText] = match;
  if (intPart === '' && fracPart === '') throw new DecimalFormatError(`not a decimal number: ${JSON.stringify(text)}`);
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  let digits = `${intPart}${fracPart}`.replace(/^0+(?=\d)/, '');
  let fractionDigits = fracPart.length - exponent;
  if (fractionDigits < 0) {
    digits += '0'.repeat(-fractionDigits);
    fractionDigits = 0;
  }
  // Drop trailing zeros that sit beyond the target scale.
  while (fractionDigits > scale && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    fractionDigits--;
  }
  if (fractionDigits > scale) {
    throw new DecimalFormatError(`${JSON.stringify(text)} has more than ${scale} decimal places`);
  }
  if (digits.length > 60) throw new DecimalFormatError(`${JSON.stringify(text)} is too large`);
  const magnitude = BigInt(digits === '' ? '0' : digits) * pow10(scale - fractionDigits);
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * Converts a JSON number to a scaled bigint without binary noise: the number's shortest
 * round-trip text (what `JSON.parse` read) is parsed as decimal text.
 */
export function decimalFromNumber(value: number, scale: number): bigint {
  if (!Number.isFinite(value)) throw new DecimalFormatError(`not a finite number: ${value}`);
  return parseDecimal(String(value), scale);
}

/** Formats a scaled bigint as plain decimal text with no trailing fractional zeros (`"0.00048"`). */
export function formatDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const intPart = digits.slice(0, digits.length - scale);
  const fracPart = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fracPart === '' ? intPart : `${intPart}.${fracPart}`;
  return negative ? `-${text}` : text;
}

/** Changes the scale of a value; throws if digits would be lost. */
export function rescale(value: bigint, fromScale: number, toScale: number): bigint {
  if (toScale >= fromScale) return value * pow10(toScale - fromScale);
  const divisor = pow10(fromScale - toScale);
  if (value % divisor !== 0n) throw new DecimalFormatError('rescaling would lose digits');
  return value / divisor;
}
