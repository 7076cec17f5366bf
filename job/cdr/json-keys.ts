/**
 * Top-level keys of a JSON object text, read without a second parse: JSON.parse keeps the LAST of
 * duplicate keys silently, so duplicates are found here; and a number's exact literal (JSON.parse
 * rounds it to a double) is read here too. Pure, no allocation on the fast path.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the quote closing the string opened at `open` (a quote after an even run of backslashes). */
function stringEnd(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    for (let i = at - 1; text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return text.length;
}

/** The key whose quotes are at `open` and `close`, escapes decoded. */
function keyText(text: string, open: number, close: number): string {
  const raw = text.slice(open + 1, close);
  return raw.indexOf('\\') === -1 ? raw : (JSON.parse(text.slice(open, close + 1)) as string);
}

/**
 * Walks the keys of a flat object text (one `{`, no `[`) with native searches: key, colon, value
 * (a string is skipped to its closing quote; anything else ends at the next comma), comma.
 */
function walkFlatKeys(text: string, visit: (key: string, afterKey: number) => boolean): void {
  let open = text.indexOf('"', text.indexOf('{'));
  while (open !== -1) {
    const close = stringEnd(text, open);
    if (visit(keyText(text, open, close), close + 1)) return;
    let value = text.indexOf(':', close + 1) + 1;
    while (value < text.length && text.charCodeAt(value) <= 0x20) value++;
    if (text.charCodeAt(value) === QUOTE) value = stringEnd(text, value) + 1;
    const comma = text.indexOf(',', value);
    if (comma === -1) return;
    open = text.indexOf('"', comma + 1);
  }
}

/**
 * Walks the top-level keys of an object text (call only on text JSON.parse accepted as an object).
 * `visit` gets each key (escapes decoded) and the index just after its closing quote; returning
 * true stops the walk.
 */
function walkTopLevelKeys(text: string, visit: (key: string, afterKey: number) => boolean, flat = false): void {
  if (flat) {
    walkFlatKeys(text, visit);
    return;
  }
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

const NUMBER_LITERAL = /^[ \t\r\n]*:[ \t\r\n]*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

/** What `scanKeys` found. */
export interface KeyScan {
  /** The first top-level key that occurs twice, if any. */
  readonly duplicateKey: string | undefined;
  /** The literal text of the number value of the key asked for, when found (see `numberLiteral`). */
  readonly literal: string | undefined;
}

/** The number literal after the key whose opening quote is at `quote` (undefined if `key` is not there). */
function literalOfKeyAt(text: string, quote: number, key: string): string | undefined {
  if (text.charCodeAt(quote) !== 0x22 || text.charCodeAt(quote + 1) !== key.charCodeAt(0)) return undefined;
  if (!text.startsWith(key, quote + 1) || text.charCodeAt(quote + key.length + 1) !== 0x22) return undefined;
  let at = skipSpace(text, quote + key.length + 2);
  if (text.charCodeAt(at) !== 0x3a /* : */) return undefined;
  at = skipSpace(text, at + 1);
  let end = at;
  for (let c = text.charCodeAt(end); isNumberChar(c); c = text.charCodeAt(++end));
  return end > at ? text.slice(at, end) : undefined;
}

function skipSpace(text: string, at: number): number {
  let i = at;
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  return i;
}

/** Digits, sign, point and exponent: the characters of a JSON number (JSON.parse validated its form). */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45;
}

/**
 * Top-level keys of an object text JSON.parse accepted: the first duplicate key (JSON.parse keeps
 * the LAST value silently), and the literal of the number value of `literalKey` (JSON.parse rounds
 * it to a double). `distinctKeys` is the number of own keys JSON.parse made; `flat` says the text has
 * one `{` and no `[`. Fast path: in a flat object the members are the commas + 1, plus every comma
 * inside a string, so that count equals `distinctKeys` exactly when no key repeats (both extras are
 * never negative); a key right after `{` or a comma is checked for `literalKey` on the way. Anything
 * else takes the exact walk.
 */
export function scanKeys(text: string, distinctKeys: number, flat: boolean, literalKey: string): KeyScan {
  if (flat) {
    let members = 1;
    let literal = literalOfKeyAt(text, skipSpace(text, text.indexOf('{') + 1), literalKey);
    for (let at = text.indexOf(','); at !== -1; at = text.indexOf(',', at + 1)) {
      members++;
      if (literal === undefined) literal = literalOfKeyAt(text, skipSpace(text, at + 1), literalKey);
    }
    if (members === distinctKeys) return { duplicateKey: undefined, literal };
  }
  const seen = new Set<string>();
  let duplicateKey: string | undefined;
  let literal: string | undefined;
  walkTopLevelKeys(
    text,
    (key, afterKey) => {
      if (seen.has(key)) duplicateKey = key;
      else seen.add(key);
      if (key === literalKey && literal === undefined) {
        literal = NUMBER_LITERAL.exec(text.slice(afterKey, afterKey + 4200))?.[1];
      }
      return duplicateKey !== undefined;
    },
    flat,
  );
  return { duplicateKey, literal };
}

/** The literal text of a top-level number value as written, or undefined (absent, or not a number). */
export function numberLiteral(text: string, key: string): string | undefined {
  let literal: string | undefined;
  walkTopLevelKeys(text, (name, afterKey) => {
    if (name !== key) return false;
    literal = NUMBER_LITERAL.exec(text.slice(afterKey, afterKey + 4200))?.[1];
    return true;
  });
  return literal;
}
