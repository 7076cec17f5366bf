/**
 * Own GET path for small objects (undici + job/store/sigv4-signer.ts): kept because the SDK's GetObject
 * cost ~590 µs of client CPU per GET against ~112 µs here (~155 µs with @smithy/signature-v4; docs/performance.md).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import type { AwsCredentialIdentity, EndpointParameterInstructions, RetryErrorType, SdkError } from '@smithy/types';
import { type Dispatcher, Pool } from 'undici';
import { FailureError } from '../core/errors';
import type { S3TransportSettings } from './s3-client';
import { type BudgetedRetryStrategy, retryKind, sleep } from './s3-retry';
import { encodeKeyPath, SigV4GetSigner } from './sigv4-signer';

/** Credentials are fetched again (the SDK's provider refreshes them) once they expire within this margin. */
const CREDENTIALS_REFRESH_MS = 300_000;
/** Most bytes of an error response kept (S3's XML errors are a few hundred bytes). */
const MAX_ERROR_BODY = 64 * 1024;

/** Why the fast path cannot serve a bucket: reads go through the SDK instead (see S3FastGet.open). */
export class FastGetUnavailable extends FailureError {
  override readonly name = 'FastGetUnavailable';
}

/**
 * An S3 error answer in the shape the SDK gives its errors (`name` = S3's error code, `$metadata`
 * with the HTTP status), so the store classifies both paths' failures the same way.
 */
export class S3ResponseError extends Error {
  readonly Code: string;
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string; attempts?: number };
  constructor(
    status: number,
    code: string,
    message: string,
    requestId: string | undefined,
    /** The server's clock (its Date header, ms since the epoch), for clock-skew correction. */
    readonly serverTime: number | undefined,
    /** When the server asks to be retried (its Retry-After header), if it does. */
    readonly retryAfter: Date | undefined,
  ) {
    super(message || `HTTP ${status}`);
    this.name = code;
    this.Code = code;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

/** What an S3 error answer says: its code and message (from the XML body), else a name for the status. */
function s3Error(status: number, headers: Dispatcher.ResponseData['headers'], body: string): S3ResponseError {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '';
  const fallback = status === 404 ? 'NotFound' : status === 403 ? 'Forbidden' : `Http${status}`;
  const requestId = headerText(headers['x-amz-request-id']);
  const serverTime = Date.parse(headerText(headers.date) ?? '');
  return new S3ResponseError(
    status,
    code || fallback,
    message,
    requestId,
    Number.isNaN(serverTime) ? undefined : serverTime,
    retryAfter(headerText(headers['retry-after'])),
  );
}

/** A Retry-After header (seconds, or an HTTP date) as a time. */
function retryAfter(text: string | undefined): Date | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return new Date(Date.now() + Number(text.trim()) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : new Date(at);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The SDK's RetryErrorType of a failure, for the retry strategy's bookkeeping. */
function errorType(error: unknown): RetryErrorType {
  const kind = retryKind(error);
  if (kind === 'throttle') return 'THROTTLING';
  if (kind === 'server') return 'SERVER_ERROR';
  if (kind === 'network' || kind === 'timeout') return 'TRANSIENT';
  return 'CLIENT_ERROR';
}

/** Records how many attempts a failed read made (shown by the store's failure message), as the SDK does. */
function withAttempts(error: unknown, attempts: number): unknown {
  if (typeof error === 'object' && error !== null) {
    const shaped = error as { $metadata?: Record<string, unknown> };
    try {
      shaped.$metadata = { ...shaped.$metadata, attempts };
    } catch {
      // a frozen error keeps its shape
    }
  }
  return error;
}

/** Settles one GET: the body, `undefined` when the object is over the cap, or an error. */
interface Pending {
  resolve(body: Buffer | undefined): void;
  reject(error: unknown): void;
}

/**
 * Handles one response as it streams: keeps the body (at most `maxBytes + 1` bytes of an object,
 * a bounded prefix of an error), checks the object's size against the cap from `Content-Range`
 * before any byte of it is kept, and its length against `Content-Length` at the end.
 */
class CappedBodyHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: Dispatcher.ResponseData['headers'] = {};
  private chunks: Buffer[] = [];
  private length = 0;
  private expected = -1;
  private settled = false;

  constructor(
    private readonly maxBytes: number,
    private readonly pending: Pending,
  ) {}

  private finish(body: Buffer | undefined, error?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    if (error !== undefined) this.pending.reject(error);
    else this.pending.resolve(body);
  }

  onRequestStart(): void {}

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Dispatcher.ResponseData['headers'],
  ): void {
    this.status = statusCode;
    this.headers = headers;
    const length = headerText(headers['content-length']);
    this.expected = length === undefined ? -1 : Number(length);
    if (statusCode === 200 || statusCode === 206) {
      // `bytes 0-N/TOTAL`: an object over the cap is not read at all.
      const total = /\/(\d+)$/.exec(headerText(headers['content-range']) ?? '')?.[1];
      if (total !== undefined && Number(total) > this.maxBytes) {
        this.finish(undefined);
        controller.abort(new Error('object over the size cap (not read)'));
      }
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    const success = this.status === 200 || this.status === 206;
    const limit = success ? this.maxBytes : MAX_ERROR_BODY;
    if (this.length + chunk.length > limit) {
      if (success) {
        // A server that ignored the Range header: more than the cap is never read.
        this.finish(undefined);
        controller.abort(new Error('object over the size cap (not read)'));
        return;
      }
      chunk = chunk.subarray(0, Math.max(0, limit - this.length));
    }
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const { status, chunks, length } = this;
    const body = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, length);
    if (status === 200 || status === 206) {
      if (this.expected >= 0 && length !== this.expected) {
        const error = Object.assign(new Error(`truncated read: ${length} of ${this.expected} bytes`), {
          code: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
        });
        this.finish(undefined, error);
        return;
      }
      this.finish(body);
      return;
    }
    const redirected =
      status === 301 ||
      status === 307 ||
      (status === 400 && headerText(this.headers['x-amz-bucket-region']) !== undefined);
    if (redirected) {
      const region = headerText(this.headers['x-amz-bucket-region']);
      this.finish(
        undefined,
        new FastGetUnavailable(`the bucket answers HTTP ${status}${region ? ` (its region is ${region})` : ''}`),
      );
      return;
    }
    this.finish(undefined, s3Error(status, this.headers, body.toString('utf8')));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish(undefined, error);
  }
}

/** Where and how one bucket's objects are read: endpoint origin, path prefix and signing scope. */
export interface BucketEndpoint {
  readonly origin: string;
  /** Request path before the encoded key, ending with `/`: `/` (virtual-hosted) or `/bucket/` (path-style). */
  readonly pathPrefix: string;
  /** The Host header: the origin's host with a non-default port. */
  readonly host: string;
  readonly signingRegion: string;
  readonly signingName: string;
}

/** The endpoint the SDK itself would use for a GetObject on `bucket` with this client's configuration. */
export async function resolveBucketEndpoint(client: S3Client, bucket: string): Promise<BucketEndpoint> {
  const supplier = GetObjectCommand as unknown as { getEndpointParameterInstructions(): EndpointParameterInstructions };
  const endpoint = await getEndpointFromInstructions({ Bucket: bucket, Key: 'k' }, supplier, client.config);
  const schemes = (endpoint.properties?.authSchemes ?? []) as {
    name?: string;
    signingRegion?: string;
    signingName?: string;
  }[];
  const scheme = schemes[0];
  // SigV4a (multi-region access points), S3 Express sessions and the like: the SDK's business.
  if (scheme?.name !== 'sigv4') {
    throw new FastGetUnavailable(`the bucket's endpoint signs with ${scheme?.name ?? 'nothing'}`);
  }
  if (endpoint.url.search !== '') throw new FastGetUnavailable('the bucket endpoint carries a query string');
  const region = scheme.signingRegion ?? (await client.config.region());
  const path = endpoint.url.pathname;
  return {
    origin: endpoint.url.origin,
    pathPrefix: path.endsWith('/') ? path : `${path}/`,
    host: endpoint.url.host,
    signingRegion: region,
    signingName: scheme.signingName ?? 's3',
  };
}

/**
 * A lean GET for the job's hot path — reading millions of tiny CDR objects — beside the SDK, which
 * keeps every other request. Per GET: one SigV4 signature (signing key cached per day), one request
 * on an undici keep-alive pool, the body gathered from its chunks; no middleware stack. What it
 * shares with the SDK client it is made from: the endpoint (resolved once by the SDK's own endpoint
 * rules: virtual-hosted or path-style, region, FIPS/dual-stack), the credentials (the client's
 * provider chain, asked again before they expire), the clock-skew offset, the connection settings,
 * and the retry strategy with its budget and counters.
 */
export class S3FastGet {
  private readonly signer: SigV4GetSigner;
  private credentials: AwsCredentialIdentity | undefined;

  private constructor(
    private readonly client: S3Client,
    private readonly endpoint: BucketEndpoint,
    private readonly pool: Pool,
    private readonly retries: BudgetedRetryStrategy,
  ) {
    this.signer = new SigV4GetSigner(endpoint.signingRegion, endpoint.signingName);
  }

  /**
   * A fast GET for `bucket` with `client`'s configuration, retried by `retries`. Throws
   * FastGetUnavailable when the bucket's endpoint needs what only the SDK does (SigV4a, S3 Express).
   */
  static async open(
    client: S3Client,
    bucket: string,
    retries: BudgetedRetryStrategy,
    transport: S3TransportSettings,
  ): Promise<S3FastGet> {
    const endpoint = await resolveBucketEndpoint(client, bucket);
    const pool = new Pool(endpoint.origin, {
      connections: transport.maxSockets,
      // A GET sends nothing after its headers: the idle limit bounds the wait for the answer as well.
      headersTimeout: Math.min(transport.socketTimeoutMs, transport.requestTimeoutMs),
      bodyTimeout: transport.socketTimeoutMs,
      connect: { timeout: transport.connectionTimeoutMs },
    });
    return new S3FastGet(client, endpoint, pool, retries);
  }

  /** Current credentials: the cached ones while they are good for the refresh margin, else the provider's. */
  private async freshCredentials(): Promise<AwsCredentialIdentity> {
    const identity = (await this.client.config.credentials()) as AwsCredentialIdentity;
    this.credentials = identity;
    return identity;
  }

  private usableCredentials(now: number): AwsCredentialIdentity | undefined {
    const cached = this.credentials;
    if (cached === undefined) return undefined;
    if (cached.expiration !== undefined && cached.expiration.getTime() - now < CREDENTIALS_REFRESH_MS) return undefined;
    return cached;
  }

  private attempt(path: string, range: string, maxBytes: number, credentials: AwsCredentialIdentity) {
    const now = Date.now() + (this.client.config.systemClockOffset ?? 0);
    const headers = this.signer.signGet(credentials, this.endpoint.host, path, range, now);
    return new Promise<Buffer | undefined>((resolve, reject) => {
      this.pool.dispatch({ method: 'GET', path, headers }, new CappedBodyHandler(maxBytes, { resolve, reject }));
    });
  }

  /**
   * Reads `fullKey` (a key in the bucket, not URI-encoded) with `Range: bytes=0-maxBytes`: the body,
   * or `undefined` when the object has more than `maxBytes` bytes (never more than `maxBytes + 1`
   * bytes are read). Retries throttling, server errors, dropped connections, truncated bodies and
   * timeouts within the client's policy and budget; other failures (404 NoSuchKey, 416 InvalidRange,
   * 403) are thrown at once as S3ResponseError. Throws FastGetUnavailable when the bucket redirects
   * (another region): the SDK path, which follows region redirects, is then the one to use.
   */
  async getCapped(fullKey: string, maxBytes: number): Promise<Buffer | undefined> {
    const path = this.endpoint.pathPrefix + encodeKeyPath(fullKey);
    const range = `bytes=0-${maxBytes}`;
    let token = await this.retries.acquireInitialRetryToken();
    for (let attempts = 1; ; attempts++) {
      try {
        const credentials = this.usableCredentials(Date.now()) ?? (await this.freshCredentials());
        return await this.attempt(path, range, maxBytes, credentials);
      } catch (error) {
        if (error instanceof FastGetUnavailable) throw error;
        this.correctClockSkew(error);
        try {
          token = await this.retries.refreshRetryTokenForRetry(token, {
            error: error as SdkError,
            errorType: errorType(error),
            retryAfterHint: error instanceof S3ResponseError ? error.retryAfter : undefined,
          });
        } catch {
          throw withAttempts(error, attempts);
        }
        await sleep(token.getRetryDelay());
      }
    }
  }

  /** After a clock-skew error, signs with the server's time from then on (as the SDK does for the client). */
  private correctClockSkew(error: unknown): void {
    const name = (error as { name?: unknown } | null)?.name;
    if (name !== 'RequestTimeTooSkewed' && name !== 'RequestExpired' && name !== 'InvalidSignatureException') return;
    const serverTime = error instanceof S3ResponseError ? error.serverTime : undefined;
    if (serverTime !== undefined) this.client.config.systemClockOffset = serverTime - Date.now();
  }

  /** Closes the connections (idle sockets never keep the process alive meanwhile). */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
