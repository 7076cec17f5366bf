/**
 * A call's identity (Voice Connector TransactionId, Business Calling CdrId) as 128 bits: four
 * 32-bit words. A lowercase UUID (what Amazon Chime writes) is packed losslessly; any other text is
 * hashed with SHA-256, truncated to 128 bits (a chance collision among 30M ids: ~1e-24).
 */
import { createHash } from 'node:crypto';

/** Words per call id. */
export const CALL_ID_WORDS = 4;

const DASHES = [8, 13, 18, 23];

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** Packs a canonical lowercase UUID into `out[at..at+3]`; false if `id` is not one (the words are then rewritten). */
function packUuid(id: string, out: Uint32Array, at: number): boolean {
  if (id.length !== 36) return false;
  for (const dash of DASHES) if (id.charCodeAt(dash) !== 0x2d) return false;
  let word = 0;
  let nibbles = 0;
  let index = at;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const value = hexValue(id.charCodeAt(i));
    if (value < 0) return false;
    word = ((word << 4) | value) >>> 0;
    if (++nibbles === 8) {
      out[index++] = word;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}

/** Writes the 128-bit identity of call id `id` into `out` at word `at`. */
export function writeCallId(id: string, out: Uint32Array, at: number): void {
  if (packUuid(id, out, at)) return;
  const digest = createHash('sha256').update(id, 'utf8').digest();
  for (let i = 0; i < CALL_ID_WORDS; i++) out[at + i] = digest.readUInt32BE(i * 4);
}
