/** Worker-thread entry: encodes Arrow IPC streams as Parquet files on request (see ParquetEncoder). */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply } from '../threads/worker-client';
import { encodeParquetIpc } from './parquet-encode';

/** A request to the encoder thread. */
export interface ParquetEncodeRequest {
  readonly id: number;
  readonly ipc: Uint8Array;
}

parentPort?.on('message', (request: ParquetEncodeRequest) => {
  let reply: WorkerReply<Uint8Array>;
  try {
    const parquet = encodeParquetIpc(request.ipc);
    reply = { id: request.id, result: parquet };
    parentPort?.postMessage(reply, [parquet.buffer as ArrayBuffer]);
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage(reply);
  }
});
