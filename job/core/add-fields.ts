/** A count (number) or an exact scaled sum (bigint). */
export type Summable = number | bigint;

/** `a + b` for two counts or two exact sums. */
export function plus(a: Summable, b: Summable): Summable {
  return typeof a === 'bigint' ? a + (b as bigint) : (a as number) + (b as number);
}

/** Adds each of `source`'s `fields` into the same field of `target` (counts to counts, sums to sums). */
export function addFields<Field extends string>(
  target: Record<Field, Summable>,
  source: Readonly<Record<Field, Summable>>,
  fields: readonly Field[],
): void {
  for (const field of fields) target[field] = plus(target[field], source[field]);
}
