import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Attempts per request (first try included) unless the caller says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 8;
/** Sockets kept per host: the job reads with ~64 requests in flight. */
export const DEFAULT_MAX_SOCKETS = 64;
/** Region used when neither the options nor AWS_REGION/AWS_DEFAULT_REGION name one. */
export const DEFAULT_REGION = 'us-east-1';

/** How to build the S3 client; everything defaults to the standard AWS environment. */
export interface S3ClientOptions {
  /** Environment to read AWS_* settings from (tests pass their own); defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Region; defaults to AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
  region?: string;
  /** Endpoint override (an S3-compatible server); defaults to AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Static credentials; defaults to the SDK's default credential chain. */
  credentials?: S3ClientConfig['credentials'];
  /** Attempts per request, first try included (default 8). */
  maxAttempts?: number;
  /** SDK retry strategy (default `standard`). */
  retryMode?: 'standard' | 'adaptive';
  /** Sockets kept open per host (default 64). */
  maxSockets?: number;
}

/**
 * The endpoint override in effect for S3, if any: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL,
 * unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true — the same precedence the SDK applies.
 */
export function endpointOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  const url = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return url ? url : undefined;
}

/**
 * The S3 client configuration `createS3Client` uses. The endpoint is resolved here (from the
 * environment variables only; a shared-config `endpoint_url` is not used) rather than left to the
 * SDK, because an S3-compatible server (s3rver in tests, MinIO, …) needs path-style addressing and
 * checksums only when required — settings that must never apply to real S3.
 */
export function s3ClientConfig(options: S3ClientOptions = {}): S3ClientConfig {
  const env = options.env ?? process.env;
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  const endpoint = options.endpoint ?? endpointOverride(env);
  const config: S3ClientConfig = {
    region: options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: options.retryMode ?? 'standard',
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
      connectionTimeout: 10_000,
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

/** Creates an S3 client from the standard AWS environment (see `s3ClientConfig`). */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  return new S3Client(s3ClientConfig(options));
}
