import { PassThrough, Readable, Transform } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type Env, EnvReader } from '../core/env';
import type { FolderListing, ObjectEntry, ObjectStore, ObjectWriter, StoreStats } from './object-store';
import { ObjectNotFoundError, StoreLocationError } from './object-store';
import { createS3Client, retryPolicy, s3ClientRetryStrategy, s3ClientTransport } from './s3-client';
import { FastGetUnavailable, S3FastGet } from './s3-fast-get';
import { BudgetedRetryStrategy, backoffDelay, type RetryKind, retryKind, sleep } from './s3-retry';
import { StoreCounters, shareStats, unshareStats } from './store-stats';

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
  /**
   * Read small objects (`readCapped`, the job's hot path) with the lean GET of s3-fast-get.ts instead
   * of the SDK. Default: on, unless the environment sets CDR_S3_FAST_GET to `0`, `false`, `off` or `no`.
   */
  fastGet?: boolean;
}

/** Whether the environment leaves the fast GET path on (CDR_S3_FAST_GET=0/false/off/no turns it off). */
export function fastGetEnabled(env: Env = process.env): boolean {
  return new EnvReader(env).flag('CDR_S3_FAST_GET', true);
}

interface ErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** A response body that failed mid-stream: the request succeeded, so the SDK did not retry it. */
class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** S3 error codes of requests it could not authenticate (403s that say nothing about the key). */
const AUTHENTICATION_FAILURES = new Set([
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'RequestTimeTooSkewed',
]);

/**
 * A read that failed for good (after every retry): names the object, keeps the S3 error as `cause`,
 * so the run fails with a line that says which object could not be read.
 */
function readFailure(error: unknown, uri: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const name = `${errorShape(error).name ?? 'Error'}${typeof code === 'string' ? ` ${code}` : ''}`;
  const attempts = (errorShape(error) as { $metadata?: { attempts?: number } }).$metadata?.attempts;
  return new Error(`cannot read ${uri}${attempts ? ` (${attempts} attempts)` : ''}: ${name}: ${message}`, {
    cause: error,
  });
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
    body.once('error', (error) => reject(new BodyError(error)));
    // A body destroyed without an error ends with 'close' alone: never wait for an 'end' that cannot come.
    body.once('close', () => {
      if (!body.readableEnded) reject(new BodyError(new Error(`the response body of ${what} was closed early`)));
    });
    body.once('end', () => {
      if (expectedLength !== undefined && length !== expectedLength) {
        reject(new BodyError(new Error(`truncated read of ${what}: ${length} of ${expectedLength} bytes`)));
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
  /** Retries the SDK cannot make (bodies cut off mid-stream) go through the client's strategy and budget. */
  private readonly retries: BudgetedRetryStrategy;
  private readonly counters: StoreCounters;

  private constructor(
    private readonly client: S3Client,
    private readonly ownsClient: boolean,
    readonly bucket: string,
    /** Normalized key prefix: empty or ending with `/`. */
    readonly prefix: string,
  ) {
    this.location = `s3://${bucket}${prefix ? `/${prefix.slice(0, -1)}` : ''}`;
    // A client from elsewhere keeps its own retry strategy; ours then only counts what the store sees.
    this.retries = s3ClientRetryStrategy(client) ?? new BudgetedRetryStrategy(retryPolicy(), new StoreCounters());
    this.counters = this.retries.counters;
    shareStats(this, this.counters);
  }

  // ── fast GET path (s3-fast-get.ts): readCapped goes through it when on and available ──────────
  private fastGetOn = true;
  private fast: S3FastGet | undefined;
  private fastOpening: Promise<S3FastGet | undefined> | undefined;

  /** Opens the fast GET on first use; undefined (and off from then on) when the bucket needs the SDK. */
  private openFastGet(): Promise<S3FastGet | undefined> {
    this.fastOpening ??= S3FastGet.open(this.client, this.bucket, this.retries, s3ClientTransport(this.client)).then(
      (fast) => {
        this.fast = fast;
        return fast;
      },
      () => {
        // SigV4a, S3 Express, an endpoint the rules cannot place: the SDK path does all of that.
        this.fastGetOn = false;
        return undefined;
      },
    );
    return this.fastOpening;
  }

  /** A small object through the fast GET; `null` when the SDK path must read it instead. */
  private async fastReadCapped(fullKey: string, maxBytes: number): Promise<Buffer | undefined | null> {
    const fast = this.fast ?? (await this.openFastGet());
    if (fast === undefined) return null;
    try {
      return await fast.getCapped(fullKey, maxBytes);
    } catch (error) {
      if (!(error instanceof FastGetUnavailable)) throw error;
      // The bucket redirects (another region): the SDK follows that; it reads from now on.
      this.fastGetOn = false;
      return null;
    }
  }

  /** Which path small-object reads take now: the fast GET, or the SDK (off, or unavailable for the bucket). */
  readPath(): 'fast-get' | 'sdk' {
    return this.fastGetOn ? 'fast-get' : 'sdk';
  }
  // ── end of the fast GET path ───────────────────────────────────────────────────────────────────

  /** Requests, retries by kind, object bytes read and written so far. */
  stats(): StoreStats {
    return this.counters.snapshot();
  }

  /** Adds counters of another store over the same location (a worker thread's). */
  addStats(delta: StoreStats): void {
    this.counters.add(delta);
  }

  /**
   * Runs `attempt` (a GET and the reading of its body) again when the body fails mid-stream: the
   * SDK's retries end once response headers arrive, so a connection dropped while the body streams
   * would otherwise fail the read. Uses the client's retry budget and backoff; other errors (already
   * retried by the SDK, or final) pass through.
   */
  private async withBodyRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof BodyError)) throw error;
        const kind: RetryKind | undefined = retryKind(error.error) ?? 'network';
        if (retry + 1 >= this.retries.policy.maxAttempts || !this.retries.allow(kind)) throw error.error;
        await sleep(backoffDelay(this.retries.policy, kind, retry));
      }
    }
  }

  /**
   * Opens `s3://bucket/prefix`; with `probe`, checks that the bucket exists and the prefix can be
   * listed. Failures become one StoreLocationError (`bucket not found: s3://x`, `access denied to s3://x`).
   */
  static async open(bucket: string, prefix = '', options: S3StoreOptions = {}): Promise<S3Store> {
    const normalized = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const client = options.client ?? createS3Client();
    const store = new S3Store(client, options.client === undefined, bucket, normalized);
    store.fastGetOn = options.fastGet ?? fastGetEnabled();
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

  /**
   * Whether a 403 on an object read means "no such key". S3 answers 403, not 404, for a missing key
   * unless the caller may list the bucket, and a list grant scoped by `s3:prefix` (least privilege)
   * never matches an object request, which carries no prefix. A listing of exactly that key, which
   * the prefix-scoped grant allows, tells the two apart: missing when it is not listed; a 403 that
   * stays a 403 when the key exists or the listing is denied too.
   */
  private async isMissingBehindDenial(error: unknown, fullKey: string): Promise<boolean> {
    // Only an authorization denial can hide a missing key; a request S3 could not authenticate
    // (bad signature, unknown key id, expired token) is an error of its own, not worth a listing.
    if (httpStatus(error) !== 403 || AUTHENTICATION_FAILURES.has(errorShape(error).name ?? '')) return false;
    try {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: fullKey, MaxKeys: 1 }),
      );
      return !(page.Contents ?? []).some((object) => object.Key === fullKey);
    } catch {
      return false;
    }
  }

  /** isNotFound, or a 403 that hides a missing key (see isMissingBehindDenial). */
  private async isMissing(error: unknown, fullKey: string): Promise<boolean> {
    return isNotFound(error) || (await this.isMissingBehindDenial(error, fullKey));
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
      const body = await this.withBodyRetries(async () => {
        const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: fullKey }));
        return collect(response.Body, response.ContentLength, `s3://${this.bucket}/${fullKey}`);
      });
      this.counters.received(body.length);
      return body;
    } catch (error) {
      if (await this.isMissing(error, this.fullKey(key))) throw new ObjectNotFoundError(key, this.location);
      throw readFailure(error, `s3://${this.bucket}/${this.fullKey(key)}`);
    }
  }

  /** Reads an object of at most `maxBytes` with a ranged GET, so an oversized object is never downloaded whole. */
  async readCapped(key: string, maxBytes: number): Promise<Buffer | undefined> {
    const fullKey = this.fullKey(key);
    try {
      if (this.fastGetOn) {
        const fast = await this.fastReadCapped(fullKey, maxBytes);
        if (fast !== null) {
          if (fast !== undefined) this.counters.received(fast.length);
          return fast;
        }
      }
      const body = await this.withBodyRetries(async () => {
        const response = await this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key: fullKey, Range: `bytes=0-${maxBytes}` }),
        );
        const total = /\/(\d+)$/.exec(response.ContentRange ?? '')?.[1];
        if (total !== undefined && Number(total) > maxBytes) {
          (response.Body as Readable | undefined)?.destroy?.();
          return undefined;
        }
        return collect(response.Body, response.ContentLength, `s3://${this.bucket}/${fullKey}`);
      });
      if (body === undefined) return undefined;
      this.counters.received(body.length);
      return body.length > maxBytes ? undefined : body;
    } catch (error) {
      if (await this.isMissing(error, fullKey)) throw new ObjectNotFoundError(key, this.location);
      if ((error as { name?: string }).name === 'InvalidRange') return Buffer.alloc(0);
      throw readFailure(error, `s3://${this.bucket}/${fullKey}`);
    }
  }

  /**
   * Streams an object (large price files). A connection dropped mid-stream is resumed with a ranged
   * GET from the last byte received, pinned to the same version by `If-Match` on its ETag, within the
   * client's retry budget: a long download is never restarted from scratch nor silently cut short.
   */
  async readStream(key: string): Promise<Readable> {
    const fullKey = this.fullKey(key);
    let first: GetObjectCommandOutput;
    try {
      first = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: fullKey }));
    } catch (error) {
      if (await this.isMissing(error, fullKey)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
    if (!(first.Body instanceof Readable)) throw new Error('unexpected S3 response body (not a Node.js stream)');
    const { client, bucket, counters, retries } = this;
    const etag = first.ETag;
    const total = first.ContentLength;
    let body: Readable = first.Body;
    async function* chunks(): AsyncGenerator<Buffer> {
      let offset = 0;
      for (let retry = 0; ; ) {
        try {
          for await (const chunk of body) {
            offset += (chunk as Buffer).length;
            counters.received((chunk as Buffer).length);
            yield chunk as Buffer;
          }
          if (total === undefined || offset >= total) return;
          throw new Error(`truncated read of s3://${bucket}/${fullKey}: ${offset} of ${total} bytes`);
        } catch (error) {
          const kind = retryKind(error);
          if (kind === undefined || retry + 1 >= retries.policy.maxAttempts || !retries.allow(kind)) throw error;
          await sleep(backoffDelay(retries.policy, kind, retry++));
          const response = await client.send(
            new GetObjectCommand({ Bucket: bucket, Key: fullKey, Range: `bytes=${offset}-`, IfMatch: etag }),
          );
          if (!(response.Body instanceof Readable)) throw new Error('unexpected S3 response body');
          body = response.Body;
        }
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async write(key: string, body: string | Uint8Array, contentType?: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key), Body: body, ContentType: contentType }),
    );
    this.counters.sent(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  }

  /**
   * Streams one object through a multipart upload (a single PutObject when it stays under one
   * part). Memory stays bounded: the stream applies backpressure while parts are in flight.
   * `abort()` ends the upload without completing it (and aborts the multipart upload, best effort:
   * a bucket lifecycle rule for incomplete multipart uploads reclaims parts if that fails).
   */
  openWriter(key: string, contentType?: string): ObjectWriter {
    const counters = this.counters;
    let bytes = 0;
    const stream = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    // Failures are reported by done()/abort(); a listener keeps an unobserved stream error from
    // crashing the process.
    stream.on('error', () => {});
    // The upload reads its own stream: when it fails it destroys that one (with a bare AbortError),
    // and the writers' stream then fails with the upload's real error (below), which is what they report.
    const body = new PassThrough();
    body.on('error', () => {});
    stream.pipe(body);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.fullKey(key), Body: body, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
    });
    const finished = upload.done().then(
      () => {
        counters.sent(bytes);
      },
      (error: unknown) => {
        // The upload stopped consuming the stream: fail it, so writers waiting for 'drain' see why.
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
        const aborting = new Error(`write of ${key} aborted`);
        stream.destroy(aborting);
        body.destroy(aborting);
        await finished.catch(() => {});
      },
    };
  }

  /** CopyObject within the bucket (objects up to 5 GB; the job's Parquet files are a few MB). */
  async copy(fromKey: string, toKey: string): Promise<void> {
    // URL-encoded per segment, keeping `=` (Hive partition folders) literal: S3 accepts both, and
    // s3rver decodes the header with decodeURI, which leaves `%3D` as it is.
    const source = `${this.bucket}/${this.fullKey(fromKey)}`
      .split('/')
      .map((segment) => encodeURIComponent(segment).replace(/%3D/g, '='))
      .join('/');
    try {
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.bucket, Key: this.fullKey(toKey), CopySource: source }),
      );
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(fromKey, this.location);
      throw error;
    }
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
      if (await this.isMissing(error, this.fullKey(key))) return false;
      throw error;
    }
  }

  /** PutObject with `If-None-Match: *`: S3 answers 412 PreconditionFailed when the key exists. */
  async createExclusive(key: string, body: string | Uint8Array): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.fullKey(key),
          Body: body,
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      // 409 ConditionalRequestConflict: a concurrent conditional write to the same key won the race.
      const status = httpStatus(error);
      if (status === 412 || status === 409) return false;
      throw error;
    }
    this.counters.sent(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    return true;
  }

  /** The tag is the object's ETag. */
  async readTagged(key: string): Promise<{ body: Buffer; tag: string }> {
    const fullKey = this.fullKey(key);
    try {
      const result = await this.withBodyRetries(async () => {
        const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: fullKey }));
        const body = await collect(response.Body, response.ContentLength, `s3://${this.bucket}/${fullKey}`);
        return { body, tag: response.ETag ?? '' };
      });
      this.counters.received(result.body.length);
      return result;
    } catch (error) {
      if (await this.isMissing(error, fullKey)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
  }

  /** DeleteObject with `If-Match: <ETag>`: 412 when the object was rewritten, 404 when it is gone. */
  async deleteTagged(key: string, tag: string): Promise<boolean> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key), IfMatch: tag }));
      return true;
    } catch (error) {
      const status = httpStatus(error);
      if (status === 412 || status === 409 || (await this.isMissing(error, this.fullKey(key)))) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    unshareStats(this);
    await (await this.fastOpening)?.close();
    if (this.ownsClient) this.client.destroy();
  }
}
