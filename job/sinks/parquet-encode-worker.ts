/** Worker-thread entry: encodes Arrow IPC streams as Parquet files on request (see ParquetEncoder). */
import { parentPort } from 'node:worker_threads';
import { encodeParquetIpc } from './parquet-encode';

/** A request to the encoder thread. */
export interface ParquetEncodeRequest {
  readonly id: number;
  readonly ipc: Uint8Array;
}

parentPort?.on('message', (request: ParquetEncodeRequest) => {
  try {
    const parquet = encodeParquetIpc(request.ipc);
    parentPort?.postMessage({ id: request.id, parquet }, [parquet.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
