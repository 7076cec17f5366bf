import { availableParallelism } from 'node:os';
import { type RecordBatch, Table, tableToIPC } from 'apache-arrow';
import { WorkerClient } from '../threads/worker-client';
import type { ParquetEncodeRequest } from './parquet-encode-worker';

/** Turns Arrow record batches into Parquet file bytes. */
export interface ParquetEncoder {
  /** Encodes the batches as one Parquet file (see `encodeParquetIpc`). */
  encode(batches: readonly RecordBatch[]): Promise<Uint8Array>;
  /** Releases the encoder (stops its thread); pending encodes fail. */
  close(): Promise<void>;
}

/** The batches as one Arrow IPC stream in a buffer of its own (so it can be transferred). */
function toIpc(batches: readonly RecordBatch[]): Uint8Array {
  const ipc = tableToIPC(new Table(batches as RecordBatch[]), 'stream');
  return ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength ? ipc : ipc.slice();
}

/** Encodes in the calling thread (parquet-wasm is loaded on first use). */
export function inThreadParquetEncoder(): ParquetEncoder {
  return {
    async encode(batches) {
      // Required here, not imported above: loading parquet-wasm compiles its module, which a
      // process encoding on a helper thread never needs.
      const { encodeParquetIpc } = require('./parquet-encode') as typeof import('./parquet-encode');
      return encodeParquetIpc(toIpc(batches));
    },
    close: async () => {},
  };
}

/**
 * Encodes on one helper thread: the calling thread only serializes the batches to Arrow IPC (a copy
 * it makes anyway for parquet-wasm) and hands the buffer over without copying; Parquet encoding and
 * ZSTD compression run beside the parsing and rating. Results come back in request order.
 */
export function threadParquetEncoder(): ParquetEncoder {
  const client = new WorkerClient<Omit<ParquetEncodeRequest, 'id'>, Uint8Array>(
    __filename,
    'parquet-encode-worker',
    'the Parquet encoder',
  );
  return {
    encode(batches) {
      const ipc = toIpc(batches);
      return client.request({ ipc }, [ipc.buffer as ArrayBuffer]);
    },
    close: () => client.close(),
  };
}

/** The default encoder: on a helper thread when the machine has 2 or more cores, else in this thread. */
export function defaultParquetEncoder(): ParquetEncoder {
  return availableParallelism() >= 2 ? threadParquetEncoder() : inThreadParquetEncoder();
}
