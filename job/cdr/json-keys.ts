/**
 * Top-level keys of a JSON object text, read without a second parse: JSON.parse keeps the LAST of
 * duplicate keys silently, so duplicates are found here; and a number's exact literal (JSON.parse
 * rounds it to a double) is read here too. Pure, no allocation on the fast path.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Walks the top-level keys of an object text (call only on text JSON.parse accepted as an object).
 * `visit` gets each key (escapes decoded) and the index just after its closing quote; returning
 * true stops the walk.
 */
function walkTopLevelKeys(text: string, visit: (key: string, afterKey: number) => boolean): void {
  let depth = 0;
  let expectKey = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          escaped = true;
          i++;
        } else if (d === QUOTE) break;
      }
      if (depth === 1 && expectKey) {
        expectKey = false;
        const raw = text.slice(start + 1, i);
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : raw;
        if (visit(key, i + 1)) return;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */ && depth === 1) {
      expectKey = true;
    }
  }
}

/** Counts occurrences of `needle` in `text` (native search, no allocation). */
function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** A quote followed by whitespace and a colon: a key written as `"k" : v`. */
const SPACED_KEY_END = /"[ \t\r\n]+:/;

/**
 * The first top-level key that occurs twice in an object text, or undefined. `distinctKeys` is the
 * number of own keys of what JSON.parse made of the text. Fast path (a compact CDR without escapes):
 * no string can hold a quote, so every `":` ends a key, and their count equals `distinctKeys`
 * exactly when no key repeats (nested objects add keys and take the exact walk).
 */
export function findDuplicateKey(text: string, distinctKeys: number): string | undefined {
  if (
    text.indexOf('\\') === -1 &&
    occurrences(text, '":') === distinctKeys &&
    !SPACED_KEY_END.test(text) &&
    text.indexOf('{', text.indexOf('{') + 1) === -1
  ) {
    return undefined;
  }
  const seen = new Set<string>();
  let duplicate: string | undefined;
  walkTopLevelKeys(text, (key) => {
    if (seen.has(key)) duplicate = key;
    else seen.add(key);
    return duplicate !== undefined;
  });
  return duplicate;
}

const NUMBER_LITERAL = /^[ \t\r\n]*:[ \t\r\n]*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

/**
 * The literal text of a top-level number value (`59.98333333333333333333` exactly as written, which
 * JSON.parse would round to a double), or undefined when the key is absent or its value is not a
 * number.
 */
export function numberLiteral(text: string, key: string): string | undefined {
  let literal: string | undefined;
  walkTopLevelKeys(text, (name, afterKey) => {
    if (name !== key) return false;
    const match = NUMBER_LITERAL.exec(text.slice(afterKey, afterKey + 4200));
    literal = match?.[1];
    return true;
  });
  return literal;
}
