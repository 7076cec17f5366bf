import { type TransferListItem, Worker } from 'node:worker_threads';
import { workerScript } from './worker-script';

interface Waiting<Result> {
  readonly resolve: (result: Result) => void;
  readonly reject: (error: Error) => void;
}

/** What a request worker posts back: the request's id and its result, or an error message. */
export interface WorkerReply<Result> {
  readonly id: number;
  readonly result?: Result;
  readonly error?: string;
}

/**
 * A helper thread that serves requests one at a time (`{ id, ...payload }` in, `WorkerReply` out),
 * started on first use. It keeps the process alive only while a request is pending; a crash or
 * `close()` fails every pending request.
 */
export class WorkerClient<Request extends object, Result> {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting<Result>>();
  private nextId = 0;
  private failure: Error | undefined;

  /**
   * @param callerFile `__filename` of the module next to the worker entry point.
   * @param entry the entry point's name without extension (see `workerScript`).
   * @param describe what the thread does, for error messages ("the file reader").
   */
  constructor(
    private readonly callerFile: string,
    private readonly entry: string,
    private readonly describe: string,
  ) {}

  /** Sends a request, handing over `transfer` (e.g. an ArrayBuffer) without copying. */
  request(payload: Request, transfer: readonly TransferListItem[] = []): Promise<Result> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...payload, id }, [...transfer]);
    });
  }

  /** Stops the thread; pending requests fail. A later request starts a new thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.failAll(new Error(`${this.describe} was closed`));
  }

  private start(): Worker {
    const { file, execArgv } = workerScript(this.callerFile, this.entry);
    const worker = new Worker(file, { execArgv });
    worker.unref();
    worker.on('message', (reply: WorkerReply<Result>) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (!waiting) return;
      if (reply.error === undefined && reply.result !== undefined) waiting.resolve(reply.result);
      else waiting.reject(new Error(`${this.describe} failed: ${reply.error ?? 'no result'}`));
    });
    worker.on('error', (error) => {
      this.failure = error;
      this.failAll(error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker && code !== 0) {
        this.failure = new Error(`${this.describe} thread exited with code ${code}`);
        this.failAll(this.failure);
      }
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
