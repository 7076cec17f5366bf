/**
 * A set of 128-bit call ids (see cdr/call-id.ts) in typed arrays: 16 bytes a slot, no object per
 * entry (a Set<string> of 1M UUIDs costs ~100 MB; this 24 MiB). Open addressing with linear probing
 * in 256 segments that grow one at a time (so growing never holds two copies of the whole set), by
 * half their size at a time (so a segment is 57–85 % full, not 40–80 %).
 */

const SEGMENT_BITS = 8;
const SEGMENTS = 1 << SEGMENT_BITS;
const INITIAL_SLOTS = 64;
/** A segment grows by half when more than this share of its slots is used. */
const MAX_LOAD = 0.85;
/** Hash bits that place an id within its segment (scaled to the segment's size, which need not be a power of 2). */
const PLACE_BITS = 24;
const PLACE_RANGE = 2 ** PLACE_BITS;

function mix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

interface Segment {
  slots: Uint32Array;
  /** Number of slots. */
  size: number;
  used: number;
}

/** First slot of the probe sequence: the hash's place bits scaled to the segment size. */
function firstSlot(hash: number, size: number): number {
  return Math.floor((((hash >>> SEGMENT_BITS) & (PLACE_RANGE - 1)) * size) / PLACE_RANGE);
}

/** The offset of the slot holding the non-zero id a,b,c,d in its probe sequence, or of the empty slot where it goes. */
function probe(segment: Segment, hash: number, a: number, b: number, c: number, d: number): number {
  const { slots, size } = segment;
  for (let slot = firstSlot(hash, size); ; slot = slot + 1 === size ? 0 : slot + 1) {
    const i = slot * 4;
    const sa = slots[i] as number;
    const sb = slots[i + 1] as number;
    const sc = slots[i + 2] as number;
    const sd = slots[i + 3] as number;
    if ((sa | sb | sc | sd) === 0 || (sa === a && sb === b && sc === c && sd === d)) return i;
  }
}

/** Set of call ids; `add` tells whether an id was new. */
export class CallIdSet {
  private readonly segments: Segment[] = [];
  private zeroSeen = false;
  private count = 0;

  constructor() {
    for (let i = 0; i < SEGMENTS; i++) {
      this.segments.push({ slots: new Uint32Array(INITIAL_SLOTS * 4), size: INITIAL_SLOTS, used: 0 });
    }
  }

  /** Ids held. */
  get size(): number {
    return this.count;
  }

  /** Bytes of slot memory (for measurements). */
  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.slots.byteLength, 0);
  }

  /** Adds the id in `ids[at..at+3]`; false when it was already there. */
  add(ids: Uint32Array, at: number): boolean {
    const a = ids[at] as number;
    const b = ids[at + 1] as number;
    const c = ids[at + 2] as number;
    const d = ids[at + 3] as number;
    if ((a | b | c | d) === 0) {
      // The all-zero id marks empty slots, so it is remembered apart.
      if (this.zeroSeen) return false;
      this.zeroSeen = true;
      this.count++;
      return true;
    }
    const hash = mix(a ^ mix(b ^ mix(c ^ mix(d))));
    const segment = this.segments[hash & (SEGMENTS - 1)] as Segment;
    if (!this.insert(segment, hash, a, b, c, d)) return false;
    this.count++;
    if (++segment.used > segment.size * MAX_LOAD) this.grow(segment);
    return true;
  }

  /** Whether the id in `ids[at..at+3]` is in the set. */
  has(ids: Uint32Array, at: number): boolean {
    const a = ids[at] as number;
    const b = ids[at + 1] as number;
    const c = ids[at + 2] as number;
    const d = ids[at + 3] as number;
    if ((a | b | c | d) === 0) return this.zeroSeen;
    const hash = mix(a ^ mix(b ^ mix(c ^ mix(d))));
    const segment = this.segments[hash & (SEGMENTS - 1)] as Segment;
    const { slots } = segment;
    const i = probe(segment, hash, a, b, c, d);
    // The id is not zero, so the slot found holds it unless it is empty.
    return (
      ((slots[i] as number) | (slots[i + 1] as number) | (slots[i + 2] as number) | (slots[i + 3] as number)) !== 0
    );
  }

  /** Puts a non-zero id in its probe sequence; false when it is there already. */
  private insert(segment: Segment, hash: number, a: number, b: number, c: number, d: number): boolean {
    const { slots } = segment;
    const i = probe(segment, hash, a, b, c, d);
    if (((slots[i] as number) | (slots[i + 1] as number) | (slots[i + 2] as number) | (slots[i + 3] as number)) !== 0)
      return false;
    slots[i] = a;
    slots[i + 1] = b;
    slots[i + 2] = c;
    slots[i + 3] = d;
    return true;
  }

  private grow(segment: Segment): void {
    const old = segment.slots;
    const slots = segment.size;
    segment.size = Math.ceil(slots * 1.5);
    segment.slots = new Uint32Array(segment.size * 4);
    for (let slot = 0; slot < slots; slot++) {
      const i = slot * 4;
      const a = old[i] as number;
      const b = old[i + 1] as number;
      const c = old[i + 2] as number;
      const d = old[i + 3] as number;
      if ((a | b | c | d) !== 0) this.insert(segment, mix(a ^ mix(b ^ mix(c ^ mix(d)))), a, b, c, d);
    }
  }
}
