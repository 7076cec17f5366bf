import { WorkerClient } from '../threads/worker-client';
import type { FileBatch } from './file-batch-read';
import type { FileBatchRequest } from './file-read-worker';

/**
 * Reads batches of small files on one helper thread, so the file-system calls (most of the cost of
 * a CDR object on disk) run beside the parsing and rating on the calling thread. Batches are served
 * in request order; each comes back as one transferred buffer (no copy). The thread only keeps the
 * process alive while a batch is pending, and starts on first use.
 */
export class FileBatchReader {
  private readonly client = new WorkerClient<Omit<FileBatchRequest, 'id'>, FileBatch>(
    __filename,
    'file-read-worker',
    'the file reader',
  );

  /** Reads `paths` (at most `maxBytes` of each) on the helper thread. */
  read(paths: readonly string[], maxBytes: number): Promise<FileBatch> {
    return this.client.request({ paths, maxBytes });
  }

  /** Stops the helper thread; pending reads fail. */
  close(): Promise<void> {
    return this.client.close();
  }
}
