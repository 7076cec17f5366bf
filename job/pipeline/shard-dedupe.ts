/**
 * Bills a call read by two shards once. Each shard already billed every call once within itself and
 * left a ledger of them (sinks/call-ledger.ts); shards are consecutive slices of the crawl, so going
 * through the ledgers in shard order finds, for every later shard, the calls an earlier shard
 * billed first. Those rows are then taken out of the later shard's CSV part, Parquet files and
 * totals, and listed as duplicates — exactly what a single run would have done.
 */
import { type RecordBatch, tableFromIPC } from 'apache-arrow';
import { CALL_ID_WORDS, writeCallId } from '../cdr/call-id';
import type { Rejection } from '../cdr/record';
import { dateOfEpochSeconds } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { type RowCharge, rowCharge } from '../report/row-charge';
import type { PartialManifest } from '../sinks/manifest';
import { partitionPrefix } from '../sinks/parquet';
import type { ParquetEncoder } from '../sinks/parquet-encoder';
import type { ObjectStore } from '../store/object-store';
import { duplicateRejection } from './call-dedupe';
import { CallIdSet } from './call-id-set';
import { readCallLedger } from './call-ledger';

/** A call of a later shard that an earlier shard billed first. */
export interface LedgerDuplicate {
  /** Its row among the shard's CSV rows. */
  readonly ordinal: number;
  readonly key: string;
  readonly day: number;
  readonly id: Uint32Array;
}

/** For each shard (in order), the calls an earlier shard billed first. */
export async function crossShardDuplicates(
  dest: ObjectStore,
  partials: readonly PartialManifest[],
): Promise<LedgerDuplicate[][]> {
  const seen = new CallIdSet();
  const found: LedgerDuplicate[][] = [];
  for (const partial of partials) {
    const duplicates: LedgerDuplicate[] = [];
    readCallLedger(await dest.read(partial.callsKey), (call) => {
      if (seen.add(call.ids, call.at)) return;
      duplicates.push({
        ordinal: call.ordinal,
        key: call.key(),
        day: call.day,
        id: call.ids.slice(call.at, call.at + CALL_ID_WORDS),
      });
    });
    found.push(duplicates);
  }
  return found;
}

/** The duplicates of one shard, taken out of its Parquet files: their charges and reject lines. */
export interface ShardDuplicatesRemoved {
  /** The shard's Parquet keys to keep: rewritten files under `…-d.parquet`; a file left without rows is dropped. */
  readonly parquetKeys: string[];
  readonly charges: RowCharge[];
  /** The reject entries, in the shard's row order. */
  readonly rejects: { readonly key: string; readonly rejection: Rejection }[];
}

function readParquetBatches(bytes: Uint8Array): RecordBatch[] {
  // Loaded here: parquet-wasm compiles its module on load, which only this rare path needs.
  const { readParquet } = require('parquet-wasm') as typeof import('parquet-wasm');
  return tableFromIPC(readParquet(bytes).intoIPCStream()).batches;
}

/**
 * Rewrites the Parquet files of a shard that hold its cross-shard duplicates without those rows
 * (only the files of the duplicates' call days are read), and returns what the rows had counted.
 */
export async function removeShardDuplicates(
  dest: ObjectStore,
  schema: ServiceSchema,
  partial: PartialManifest,
  duplicates: readonly LedgerDuplicate[],
  encoder: ParquetEncoder,
): Promise<ShardDuplicatesRemoved> {
  const wanted = new CallIdSet();
  for (const duplicate of duplicates) wanted.add(duplicate.id, 0);
  // The day partitions of the duplicates, as key segments: a shard's files are staged, not yet in `parquet/`.
  const dataset = partitionPrefix(schema, dateOfEpochSeconds(0)).indexOf('parquet/');
  const segments = new Set(
    duplicates.map((d) => partitionPrefix(schema, dateOfEpochSeconds(d.day * 86_400)).slice(dataset)),
  );
  const chargeById = new Map<string, RowCharge>();
  const parquetKeys: string[] = [];
  const scratch = new Uint32Array(CALL_ID_WORDS);
  for (const key of partial.parquetKeys) {
    if (![...segments].some((segment) => key.includes(`/${segment}`))) {
      parquetKeys.push(key);
      continue;
    }
    const batches = readParquetBatches(await dest.read(key));
    const kept: RecordBatch[] = [];
    let dropped = 0;
    for (const batch of batches) {
      const ids = batch.getChild(schema.callIdField);
      let runStart = 0;
      for (let row = 0; row < batch.numRows; row++) {
        writeCallId(String(ids?.get(row)), scratch, 0);
        if (!wanted.has(scratch, 0)) continue;
        const charge = rowCharge(batch, row, schema.callIdField);
        chargeById.set(Array.from(scratch).join(','), charge);
        dropped++;
        if (row > runStart) kept.push(batch.slice(runStart, row));
        runStart = row + 1;
      }
      if (runStart < batch.numRows) kept.push(runStart === 0 ? batch : batch.slice(runStart, batch.numRows));
    }
    if (dropped === 0) {
      parquetKeys.push(key);
    } else if (kept.some((batch) => batch.numRows > 0)) {
      // Under a new name: the original stays until the merged period replaces it (see retention.ts),
      // so a finalize that fails before its manifest can run again from the same inputs.
      const rewritten = `${key.slice(0, -'.parquet'.length)}-d.parquet`;
      await dest.write(rewritten, await encoder.encode(kept), 'application/vnd.apache.parquet');
      parquetKeys.push(rewritten);
    }
  }
  const charges: RowCharge[] = [];
  const rejects = duplicates.map((duplicate) => {
    const charge = chargeById.get(Array.from(duplicate.id).join(','));
    if (!charge) throw new Error(`finalize: the Parquet row of the duplicate call in ${duplicate.key} is missing`);
    charges.push(charge);
    return { key: duplicate.key, rejection: duplicateRejection(schema, charge.callId) };
  });
  return { parquetKeys, charges, rejects };
}

/**
 * Streams a shard's CSV part without the rows at `drop` (ordinals). A row ends at an LF outside
 * quotes (RFC 4180: a quoted field may hold CR and LF; a quote inside one is doubled, which toggles
 * the state twice).
 */
export function csvRowFilter(drop: ReadonlySet<number>): (chunk: Buffer) => Buffer[] {
  let ordinal = 0;
  let quoted = false;
  return (chunk) => {
    const out: Buffer[] = [];
    let start = 0;
    let at = 0;
    while (at < chunk.length) {
      const lf = chunk.indexOf(0x0a, at);
      const quote = chunk.indexOf(0x22, at);
      if (quote !== -1 && (lf === -1 || quote < lf)) {
        quoted = !quoted;
        at = quote + 1;
        continue;
      }
      if (lf === -1) break;
      at = lf + 1;
      if (quoted) continue;
      if (!drop.has(ordinal)) out.push(chunk.subarray(start, at));
      ordinal++;
      start = at;
    }
    if (start < chunk.length && !drop.has(ordinal)) out.push(chunk.subarray(start));
    return out;
  };
}
