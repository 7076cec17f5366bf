import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import type { RetryKind, StoreCounters } from './store-stats';

export type { RetryKind };

/** How S3 requests are retried (see `BudgetedRetryStrategy`). */
export interface RetryPolicy {
  /** Attempts per request, first try included. */
  readonly maxAttempts: number;
  /** Retries every run may make whatever happens (the budget's floor). */
  readonly budgetBase: number;
  /** Extra retries earned per request made: the budget grows with the run (0.25 = one retry per 4 requests). */
  readonly budgetPerRequest: number;
  /** Backoff base for throttling (503 SlowDown, 429): full jitter over base × 2^retry. */
  readonly throttleBaseMs: number;
  /** Backoff base for other transient errors. */
  readonly baseMs: number;
  /** Longest single wait. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  budgetBase: 1000,
  budgetPerRequest: 0.25,
  throttleBaseMs: 500,
  baseMs: 100,
  maxDelayMs: 20_000,
};

const THROTTLING_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'ProvisionedThroughputExceededException',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  // undici (the fast GET path): no connection, no response headers, or a body that stopped moving, in time.
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  // undici: the connection closed before the announced Content-Length arrived.
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
const NETWORK_MESSAGES = /socket hang up|aborted|premature close|truncated read|other side closed|ECONNRESET/i;

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Whether (and why) an S3 failure is worth retrying: throttling (503 SlowDown, 429), server errors
 * (500, 502, 504), dropped or refused connections, timeouts. Anything else (403, 404, a bad request)
 * is final. Looks through `cause` chains.
 */
export function retryKind(error: unknown, depth = 0): RetryKind | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const e = error as ErrorLike;
  if (e.name === 'AbortError') return undefined;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || THROTTLING_CODES.has(e.name ?? '') || THROTTLING_CODES.has(e.Code ?? '')) return 'throttle';
  // The code first: the SDK's HTTP handler names a reset connection (ECONNRESET, EPIPE) "TimeoutError".
  if (NETWORK_CODES.has(e.code ?? '')) return 'network';
  if (TIMEOUT_NAMES.has(e.name ?? '') || TIMEOUT_NAMES.has(e.Code ?? '') || TIMEOUT_CODES.has(e.code ?? ''))
    return 'timeout';
  if (status !== undefined && status >= 500 && status <= 599 && status !== 501) return 'server';
  if (e.name === 'InternalError' || e.Code === 'InternalError') return 'server';
  // A response cut off mid-body before the SDK saw a status (no $metadata status): a dropped connection.
  if (status === undefined && NETWORK_MESSAGES.test(e.message ?? '')) return 'network';
  return e.cause === undefined ? undefined : retryKind(e.cause, depth + 1);
}

/** Full-jitter exponential backoff: uniform in [0, min(max, base × 2^retry)). */
export function backoffDelay(policy: RetryPolicy, kind: RetryKind, retry: number, random = Math.random): number {
  const base = kind === 'throttle' ? policy.throttleBaseMs : policy.baseMs;
  return Math.floor(random() * Math.min(policy.maxDelayMs, base * 2 ** retry));
}

class Token implements StandardRetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
  getRetryCost(): number | undefined {
    return undefined;
  }
}

/**
 * The S3 client's retry strategy: every request (list, get, put, multipart part, delete) is retried
 * on throttling, server errors, dropped connections and timeouts, with full-jitter exponential
 * backoff (longer for throttling, honouring a Retry-After hint), at most `maxAttempts` tries, within
 * a budget for the whole run: `budgetBase + budgetPerRequest × requests` retries. The budget keeps a
 * dead endpoint from being hammered for hours while letting a throttled prefix be retried as often
 * as it takes. Retries are counted by kind in `counters`.
 */
export class BudgetedRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';

  constructor(
    readonly policy: RetryPolicy,
    readonly counters: StoreCounters,
  ) {}

  /** Takes one retry of `kind` from the budget; false when it is spent. */
  allow(kind: RetryKind): boolean {
    const budget = this.policy.budgetBase + this.policy.budgetPerRequest * this.counters.requests;
    if (this.counters.retriesTotal >= budget) {
      this.counters.budgetExhausted++;
      return false;
    }
    this.counters.retry(kind);
    return true;
  }

  async acquireInitialRetryToken(): Promise<StandardRetryToken> {
    this.counters.request();
    return new Token(0, 0);
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, info: RetryErrorInfo): Promise<StandardRetryToken> {
    const kind = retryKind(info.error) ?? (info.errorType === 'THROTTLING' ? 'throttle' : undefined);
    const count = token.getRetryCount();
    if (kind === undefined || count + 1 >= this.policy.maxAttempts || !this.allow(kind)) {
      throw info.error ?? new Error('not retried');
    }
    let delay = backoffDelay(this.policy, kind, count);
    if (info.retryAfterHint instanceof Date) {
      const hinted = info.retryAfterHint.getTime() - Date.now();
      delay = Math.max(delay, Math.min(hinted, this.policy.maxDelayMs));
    }
    return new Token(count + 1, delay);
  }

  recordSuccess(): void {}
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
