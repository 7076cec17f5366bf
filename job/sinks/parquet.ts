import type { RecordBatch } from 'apache-arrow';
import { type CalendarDate, dateOfEpochSeconds, pad2 } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import type { ObjectStore } from '../store/object-store';
import { defaultParquetEncoder, type ParquetEncoder } from './parquet-encoder';

/** Options of the partitioned Parquet sink. */
export interface ParquetSinkOptions {
  /** Rows per file; a partition is flushed when it holds this many. Default DEFAULT_FILE_ROWS. */
  readonly fileRows?: number;
  /** Rows held across all partitions before the largest is flushed early (bounds memory). Default DEFAULT_FILE_ROWS. */
  readonly maxPendingRows?: number;
  /** Prefix of this writer's file names, so shards never collide. Default `part-`. */
  readonly filePrefix?: string;
  /** Encoder to use; the sink closes it. Default: `defaultParquetEncoder()` (a helper thread on 2+ cores). */
  readonly encoder?: ParquetEncoder;
  /**
   * Key prefix the `year=/month=/day=/` folders go under. Default: the dataset itself
   * (`<summaryPrefix>parquet/`); runs write to their staging folder and commit later (job/day-commit.ts).
   */
  readonly root?: string;
}

/**
 * Rows per Parquet file (one row group). The encoder's WebAssembly memory grows to the largest file
 * it has encoded and never shrinks, so this bounds peak memory: 32,768 rows (~2 MB of ZSTD Parquet,
 * ~14 MB of Arrow) keeps a 1M-CDR run's peak RSS close to a 200k one's; 65,536 cost ~35 MB more.
 */
export const DEFAULT_FILE_ROWS = 32_768;

/** Files being encoded or written at once; the next flush waits for the oldest (bounds memory). */
const MAX_FILES_IN_FLIGHT = 2;

/** The Hive partition folder of calls that start on `date`, relative to the dataset root: `year=/month=/day=/`. */
export function partitionPath(date: CalendarDate): string {
  return `year=${date.year}/month=${pad2(date.month)}/day=${pad2(date.day)}/`;
}

/** The root of the Parquet dataset: `<summaryPrefix>parquet/`. */
export function datasetRoot(schema: ServiceSchema): string {
  return `${schema.summaryPrefix}parquet/`;
}

/** Key prefix of the Hive partition holding calls that start on `date`. */
export function partitionPrefix(schema: ServiceSchema, date: CalendarDate): string {
  return `${datasetRoot(schema)}${partitionPath(date)}`;
}

interface Pending {
  batches: RecordBatch[];
  rows: number;
  files: number;
}

/**
 * Writes report rows as a Parquet dataset partitioned by call START day (year=/month=/day=), with
 * bounded memory: rows wait as Arrow batches per partition and go out as files of `fileRows` rows.
 * Replacing the files an earlier run left is the caller's job (see `removeStaleOutputs`).
 */
export class PartitionedParquetSink {
  private readonly pending = new Map<number, Pending>();
  private readonly written: string[] = [];
  private pendingRows = 0;
  private readonly fileRows: number;
  private readonly maxPendingRows: number;
  private readonly filePrefix: string;
  private readonly root: string;
  private bytesWritten = 0;
  private readonly encoder: ParquetEncoder;
  private readonly inFlight: Promise<void>[] = [];
  private aborted = false;

  constructor(
    private readonly store: ObjectStore,
    schema: ServiceSchema,
    options: ParquetSinkOptions = {},
  ) {
    this.fileRows = options.fileRows ?? DEFAULT_FILE_ROWS;
    this.maxPendingRows = options.maxPendingRows ?? DEFAULT_FILE_ROWS;
    this.filePrefix = options.filePrefix ?? 'part-';
    this.root = options.root ?? datasetRoot(schema);
    this.encoder = options.encoder ?? defaultParquetEncoder();
  }

  /** Keys written so far. */
  get keys(): readonly string[] {
    return this.written;
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.bytesWritten;
  }

  /** Adds rows of one call-start day (days since the epoch), flushing partitions that are full. */
  async add(day: number, batches: readonly RecordBatch[]): Promise<void> {
    let entry = this.pending.get(day);
    if (!entry) {
      entry = { batches: [], rows: 0, files: 0 };
      this.pending.set(day, entry);
    }
    for (const batch of batches) {
      entry.batches.push(batch);
      entry.rows += batch.numRows;
      this.pendingRows += batch.numRows;
    }
    if (entry.rows >= this.fileRows) await this.flush(day, entry);
    while (this.pendingRows > this.maxPendingRows) {
      let largest: [number, Pending] | undefined;
      for (const item of this.pending) if (!largest || item[1].rows > largest[1].rows) largest = item;
      if (!largest || largest[1].rows === 0) break;
      await this.flush(largest[0], largest[1]);
    }
  }

  /**
   * Starts encoding and writing the partition's rows as its next file; returns once no more than
   * MAX_FILES_IN_FLIGHT files are under way, so encoding overlaps the caller's work.
   */
  private async flush(day: number, entry: Pending): Promise<void> {
    if (entry.rows === 0 || this.aborted) return;
    const date = dateOfEpochSeconds(day * 86_400);
    const key = `${this.root}${partitionPath(date)}${this.filePrefix}${String(entry.files).padStart(5, '0')}.parquet`;
    const encoding = this.encoder.encode(entry.batches);
    this.pendingRows -= entry.rows;
    entry.files++;
    entry.batches = [];
    entry.rows = 0;
    const job = encoding.then(async (bytes) => {
      await this.store.write(key, bytes, 'application/vnd.apache.parquet');
      this.written.push(key);
      this.bytesWritten += bytes.length;
    });
    // Observed when awaited below or in close(); never an unhandled rejection meanwhile.
    job.catch(() => {});
    this.inFlight.push(job);
    while (this.inFlight.length > MAX_FILES_IN_FLIGHT) await this.inFlight.shift();
  }

  /** Flushes every partition and waits for every file; returns the keys written, sorted. */
  async close(): Promise<string[]> {
    if (this.aborted) throw new Error('the Parquet sink was aborted');
    try {
      for (const [day, entry] of [...this.pending].sort((a, b) => a[0] - b[0])) await this.flush(day, entry);
      this.pending.clear();
      while (this.inFlight.length > 0) await this.inFlight.shift();
    } finally {
      await this.encoder.close();
    }
    return [...this.written].sort();
  }

  /**
   * Abandons pending rows, starts no more files, waits for those under way and stops the encoder;
   * files already written stay (`keys`: the caller deletes them).
   */
  async abort(): Promise<void> {
    this.aborted = true;
    this.pending.clear();
    await Promise.allSettled(this.inFlight.splice(0));
    await this.encoder.close();
  }
}
