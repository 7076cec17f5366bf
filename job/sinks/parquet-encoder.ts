import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type RecordBatch, Table, tableToIPC } from 'apache-arrow';
import { workerScript } from '../worker-script';
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

interface Waiting {
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Encodes on one helper thread: the calling thread only serializes the batches to Arrow IPC (a copy
 * it makes anyway for parquet-wasm) and hands the buffer over without copying; Parquet encoding and
 * ZSTD compression run beside the parsing and rating. Results come back in request order.
 */
export function threadParquetEncoder(): ParquetEncoder {
  const { file, execArgv } = workerScript(__filename, 'parquet-encode-worker');
  let worker: Worker | undefined;
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    for (const item of waiting.values()) item.reject(error);
    waiting.clear();
  };
  const start = (): Worker => {
    const started = new Worker(file, { execArgv });
    started.unref();
    started.on('message', (message: { id: number; parquet?: Uint8Array; error?: string }) => {
      const item = waiting.get(message.id);
      waiting.delete(message.id);
      if (waiting.size === 0) started.unref();
      if (!item) return;
      if (message.parquet) item.resolve(message.parquet);
      else item.reject(new Error(`Parquet encoding failed: ${message.error ?? 'unknown error'}`));
    });
    started.on('error', (error) => {
      failure = error;
      failAll(error);
    });
    started.on('exit', (code) => {
      if (worker === started && code !== 0) {
        failure = new Error(`the Parquet encoder thread exited with code ${code}`);
        failAll(failure);
      }
    });
    worker = started;
    return started;
  };
  return {
    encode(batches) {
      if (failure) return Promise.reject(failure);
      const ipc = toIpc(batches);
      const target = worker ?? start();
      const id = nextId++;
      return new Promise<Uint8Array>((resolve, reject) => {
        if (waiting.size === 0) target.ref();
        waiting.set(id, { resolve, reject });
        const request: ParquetEncodeRequest = { id, ipc };
        target.postMessage(request, [ipc.buffer as ArrayBuffer]);
      });
    },
    async close() {
      const stopping = worker;
      worker = undefined;
      if (stopping) await stopping.terminate();
      failAll(new Error('the Parquet encoder was closed'));
    },
  };
}

/** The default encoder: on a helper thread when the machine has 2 or more cores, else in this thread. */
export function defaultParquetEncoder(): ParquetEncoder {
  return availableParallelism() >= 2 ? threadParquetEncoder() : inThreadParquetEncoder();
}
