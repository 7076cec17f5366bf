import { PassThrough, Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  type FolderListing,
  type ObjectEntry,
  ObjectNotFoundError,
  type ObjectStore,
  type ObjectWriter,
  StoreLocationError,
} from './object-store';
import { createS3Client } from './s3-client';

/** DeleteObjects accepts at most this many keys per request. */
const DELETE_BATCH = 1000;
/** Multipart part size: S3's minimum, so memory per upload stays small (limit: 10,000 parts ≈ 48 GiB). */
const PART_SIZE = 5 * 1024 * 1024;
/** Parts uploaded concurrently per writer; memory per writer ≈ (QUEUE_SIZE + 1) × PART_SIZE. */
const QUEUE_SIZE = 4;

/** Options for `S3Store.open`. */
export interface S3StoreOptions {
  /** Client to use; the caller keeps ownership (`close()` leaves it open). Default: `createS3Client()`. */
  client?: S3Client;
  /** Accepted for symmetry with LocalStore; S3 prefixes need no creating and buckets are never created. */
  create?: boolean;
  /**
   * Key prefix (relative to the store's prefix) to check access with: one ListObjectsV2 of at most one
   * key. Default: no check (the first real request reports a missing bucket). A prefix is used rather
   * than HeadBucket because IAM authorizes HeadBucket as an unconditioned s3:ListBucket, which
   * least-privilege roles (ListBucket limited to the CDR, pricing and summary prefixes) do not have.
   */
  probe?: string;
}

interface ErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function errorShape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

function httpStatus(error: unknown): number | undefined {
  return errorShape(error).$metadata?.httpStatusCode;
}

/** Whether an object request failed because the object (not the bucket) does not exist. */
function isNotFound(error: unknown): boolean {
  const { name, Code } = errorShape(error);
  if (name === 'NoSuchBucket' || Code === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || Code === 'NoSuchKey' || httpStatus(error) === 404;
}

/**
 * Reads a whole SDK response body into one Buffer, with plain stream events (cheaper than an async
 * iterator per object when reading millions of tiny ones), and checks it against Content-Length.
 */
function collect(body: unknown, expectedLength: number | undefined, what: string): Promise<Buffer> {
  if (!(body instanceof Readable))
    return Promise.reject(new Error('unexpected S3 response body (not a Node.js stream)'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
    });
    body.once('error', reject);
    body.once('end', () => {
      if (expectedLength !== undefined && length !== expectedLength) {
        reject(new Error(`truncated read of ${what}: ${length} of ${expectedLength} bytes`));
        return;
      }
      // Tiny objects (the common case) arrive in one chunk: no copy.
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, length));
    });
  });
}

/**
 * An ObjectStore over an S3 bucket, optionally rooted at a key prefix: keys are relative to the
 * prefix and nothing outside it is ever listed, read or written.
 */
export class S3Store implements ObjectStore {
  readonly location: string;

  private constructor(
    private readonly client: S3Client,
    private readonly ownsClient: boolean,
    readonly bucket: string,
    /** Normalized key prefix: empty or ending with `/`. */
    readonly prefix: string,
  ) {
    this.location = `s3://${bucket}${prefix ? `/${prefix.slice(0, -1)}` : ''}`;
  }

  /**
   * Opens `s3://bucket/prefix`; with `probe`, checks that the bucket exists and the prefix can be
   * listed. Failures become one StoreLocationError (`bucket not found: s3://x`, `access denied to s3://x`).
   */
  static async open(bucket: string, prefix = '', options: S3StoreOptions = {}): Promise<S3Store> {
    const normalized = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const client = options.client ?? createS3Client();
    const store = new S3Store(client, options.client === undefined, bucket, normalized);
    if (options.probe === undefined) return store;
    try {
      await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: normalized + options.probe, MaxKeys: 1 }));
    } catch (error) {
      await store.close();
      const status = httpStatus(error);
      const name = errorShape(error).name;
      const uri = `s3://${bucket}`;
      if (status === 404 || name === 'NotFound' || name === 'NoSuchBucket') {
        throw new StoreLocationError(`bucket not found: ${uri}`);
      }
      if (status === 403 || name === 'Forbidden' || name === 'AccessDenied') {
        throw new StoreLocationError(`access denied to ${uri}`);
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new StoreLocationError(`cannot open ${uri}: ${name ?? 'Error'}: ${message}`);
    }
    return store;
  }

  private fullKey(key: string): string {
    return this.prefix + key;
  }

  private relativeKey(key: string): string {
    return key.slice(this.prefix.length);
  }

  async listFolder(prefix: string): Promise<FolderListing> {
    const objects: ObjectEntry[] = [];
    // A Set: some S3-compatible servers (s3rver) repeat a common prefix on consecutive pages.
    const folders = new Set<string>();
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: 1000 },
      { Bucket: this.bucket, Prefix: this.fullKey(prefix), Delimiter: '/' },
    );
    for await (const page of pages) {
      for (const item of page.Contents ?? []) {
        if (item.Key !== undefined) objects.push({ key: this.relativeKey(item.Key), size: item.Size ?? 0 });
      }
      for (const common of page.CommonPrefixes ?? []) {
        if (common.Prefix !== undefined) folders.add(this.relativeKey(common.Prefix));
      }
    }
    // S3 already returns key order; sorting keeps servers that do not (and LocalStore) consistent.
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { objects, folders: [...folders].sort() };
  }

  async *listAll(prefix: string): AsyncIterable<ObjectEntry> {
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: 1000 },
      { Bucket: this.bucket, Prefix: this.fullKey(prefix) },
    );
    for await (const page of pages) {
      for (const item of page.Contents ?? []) {
        if (item.Key !== undefined) yield { key: this.relativeKey(item.Key), size: item.Size ?? 0 };
      }
    }
  }

  async read(key: string): Promise<Buffer> {
    try {
      const fullKey = this.fullKey(key);
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: fullKey }));
      return await collect(response.Body, response.ContentLength, `s3://${this.bucket}/${fullKey}`);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
  }

  /** Reads an object of at most `maxBytes` with a ranged GET, so an oversized object is never downloaded whole. */
  async readCapped(key: string, maxBytes: number): Promise<Buffer | undefined> {
    const fullKey = this.fullKey(key);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: fullKey, Range: `bytes=0-${maxBytes}` }),
      );
      const total = /\/(\d+)$/.exec(response.ContentRange ?? '')?.[1];
      if (total !== undefined && Number(total) > maxBytes) {
        (response.Body as Readable | undefined)?.destroy?.();
        return undefined;
      }
      const body = await collect(response.Body, response.ContentLength, `s3://${this.bucket}/${fullKey}`);
      return body.length > maxBytes ? undefined : body;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      if ((error as { name?: string }).name === 'InvalidRange') return Buffer.alloc(0);
      throw error;
    }
  }

  async readStream(key: string): Promise<Readable> {
    let body: unknown;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
      body = response.Body;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
    if (!(body instanceof Readable)) throw new Error('unexpected S3 response body (not a Node.js stream)');
    return body;
  }

  async write(key: string, body: string | Uint8Array, contentType?: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key), Body: body, ContentType: contentType }),
    );
  }

  /**
   * Streams one object through a multipart upload (a single PutObject when it stays under one
   * part). Memory stays bounded: the stream applies backpressure while parts are in flight.
   * `abort()` ends the upload without completing it (and aborts the multipart upload, best effort:
   * a bucket lifecycle rule for incomplete multipart uploads reclaims parts if that fails).
   */
  openWriter(key: string, contentType?: string): ObjectWriter {
    const stream = new PassThrough();
    // Failures are reported by done()/abort(); a listener keeps an unobserved stream error from
    // crashing the process.
    stream.on('error', () => {});
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.fullKey(key), Body: stream, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
    });
    const finished = upload.done().then(
      () => undefined,
      (error: unknown) => {
        // The upload stopped consuming the stream: fail it so writers waiting for 'drain' wake up.
        stream.destroy(error instanceof Error ? error : new Error(String(error)));
        throw error;
      },
    );
    // Observed by done()/abort(); never an unhandled rejection in between.
    finished.catch(() => {});
    let aborted = false;
    return {
      stream,
      async done() {
        if (aborted) throw new Error(`write of ${key} was aborted`);
        stream.end();
        await finished;
      },
      async abort() {
        aborted = true;
        // Failing the body (rather than Upload.abort(), which settles before cleaning up) makes the
        // upload skip any final PutObject/CompleteMultipartUpload, wait for parts in flight, then send
        // AbortMultipartUpload; waiting for that here means abort() returns once S3 is clean.
        stream.destroy(new Error(`write of ${key} aborted`));
        await finished.catch(() => {});
      },
    };
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const response = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((key) => ({ Key: this.fullKey(key) })), Quiet: true },
        }),
      );
      const failures = (response.Errors ?? []).filter((failure) => failure.Code !== 'NoSuchKey');
      if (failures.length > 0) {
        const first = failures[0];
        throw new Error(
          `could not delete ${failures.length} object(s) in ${this.location}, e.g. ${first?.Key}: ${first?.Code} ${first?.Message}`,
        );
      }
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }
}
