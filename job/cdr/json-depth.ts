/**
 * Nesting depth check run BEFORE JSON.parse, so hostile input (100k `[`) is rejected by a flat loop
 * and never reaches a recursive parser or a recursive consumer. Pure, no allocation.
 */

/** Deepest array/object nesting accepted in a CDR (a real CDR is flat: depth 1). */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether `text` nests arrays/objects deeper than `maxDepth`. Brackets inside JSON strings are
 * skipped (escapes honoured). Invalid JSON may give either answer; JSON.parse judges it afterwards.
 */
export function exceedsJsonDepth(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  // Fast path: a flat object has one `{` (at the start) and no `[` at all.
  if (text.indexOf('[') === -1 && text.indexOf('{', text.indexOf('{') + 1) === -1) return false;
  let depth = 0;
  let inString = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
