/**
 * Seeded pseudo-random numbers for the synthetic corpus: xoshiro128** (32-bit state words,
 * period 2^128 - 1) seeded through splitmix32, so the same seed always yields the same sequence on
 * every platform. Not for cryptography.
 */

const HEX = '0123456789abcdef';
const ALNUM_LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 32-bit FNV-1a of a string (used to turn text seeds into numbers). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic random source. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds from an integer (any safe integer) or a text. */
  constructor(seed: number | string) {
    let s =
      typeof seed === 'string'
        ? hash32(seed)
        : (Math.trunc(seed) >>> 0) ^ Math.imul(Math.floor(Math.trunc(seed) / 2 ** 32) >>> 0, 0x9e3779b9);
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One element by weight (`[value, weight]` pairs, weights > 0). */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  /** Standard normal deviate (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `n` decimal digits. */
  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += String.fromCharCode(48 + Math.floor(this.next() * 10));
    return out;
  }

  /** `n` lowercase hex digits. */
  hex(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += HEX[this.uint32() & 15];
    return out;
  }

  /** `n` characters of [a-z0-9]. */
  alnumLower(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += ALNUM_LOWER[Math.floor(this.next() * ALNUM_LOWER.length)];
    return out;
  }

  /** `n` characters of [A-Z0-9]. */
  alnumUpper(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += ALNUM_UPPER[Math.floor(this.next() * ALNUM_UPPER.length)];
    return out;
  }

  /** A random (version 4 layout) UUID. */
  uuid(): string {
    const variant = HEX[8 + (this.uint32() & 3)];
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
