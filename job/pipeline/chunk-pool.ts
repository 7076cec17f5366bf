import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Period } from '../core/period';
import type { ServiceCode } from '../core/schema';
import type { ChargerSetup } from '../prices/rate-deck/charger';
import type { SnapshotVersion } from '../prices/snapshot-format';
import type { BurstCollection } from '../report/aggregates/chunk-aggregates';
import type { ConnectorInfo } from '../report/connectors';
import { workerScript } from '../threads/worker-script';
import { type ChunkContext, type ChunkResult, type ChunkTask, processChunk } from './chunk';

/** Runs chunks, in this thread or on worker threads. */
export interface ChunkProcessor {
  /** Chunks worth keeping in flight to keep every thread busy. */
  readonly parallelism: number;
  run(task: ChunkTask): Promise<ChunkResult>;
  close(): Promise<void>;
}

/** Everything a worker needs to build its own context (plain data: it crosses the thread boundary). */
export interface WorkerSetup {
  /** `--source` as given: a folder or `s3://bucket[/prefix]`; each worker opens its own store. */
  readonly source: string;
  readonly service: ServiceCode;
  readonly period: Period;
  /** Object reads in flight per worker. */
  readonly readConcurrency: number;
  readonly burstCollection?: BurstCollection;
  /** The price versions of the snapshot, in effective order: each worker builds its own rater. */
  readonly versions: readonly SnapshotVersion[];
  /** The rate deck or markup each worker charges with. */
  readonly charges: ChargerSetup;
  /** Connector names and tags (--connectors). */
  readonly connectors: readonly ConnectorInfo[];
}

/**
 * Worker threads to use by default: one per core but the main thread's (which lists, writes and
 * hands Parquet to its encoder thread) from 4 cores up; none below, where measurements on 2 cores
 * showed workers costing more (moving rows between threads) than they gain — on local disk, and on
 * S3 too (`npm run bench -- --s3`: 1.6 ms of CPU per CDR with two workers vs 0.95 ms without).
 */
export function defaultWorkerCount(): number {
  const cores = availableParallelism();
  return cores >= 4 ? cores - 1 : 0;
}

/**
 * Chunks in flight when processing in this thread: while one is parsed and rated, the next ones are
 * read (on the local store's reader thread, or as S3 GETs). Six measured ~10 % faster than two on
 * 200k local CDRs; each is ~512 small objects, so memory stays small.
 */
const IN_PROCESS_CHUNKS_IN_FLIGHT = 6;

/**
 * Processes chunks in the calling thread. `context.readConcurrency` is shared by the chunks in
 * flight, so no more objects than that are read at once overall (`--concurrency`).
 */
export function inProcessProcessor(context: ChunkContext): ChunkProcessor {
  const perChunk = { ...context, readConcurrency: Math.ceil(context.readConcurrency / IN_PROCESS_CHUNKS_IN_FLIGHT) };
  return {
    parallelism: IN_PROCESS_CHUNKS_IN_FLIGHT,
    run: (task) => processChunk(task, perChunk),
    close: async () => {},
  };
}

interface Pending {
  readonly task: ChunkTask;
  readonly resolve: (result: ChunkResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Processes chunks on `count` worker threads (parse, validate, rate, render are CPU work; with
 * several cores they run side by side while the main thread lists and writes). Results come back
 * per task, so the caller keeps output order deterministic.
 */
export function workerProcessor(setup: WorkerSetup, count: number): ChunkProcessor {
  const { file, execArgv } = workerScript(__filename, 'chunk-worker');
  // `readConcurrency` is the total over all workers (`--concurrency`), as in this thread.
  const perWorker: WorkerSetup = { ...setup, readConcurrency: Math.ceil(setup.readConcurrency / count) };
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const queue: Pending[] = [];
  let failure: Error | undefined;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const pending = queue.shift() as Pending;
      busy.set(worker, pending);
      worker.postMessage(pending.task);
    }
  };

  for (let i = 0; i < count; i++) {
    const worker = new Worker(file, { execArgv, workerData: perWorker });
    worker.on('message', (message: { result?: ChunkResult; error?: string }) => {
      const pending = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      if (pending) {
        if (message.result) pending.resolve(message.result);
        else pending.reject(new Error(message.error ?? 'worker failed'));
      }
      dispatch();
    });
    worker.on('error', (error) => {
      failure = error;
      const pending = busy.get(worker);
      busy.delete(worker);
      pending?.reject(error);
      for (const waiting of queue.splice(0)) waiting.reject(error);
    });
    idle.push(worker);
  }

  return {
    parallelism: count * 2,
    run(task) {
      if (failure) return Promise.reject(failure);
      return new Promise<ChunkResult>((resolve, reject) => {
        queue.push({ task, resolve, reject });
        dispatch();
      });
    },
    async close() {
      await Promise.all([...idle, ...busy.keys()].map((worker) => worker.terminate()));
    },
  };
}
