import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-script';
import type { FileBatch } from './file-batch-read';
import type { FileBatchRequest } from './file-read-worker';

interface Waiting {
  readonly resolve: (batch: FileBatch) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Reads batches of small files on one helper thread, so the file-system calls (most of the cost of
 * a CDR object on disk) run beside the parsing and rating on the calling thread. Batches are served
 * in request order; each comes back as one transferred buffer (no copy). The thread only keeps the
 * process alive while a batch is pending, and starts on first use.
 */
export class FileBatchReader {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failure: Error | undefined;

  /** Reads `paths` (at most `maxBytes` of each) on the helper thread. */
  read(paths: readonly string[], maxBytes: number): Promise<FileBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<FileBatch>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      const request: FileBatchRequest = { id, paths, maxBytes };
      worker.postMessage(request);
    });
  }

  /** Stops the helper thread; pending reads fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.fail(new Error('the file reader was closed'));
  }

  private start(): Worker {
    const { file, execArgv } = workerScript(__filename, 'file-read-worker');
    const worker = new Worker(file, { execArgv });
    worker.unref();
    worker.on('message', (message: { id: number; batch?: FileBatch; error?: string }) => {
      const waiting = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (this.waiting.size === 0) worker.unref();
      if (!waiting) return;
      if (message.batch) waiting.resolve(message.batch);
      else waiting.reject(new Error(message.error ?? 'the file reader failed'));
    });
    worker.on('error', (error) => {
      this.failure = error;
      this.fail(error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker && code !== 0) {
        this.failure = new Error(`the file reader thread exited with code ${code}`);
        this.fail(this.failure);
      }
    });
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
