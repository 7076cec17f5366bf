import { parseDecimal } from '../../core/decimal';

/** Text safe inside HTML/SVG text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An exact decimal string rounded half-up to `places` decimals, with thousands separators (`1,234.57`). */
export function roundedDecimal(text: string, places: number): string {
  const scaled = parseDecimal(text, 40);
  const unit = 10n ** BigInt(40 - places);
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const rounded = (magnitude + unit / 2n) / unit;
  const digits = rounded.toString().padStart(places + 1, '0');
  const whole = group(digits.slice(0, digits.length - places));
  const fraction = places > 0 ? `.${digits.slice(digits.length - places)}` : '';
  return `${negative && rounded !== 0n ? '-' : ''}${whole}${fraction}`;
}

/** USD for display: cents, or more places for amounts under one cent that are not zero. */
export function usd(text: string): string {
  const value = Math.abs(Number(text));
  if (value !== 0 && value < 0.01) return `$${roundedDecimal(text, 4)}`;
  return `$${roundedDecimal(text, 2)}`;
}

/** A whole number with thousands separators. */
export function count(n: number): string {
  return group(String(n));
}

/** Compact axis label for a number (1.2k, 3.4M). */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/** Change from `before` to `now` as a signed percentage text, or undefined when `before` is zero. */
export function change(now: number, before: number): string | undefined {
  if (before === 0) return undefined;
  const pct = ((now - before) / before) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;
}
