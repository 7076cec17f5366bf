import type { RetryErrorInfo } from '@smithy/types';
import { expect } from 'chai';
import { S3Store } from '../../../job/store/s3';
import { createS3Client, retryPolicy, s3ClientConfig } from '../../../job/store/s3-client';
import { BudgetedRetryStrategy, backoffDelay, DEFAULT_RETRY_POLICY, retryKind } from '../../../job/store/s3-retry';
import { StoreCounters } from '../../../job/store/store-stats';
import { startFaultProxy } from '../../support/fault-proxy';
import { S3RVER_CREDENTIALS, type S3rver, startS3rver } from '../../support/s3rver';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $metadata: status === undefined ? {} : { httpStatusCode: status }, ...extra });

describe('S3 retry policy', () => {
  it('classifies failures by kind; final errors are not retried', () => {
    const cases: [unknown, string | undefined][] = [
      [sdkError('SlowDown', 503), 'throttle'],
      [sdkError('TooManyRequestsException', 429), 'throttle'],
      [sdkError('Unknown', 429), 'throttle'],
      [sdkError('InternalError', 500), 'server'],
      [sdkError('ServiceUnavailable', 503), 'server'],
      [sdkError('BadGateway', 502), 'server'],
      [sdkError('RequestTimeout', 400), 'timeout'],
      [sdkError('TimeoutError'), 'timeout'],
      [Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), 'timeout'],
      [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'network'],
      // How the SDK's HTTP handler hands a reset connection over: named TimeoutError, code ECONNRESET.
      [Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }), 'network'],
      [Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), 'network'],
      [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'network'],
      [new Error('aborted'), 'network'],
      [new Error('wrapper', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }), 'network'],
      [sdkError('AccessDenied', 403), undefined],
      [sdkError('NoSuchKey', 404), undefined],
      [sdkError('NoSuchBucket', 404), undefined],
      [sdkError('PreconditionFailed', 412), undefined],
      [sdkError('NotImplemented', 501), undefined],
      [sdkError('AbortError'), undefined],
      [new Error('something else'), undefined],
    ];
    for (const [error, kind] of cases) expect(retryKind(error), (error as Error).message).to.equal(kind);
  });

  it('backs off with full jitter, longer for throttling, capped', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(backoffDelay(p, 'throttle', 0, () => 0.999)).to.equal(499);
    expect(backoffDelay(p, 'network', 0, () => 0.999)).to.equal(99);
    expect(backoffDelay(p, 'server', 3, () => 0.5)).to.equal(400);
    expect(backoffDelay(p, 'throttle', 20, () => 0.999)).to.equal(19_980);
    expect(backoffDelay(p, 'throttle', 2, () => 0)).to.equal(0);
  });

  it('retries within maxAttempts and a run budget that grows with the requests made', async () => {
    const counters = new StoreCounters();
    const strategy = new BudgetedRetryStrategy(
      { ...DEFAULT_RETRY_POLICY, budgetBase: 2, budgetPerRequest: 1 },
      counters,
    );
    const slowDown = { error: sdkError('SlowDown', 503), errorType: 'THROTTLING' } as RetryErrorInfo;
    let token = await strategy.acquireInitialRetryToken(); // 1 request: budget 2 + 1 = 3 retries
    for (let i = 0; i < 3; i++) token = await strategy.refreshRetryTokenForRetry(token, slowDown);
    expect(token.getRetryCount()).to.equal(3);
    expect(token.getRetryDelay()).to.be.within(0, 500 * 2 ** 2);
    const refused = await strategy.refreshRetryTokenForRetry(token, slowDown).catch((e: unknown) => e);
    expect(refused, 'the original error comes back').to.equal(slowDown.error);
    expect(counters.budgetExhausted).to.equal(1);
    await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), slowDown); // budget 4
    expect(counters.snapshot()).to.deep.include({ requests: 2 });
    expect(counters.snapshot().retries).to.deep.equal({ throttle: 4, server: 0, network: 0, timeout: 0 });

    const wide = new BudgetedRetryStrategy(DEFAULT_RETRY_POLICY, new StoreCounters());
    const serverError = { error: sdkError('InternalError', 500), errorType: 'TRANSIENT' } as RetryErrorInfo;
    let t = await wide.acquireInitialRetryToken();
    for (let i = 0; i < 7; i++) t = await wide.refreshRetryTokenForRetry(t, serverError);
    // 8 attempts made: no ninth.
    expect(await wide.refreshRetryTokenForRetry(t, serverError).catch(() => 'refused')).to.equal('refused');
    const denied = { error: sdkError('AccessDenied', 403), errorType: 'CLIENT_ERROR' } as RetryErrorInfo;
    const final = await wide
      .refreshRetryTokenForRetry(await wide.acquireInitialRetryToken(), denied)
      .catch(() => 'refused');
    expect(final, 'a final error is never retried').to.equal('refused');
  });

  it('timeouts: connection 10 s, idle socket 30 s (long downloads that keep moving are never cut), 120 s to the response; overridable', () => {
    const handler = s3ClientConfig({ env: {} }).requestHandler as unknown as { configProvider: Promise<unknown> };
    return handler.configProvider.then((config) => {
      expect(config).to.include({
        connectionTimeout: 10_000,
        socketTimeout: 30_000,
        requestTimeout: 120_000,
        throwOnRequestTimeout: true,
      });
      expect(retryPolicy({ env: { AWS_MAX_ATTEMPTS: '3', CDR_S3_RETRY_BUDGET: '50' } })).to.include({
        maxAttempts: 3,
        budgetBase: 50,
      });
    });
  });

  describe('against s3rver behind the fault proxy', function () {
    this.timeout(60_000);
    let server: S3rver;

    before(async () => {
      server = await startS3rver();
      await server.createBucket('retry-bucket');
    });

    after(async () => {
      await server?.stop();
    });

    it('a request that gets no answer times out (idle socket) and is retried, counted as a timeout', async () => {
      const proxy = await startFaultProxy({
        target: server.endpoint,
        seed: 5,
        stall: 0.15,
        slowDown: 0.2,
        maxFaults: 10,
      });
      const client = createS3Client({
        endpoint: proxy.endpoint,
        region: 'us-east-1',
        credentials: S3RVER_CREDENTIALS,
        socketTimeoutMs: 600,
        retry: { baseMs: 1, throttleBaseMs: 1 },
      });
      const store = await S3Store.open('retry-bucket', '', { client });
      try {
        for (let i = 0; i < 12; i++) await store.write(`k/${i}`, `value ${i}`);
        for (let i = 0; i < 12; i++) expect((await store.read(`k/${i}`)).toString()).to.equal(`value ${i}`);
        const keys: string[] = [];
        for await (const entry of store.listAll('k/')) keys.push(entry.key);
        expect(keys).to.have.length(12);
        const stats = store.stats();
        expect(proxy.counts.stalls).to.be.greaterThan(0);
        // (≥: on a loaded machine a slow answer can time out too.)
        expect(stats.retries.timeout).to.be.at.least(proxy.counts.stalls);
        expect(stats.retries.throttle).to.equal(proxy.counts.slowDowns);
        expect(stats.bytesOut).to.equal(10 * 7 + 2 * 8);
        expect(stats.bytesIn).to.equal(10 * 7 + 2 * 8);
      } finally {
        await store.close();
        client.destroy();
        await proxy.stop();
      }
    });
  });
});
