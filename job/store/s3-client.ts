import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsRegion, DEFAULT_REGION, type Env, EnvReader } from '../core/env';
import { BudgetedRetryStrategy, DEFAULT_RETRY_POLICY, type RetryPolicy } from './s3-retry';
import { StoreCounters } from './store-stats';

/** Attempts per request (first try included) unless the caller says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 8;
/** Sockets kept per host: the job reads with ~64 requests in flight. */
export const DEFAULT_MAX_SOCKETS = 64;
/** Longest wait for a TCP (and TLS) connection. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
/**
 * Longest time a socket may sit idle (no byte sent or received) during a request, including while a
 * response body streams: a stalled connection fails and is retried, but a long price-file download
 * that keeps moving is never cut.
 */
export const DEFAULT_SOCKET_TIMEOUT_MS = 30_000;
/**
 * Longest time from sending a request until its response headers arrive (uploads included: a 5 MiB
 * part or a Parquet file must go up within it). The body that follows is bounded by the idle timeout.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
export { DEFAULT_REGION };

/** How to build the S3 client; everything defaults to the standard AWS environment. */
export interface S3ClientOptions {
  /** Environment to read AWS_* settings from (tests pass their own); defaults to `process.env`. */
  env?: Env;
  /** Region; defaults to AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
  region?: string;
  /** Endpoint override (an S3-compatible server); defaults to AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Static credentials; defaults to the SDK's default credential chain. */
  credentials?: S3ClientConfig['credentials'];
  /** Attempts per request, first try included (default AWS_MAX_ATTEMPTS, else 8). */
  maxAttempts?: number;
  /**
   * Retry policy (backoff bases, run budget); default DEFAULT_RETRY_POLICY with the environment's
   * CDR_S3_RETRY_BUDGET as the budget floor. `maxAttempts` above wins over `retry.maxAttempts`.
   */
  retry?: Partial<RetryPolicy>;
  /** Sockets kept open per host (default 64). */
  maxSockets?: number;
  /** Connection timeout in ms (default CDR_S3_CONNECTION_TIMEOUT_MS, else 10 s). */
  connectionTimeoutMs?: number;
  /** Socket idle timeout in ms (default CDR_S3_SOCKET_TIMEOUT_MS, else 30 s). */
  socketTimeoutMs?: number;
  /** Time to response headers in ms (default CDR_S3_REQUEST_TIMEOUT_MS, else 120 s). */
  requestTimeoutMs?: number;
  /** Counters the client's retry strategy updates (default: new ones, see `s3ClientCounters`). */
  counters?: StoreCounters;
}

function positiveEnv(env: Env, name: string): number | undefined {
  return new EnvReader(env).positiveNumber(name);
}

/** The retry policy in effect for these options (see `BudgetedRetryStrategy`). */
export function retryPolicy(options: S3ClientOptions = {}): RetryPolicy {
  const env = options.env ?? process.env;
  return {
    ...DEFAULT_RETRY_POLICY,
    budgetBase: positiveEnv(env, 'CDR_S3_RETRY_BUDGET') ?? DEFAULT_RETRY_POLICY.budgetBase,
    ...options.retry,
    maxAttempts:
      options.maxAttempts ?? options.retry?.maxAttempts ?? positiveEnv(env, 'AWS_MAX_ATTEMPTS') ?? DEFAULT_MAX_ATTEMPTS,
  };
}

/**
 * The endpoint override in effect for S3, if any: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL,
 * unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true — the same precedence the SDK applies.
 */
export function endpointOverride(env: Env = process.env): string | undefined {
  const read = new EnvReader(env);
  if (read.text('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS')?.toLowerCase() === 'true') return undefined;
  return read.text('AWS_ENDPOINT_URL_S3') ?? read.text('AWS_ENDPOINT_URL');
}

/**
 * The S3 client configuration `createS3Client` uses. The endpoint is resolved here (from the
 * environment variables only; a shared-config `endpoint_url` is not used) rather than left to the
 * SDK, because an S3-compatible server (s3rver in tests, MinIO, …) needs path-style addressing and
 * checksums only when required — settings that must never apply to real S3.
 */
export function s3ClientConfig(options: S3ClientOptions = {}): S3ClientConfig {
  const env = options.env ?? process.env;
  const transport = s3TransportSettings(options);
  const maxSockets = transport.maxSockets;
  const endpoint = options.endpoint ?? endpointOverride(env);
  const policy = retryPolicy(options);
  const config: S3ClientConfig = {
    region: options.region ?? awsRegion(env),
    maxAttempts: policy.maxAttempts,
    // Our own strategy: retries on every kind of transient failure, counted by kind, within a run budget.
    retryStrategy: new BudgetedRetryStrategy(policy, options.counters ?? new StoreCounters()),
    followRegionRedirects: true,
    // Resolve each command's middleware stack once instead of on every request: a large share of the
    // per-request CPU when reading millions of tiny objects. (Middleware must be added before the
    // first request, and `send` must be called without per-call options to benefit.)
    cacheMiddleware: true,
    // The endpoint decided above is the only one: the SDK must not pick up AWS_ENDPOINT_URL* (or a
    // profile's endpoint_url) on its own, or it would talk to a custom server without the settings below.
    ignoreConfiguredEndpointUrls: true,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
      connectionTimeout: transport.connectionTimeoutMs,
      socketTimeout: transport.socketTimeoutMs,
      requestTimeout: transport.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
  };
  if (options.credentials) config.credentials = options.credentials;
  if (endpoint) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  return config;
}

const strategyOf = new WeakMap<S3Client, BudgetedRetryStrategy>();

/** The connection settings of a client, for a transport of our own beside the SDK's (see s3-fast-get.ts). */
export interface S3TransportSettings {
  readonly maxSockets: number;
  readonly connectionTimeoutMs: number;
  readonly socketTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

const transportOf = new WeakMap<S3Client, S3TransportSettings>();

/** The connection settings in effect for these options (the same the SDK's request handler gets). */
export function s3TransportSettings(options: S3ClientOptions = {}): S3TransportSettings {
  const env = options.env ?? process.env;
  return {
    maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
    connectionTimeoutMs:
      options.connectionTimeoutMs ?? positiveEnv(env, 'CDR_S3_CONNECTION_TIMEOUT_MS') ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    socketTimeoutMs:
      options.socketTimeoutMs ?? positiveEnv(env, 'CDR_S3_SOCKET_TIMEOUT_MS') ?? DEFAULT_SOCKET_TIMEOUT_MS,
    requestTimeoutMs:
      options.requestTimeoutMs ?? positiveEnv(env, 'CDR_S3_REQUEST_TIMEOUT_MS') ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
}

/** Creates an S3 client from the standard AWS environment (see `s3ClientConfig`). */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const config = s3ClientConfig(options);
  const client = new S3Client(config);
  strategyOf.set(client, config.retryStrategy as BudgetedRetryStrategy);
  transportOf.set(client, s3TransportSettings(options));
  return client;
}

/** The connection settings of a client made by `createS3Client` (else the defaults from the environment). */
export function s3ClientTransport(client: S3Client): S3TransportSettings {
  return transportOf.get(client) ?? s3TransportSettings();
}

/**
 * The retry strategy (and through it the counters: requests, retries by kind) of a client made by
 * `createS3Client`, for the retries the SDK cannot make itself (a body cut off mid-stream).
 */
export function s3ClientRetryStrategy(client: S3Client): BudgetedRetryStrategy | undefined {
  return strategyOf.get(client);
}
