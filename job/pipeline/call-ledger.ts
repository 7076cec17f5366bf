/**
 * A shard's call ledger (`partials/…/shard-I-of-N.calls`): one binary record per call the shard
 * billed, in its CSV row order, so `finalize` can bill a call that two shards both read exactly once.
 * Record: the call id (CALL_ID_WORDS little-endian u32), the call-start day (i32, days since the
 * epoch), then the object key as [u16 bytes shared with the previous key][u16 length][rest, UTF-8]
 * (keys in crawl order share long prefixes: ~70 bytes a call instead of ~130).
 */
import { once } from 'node:events';
import { CALL_ID_WORDS } from '../cdr/call-id';
import { FailureError } from '../core/errors';
import type { ObjectWriter } from '../store/object-store';
import type { ChunkObject, ChunkResult } from './chunk';

const MAGIC = Buffer.from('cdr-summary calls v1\n', 'utf8');
const FIXED_BYTES = CALL_ID_WORDS * 4 + 4 + 2 + 2;

/** Streams a shard's ledger as its chunks are merged. */
export class CallLedgerWriter {
  private previous: Buffer = Buffer.alloc(0);
  private started = false;

  constructor(private readonly writer: ObjectWriter) {}

  /** Appends the calls a merged chunk bills (after duplicates were taken out). */
  async add(result: ChunkResult, objects: readonly ChunkObject[]): Promise<void> {
    const { ids, days, objects: rowObjects } = result.calls;
    const rows = rowObjects.length;
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(MAGIC);
      this.started = true;
    }
    for (let row = 0; row < rows; row++) {
      const key = Buffer.from((objects[rowObjects[row] as number] as ChunkObject).key, 'utf8');
      let shared = 0;
      const limit = Math.min(key.length, this.previous.length, 0xffff);
      while (shared < limit && key[shared] === this.previous[shared]) shared++;
      const record = Buffer.allocUnsafe(FIXED_BYTES + key.length - shared);
      for (let w = 0; w < CALL_ID_WORDS; w++) record.writeUInt32LE(ids[row * CALL_ID_WORDS + w] as number, w * 4);
      record.writeInt32LE(days[row] as number, CALL_ID_WORDS * 4);
      record.writeUInt16LE(shared, CALL_ID_WORDS * 4 + 4);
      record.writeUInt16LE(key.length - shared, CALL_ID_WORDS * 4 + 6);
      key.copy(record, FIXED_BYTES, shared);
      parts.push(record);
      this.previous = key;
    }
    if (parts.length > 0 && !this.writer.stream.write(Buffer.concat(parts))) await once(this.writer.stream, 'drain');
  }

  /** Completes the object (just the header when the shard billed nothing). */
  async close(): Promise<void> {
    if (!this.started) {
      this.writer.stream.write(MAGIC);
      this.started = true;
    }
    await this.writer.done();
  }

  /** Abandons the object. */
  async abort(): Promise<void> {
    await this.writer.abort();
  }
}

/** One call of a ledger, as `readCallLedger` visits it. */
export interface LedgerCall {
  /** The call id: `ids[at..at+CALL_ID_WORDS-1]` (valid during the visit only). */
  readonly ids: Uint32Array;
  readonly at: number;
  readonly day: number;
  /** Position among the shard's billed calls (its CSV row). */
  readonly ordinal: number;
  /** The object key (decoded on demand). */
  key(): string;
}

/** Thrown when a ledger is not one this tool wrote, or is cut short. */
export class CallLedgerFormatError extends FailureError {
  override readonly name = 'CallLedgerFormatError';
}

/** Visits every call of a ledger, in order. */
export function readCallLedger(bytes: Buffer, visit: (call: LedgerCall) => void): number {
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new CallLedgerFormatError('not a call ledger');
  const ids = new Uint32Array(CALL_ID_WORDS);
  let key = Buffer.alloc(1024);
  let keyLength = 0;
  let ordinal = 0;
  let at = MAGIC.length;
  while (at < bytes.length) {
    if (at + FIXED_BYTES > bytes.length) throw new CallLedgerFormatError('call ledger cut short');
    for (let w = 0; w < CALL_ID_WORDS; w++) ids[w] = bytes.readUInt32LE(at + w * 4);
    const day = bytes.readInt32LE(at + CALL_ID_WORDS * 4);
    const shared = bytes.readUInt16LE(at + CALL_ID_WORDS * 4 + 4);
    const rest = bytes.readUInt16LE(at + CALL_ID_WORDS * 4 + 6);
    const end = at + FIXED_BYTES + rest;
    if (end > bytes.length || shared > keyLength) throw new CallLedgerFormatError('call ledger cut short');
    if (shared + rest > key.length) {
      const grown = Buffer.alloc(2 * (shared + rest));
      key.copy(grown, 0, 0, keyLength);
      key = grown;
    }
    bytes.copy(key, shared, at + FIXED_BYTES, end);
    keyLength = shared + rest;
    const current = key;
    const length = keyLength;
    visit({ ids, at: 0, day, ordinal, key: () => current.toString('utf8', 0, length) });
    ordinal++;
    at = end;
  }
  return ordinal;
}
