/** Small text helpers every layer uses. */

/** Orders strings by UTF-16 code units (stable across locales). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders [key, value] entries by their text key. */
export function compareKeys(a: readonly [string, ...unknown[]], b: readonly [string, ...unknown[]]): number {
  return compareText(a[0], b[0]);
}

/** The text without a leading byte-order mark (U+FEFF), which editors and Excel put in front of files. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
