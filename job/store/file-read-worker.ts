/** Worker-thread entry: reads batches of small files on request (see FileBatchReader). */
import { parentPort } from 'node:worker_threads';
import { readFileBatch } from './file-batch-read';

/** A request to the reader thread. */
export interface FileBatchRequest {
  readonly id: number;
  readonly paths: readonly string[];
  readonly maxBytes: number;
}

parentPort?.on('message', (request: FileBatchRequest) => {
  try {
    const batch = readFileBatch(request.paths, request.maxBytes);
    parentPort?.postMessage({ id: request.id, batch }, [batch.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
