/** Worker-thread entry: reads batches of small files on request (see FileBatchReader). */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply } from '../threads/worker-client';
import { type FileBatch, readFileBatch } from './file-batch-read';

/** A request to the reader thread. */
export interface FileBatchRequest {
  readonly id: number;
  readonly paths: readonly string[];
  readonly maxBytes: number;
}

parentPort?.on('message', (request: FileBatchRequest) => {
  let reply: WorkerReply<FileBatch>;
  try {
    const batch = readFileBatch(request.paths, request.maxBytes);
    reply = { id: request.id, result: batch };
    parentPort?.postMessage(reply, [batch.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage(reply);
  }
});
