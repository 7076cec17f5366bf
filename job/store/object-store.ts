import type { Readable, Writable } from 'node:stream';
import { FailureError, InputError } from '../core/errors';

/** One object found by a listing. */
export interface ObjectEntry {
  /** Key relative to the store's root. */
  readonly key: string;
  /** Size in bytes; -1 when the listing did not ask for sizes (see `listFolder`). */
  readonly size: number;
}

/** What a delimited listing returns: objects directly under the prefix and sub-"folders". */
export interface FolderListing {
  readonly objects: ObjectEntry[];
  /** Sub-prefixes, each ending with `/`, relative to the store's root. */
  readonly folders: string[];
}

/** A stream to write one object; the object becomes visible only once `done()` resolves. */
export interface ObjectWriter {
  readonly stream: Writable;
  /** Ends the stream and waits until the object is completely stored. */
  done(): Promise<void>;
  /** Abandons the write; nothing becomes visible. */
  abort(): Promise<void>;
}

/**
 * The small interface the job needs from where CDRs, prices and outputs live: a local folder or an
 * S3 bucket (with an optional key prefix). Keys are always `/`-separated and relative to the root.
 */
export interface ObjectStore {
  /** Human-readable location of the root (`/data/cdrs` or `s3://bucket/prefix`). */
  readonly location: string;
  /**
   * Lists objects and sub-folders directly under `prefix` (which ends with `/` or is empty), sorted
   * by key. With `sizes: false` a store may skip work to learn sizes and report -1 (the local store
   * then avoids one stat call per file).
   */
  listFolder(prefix: string, options?: { readonly sizes?: boolean }): Promise<FolderListing>;
  /** Lists every object under `prefix`, recursively, in key order. */
  listAll(prefix: string): AsyncIterable<ObjectEntry>;
  /** Reads a whole object. Throws ObjectNotFoundError when it does not exist. */
  read(key: string): Promise<Buffer>;
  /**
   * Reads a small object, at most `maxBytes`: returns undefined, having read no more than
   * `maxBytes + 1` bytes, when the object is larger. Throws ObjectNotFoundError when it is missing.
   */
  readCapped(key: string, maxBytes: number): Promise<Buffer | undefined>;
  /**
   * `readCapped` for many keys at once, in order (undefined for objects over `maxBytes`): for stores
   * where a batch is cheaper than one read at a time (the local store reads it on a helper thread).
   * Callers fall back to `readCapped` when a store does not have it.
   */
  readManyCapped?(keys: readonly string[], maxBytes: number): Promise<(Buffer | undefined)[]>;
  /** Reads an object as a stream (large price files). */
  readStream(key: string): Promise<Readable>;
  /** Writes a whole object atomically. */
  write(key: string, body: string | Uint8Array, contentType?: string): Promise<void>;
  /** Opens a streaming writer (multipart upload on S3, temp file + rename locally). */
  openWriter(key: string, contentType?: string): ObjectWriter;
  /**
   * Copies an object to another key of the same store; the copy becomes visible complete (S3
   * CopyObject; on disk a copy to a temporary file renamed into place). Throws ObjectNotFoundError
   * when the source is missing.
   */
  copy(fromKey: string, toKey: string): Promise<void>;
  /** Deletes objects; missing ones are ignored. */
  delete(keys: readonly string[]): Promise<void>;
  /** Whether an object exists. */
  exists(key: string): Promise<boolean>;
  /** Releases sockets and other resources. */
  close(): Promise<void>;
  /**
   * Creates `key` only if no object has that key yet: S3 `PutObject` with `If-None-Match: *`, an
   * exclusive create (`wx`) on disk. Returns false when the key exists. (Leases, job/pipeline/lease.ts.)
   */
  createExclusive?(key: string, body: string | Uint8Array): Promise<boolean>;
  /** Reads an object with a tag that changes whenever it is rewritten (S3: its ETag). */
  readTagged?(key: string): Promise<{ readonly body: Buffer; readonly tag: string }>;
  /**
   * Deletes `key` only while it still carries `tag` (S3 `DeleteObject` with `If-Match`). Returns
   * false when it was rewritten or deleted meanwhile.
   */
  deleteTagged?(key: string, tag: string): Promise<boolean>;
  /**
   * Removes the temporary files that processes no longer running left directly in these folders
   * (a run killed with SIGKILL or by the OOM killer); returns how many. Only stores that use temporary
   * files have it (the local one); S3 uploads become visible only when complete.
   */
  removeDeadTemporaryFiles?(folders: readonly string[]): Promise<number>;
  /**
   * Removes the empty folders at and below `prefix` (a folder key ending in `/`): a local disk keeps
   * folders that S3 never has. Only stores with real folders have it. Call it only for a prefix no
   * other process writes to at the same time.
   */
  removeEmptyFolders?(prefix: string): Promise<void>;
  /** What the store did so far: requests, retries by kind, bytes read and written. */
  stats?(): StoreStats;
}

/** Counters a store keeps for the run's logs (`ObjectStore.stats`). */
export interface StoreStats {
  /** Requests made (S3: API calls, first attempts only; local: 0). */
  readonly requests: number;
  /** Retries by cause: throttling (503 SlowDown, 429), server errors, dropped connections, timeouts. */
  readonly retries: {
    readonly throttle: number;
    readonly server: number;
    readonly network: number;
    readonly timeout: number;
  };
  /** Object bytes read. */
  readonly bytesIn: number;
  /** Object bytes written. */
  readonly bytesOut: number;
}

/** Thrown by `read` when the object does not exist. */
export class ObjectNotFoundError extends FailureError {
  override readonly name = 'ObjectNotFoundError';
  constructor(
    readonly key: string,
    location: string,
  ) {
    super(`object not found: ${key} in ${location}`);
  }
}

/** Thrown when a store location cannot be used (missing folder or bucket, bad URI). */
export class StoreLocationError extends InputError {
  override readonly name = 'StoreLocationError';
}
