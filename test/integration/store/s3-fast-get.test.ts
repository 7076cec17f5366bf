import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@smithy/types';
import { expect } from 'chai';
import { S3Store } from '../../../job/store/s3';
import { createS3Client } from '../../../job/store/s3-client';
import { resolveBucketEndpoint } from '../../../job/store/s3-fast-get';
import { generateArgs, runCli } from '../../support/cli';
import { type S3rver, startS3rver } from '../../support/s3rver';
import { type KnownKey, type SigV4CheckProxy, startSigV4CheckProxy } from '../../support/sigv4-check-proxy';

const BUCKET = 'fast-bucket';
const CAP = 64 * 1024;

/** Keys with every kind of character S3 allows (and s3rver can store as a file name). */
const ODD_KEYS = [
  'plain/key',
  'space in the key/and a folder',
  'plus+sign/equals=amp&question?hash#',
  "quote'(paren)*star!",
  'tilde~dot.dash-under_score',
  'unicode/é中文😀',
  'percent%20literal%2F',
  'semi;colon:at@dollar$comma,',
  'caret^back`tick{brace}[bracket]',
  'Amazon-Chime-Voice-Connector-CDRs/json/abcdef1ghij2klmno3pqr4/2025/02/28/10.00.00.000_0a1b2c3d-4e5f',
];

function bodyOf(key: string): Buffer {
  return Buffer.from(`{"key":${JSON.stringify(key)},"pad":"${'x'.repeat(key.length * 7)}"}`);
}

describe('S3 fast GET (undici, own SigV4) against s3rver behind a SigV4-checking proxy', function () {
  this.timeout(120_000);
  let server: S3rver;
  const proxies: SigV4CheckProxy[] = [];

  before(async () => {
    server = await startS3rver();
    await server.createBucket(BUCKET);
    for (const key of ODD_KEYS) {
      await server.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bodyOf(key) }));
    }
    await server.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'big', Body: Buffer.alloc(3 * CAP, 'b') }));
    await server.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: Buffer.alloc(0) }));
  });

  after(async () => {
    for (const proxy of proxies) await proxy.stop();
    await server?.stop();
  });

  async function proxy(options: Omit<Parameters<typeof startSigV4CheckProxy>[0], 'target'>): Promise<SigV4CheckProxy> {
    const started = await startSigV4CheckProxy({ target: server.endpoint, ...options });
    proxies.push(started);
    return started;
  }

  const STATIC: AwsCredentialIdentity = { accessKeyId: 'AKIDFASTGET', secretAccessKey: 'se/cret+key=with chars' };

  it('signs every GET so that @smithy/signature-v4 verifies it, for keys with any characters; exact bytes', async () => {
    const checker = await proxy({ keys: (id) => (id === STATIC.accessKeyId ? STATIC : undefined) });
    const client = createS3Client({ endpoint: checker.endpoint, region: 'us-east-1', credentials: STATIC });
    const store = await S3Store.open(BUCKET, '', { client, fastGet: true });
    try {
      for (const key of ODD_KEYS) {
        const body = await store.readCapped(key, CAP);
        expect(body?.equals(bodyOf(key)), key).to.equal(true);
      }
      // The SDK's own requests pass the same check: the checker agrees with the SDK's signer too.
      await store.write('written/by the SDK', 'sdk');
      expect((await store.read('written/by the SDK')).toString()).to.equal('sdk');
      expect(checker.counts.refused).to.deep.equal([]);
      expect(checker.counts.byMethod.get('GET')).to.equal(ODD_KEYS.length + 1);
      expect(store.readPath()).to.equal('fast-get');
      expect(store.stats().requests).to.equal(ODD_KEYS.length + 2);
      expect(store.stats().bytesIn).to.equal(ODD_KEYS.reduce((n, key) => n + bodyOf(key).length, 0) + 3);
    } finally {
      await store.close();
      client.destroy();
    }
  });

  it('a wrong secret is refused (403 SignatureDoesNotMatch, not retried) and named in the failure', async () => {
    const checker = await proxy({ keys: (id) => (id === STATIC.accessKeyId ? STATIC : undefined) });
    const client = createS3Client({
      endpoint: checker.endpoint,
      region: 'us-east-1',
      credentials: { ...STATIC, secretAccessKey: 'not the secret' },
    });
    const store = await S3Store.open(BUCKET, '', { client, fastGet: true });
    try {
      const failure = await store.readCapped('plain/key', CAP).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).to.match(
        /^cannot read s3:\/\/fast-bucket\/plain\/key \(1 attempts\): SignatureDoesNotMatch/,
      );
      expect(checker.counts.refused).to.have.length(1);
      expect(store.stats().retries).to.deep.equal({ throttle: 0, server: 0, network: 0, timeout: 0 });
    } finally {
      await store.close();
      client.destroy();
    }
  });

  it('uses session tokens and refreshes expiring credentials from the provider before they run out', async () => {
    // Temporary credentials as STS issues them: a new key, secret and token each time. Time is
    // compressed: the SDK (and the fast path) fetch again when less than 5 min remain, so credentials
    // that "expire" 5 min + LIFETIME after issue are due for refresh after LIFETIME; the checker
    // refuses each set GRACE after that. A path that kept its first credentials fails the reads.
    const LIFETIME = 150;
    const GRACE = 400;
    const issued = new Map<string, KnownKey>();
    let calls = 0;
    const provider = async (): Promise<AwsCredentialIdentity> => {
      calls++;
      const now = Date.now();
      const key = {
        secretAccessKey: `secret-${calls}`,
        sessionToken: `token-${calls}`,
        expiresAt: now + LIFETIME + GRACE,
      };
      issued.set(`ASIATEMP${calls}`, key);
      return { accessKeyId: `ASIATEMP${calls}`, ...key, expiration: new Date(now + 300_000 + LIFETIME) };
    };
    const checker = await proxy({ keys: (id) => issued.get(id) });
    const client = createS3Client({ endpoint: checker.endpoint, region: 'us-east-1', credentials: provider });
    const store = await S3Store.open(BUCKET, '', { client, fastGet: true });
    try {
      const until = Date.now() + 6 * LIFETIME;
      let reads = 0;
      while (Date.now() < until) {
        const key = ODD_KEYS[reads % ODD_KEYS.length] as string;
        expect((await store.readCapped(key, CAP))?.equals(bodyOf(key)), key).to.equal(true);
        reads++;
      }
      expect(checker.counts.refused).to.deep.equal([]);
      expect(calls, 'credentials fetched again as they ran out').to.be.at.least(4);
      expect(checker.counts.byAccessKey.size, 'GETs signed with the refreshed keys').to.be.at.least(4);
      expect(store.readPath()).to.equal('fast-get');
    } finally {
      await store.close();
      client.destroy();
    }
  });

  it('a spawned run takes credentials from the default chain (container endpoint) and refreshes them as they expire', async () => {
    // The ECS/Batch container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI), serving
    // temporary credentials that are due for refresh LIFETIME ms after issue (see the test above).
    const LIFETIME = 150;
    const GRACE = 600;
    const issued = new Map<string, KnownKey>();
    const endpoint = http.createServer((req, res) => {
      req.resume();
      const now = Date.now();
      const n = issued.size + 1;
      issued.set(`ASIACONTAINER${n}`, {
        secretAccessKey: `container-secret-${n}`,
        sessionToken: `container-token-${n}`,
        expiresAt: now + LIFETIME + GRACE,
      });
      const body = JSON.stringify({
        AccessKeyId: `ASIACONTAINER${n}`,
        SecretAccessKey: `container-secret-${n}`,
        Token: `container-token-${n}`,
        Expiration: new Date(now + 300_000 + LIFETIME).toISOString(),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const checker = await proxy({ keys: (id) => issued.get(id) });
    const dest = await mkdtemp(path.join(tmpdir(), 'cdr-fast-get-creds-'));
    try {
      await server.createBucket('creds-bucket');
      const generated = await runCli(
        generateArgs({ out: 's3://creds-bucket', calls: 1500, days: 2, end: '2025-03-04' }),
        server.env,
      );
      expect(generated.code, generated.stderr).to.equal(0);
      const result = await runCli(
        [
          'run',
          '--source',
          's3://creds-bucket',
          '--dest',
          dest,
          '--prices',
          's3://creds-bucket/prices/AmazonChimeVoiceConnector-offer.json',
          '--frequency',
          'Daily',
          '--end',
          '2025-03-04',
          '--workers',
          '0',
        ],
        {
          AWS_ENDPOINT_URL_S3: checker.endpoint,
          AWS_REGION: 'us-east-1',
          // Nothing but the container endpoint: no keys in the environment, no profile files.
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          AWS_SESSION_TOKEN: '',
          AWS_PROFILE: '',
          AWS_CONFIG_FILE: path.join(dest, 'no-config'),
          AWS_SHARED_CREDENTIALS_FILE: path.join(dest, 'no-credentials'),
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/creds`,
          CDR_S3_FAST_GET: '1',
        },
      );
      expect(result.code, result.stderr).to.equal(0);
      expect(checker.counts.refused).to.deep.equal([]);
      expect(
        checker.counts.byMethod.get('GET'),
        'the CDRs (and the price file) read through the checker',
      ).to.be.at.least(700);
      expect(issued.size, 'credentials fetched again as they ran out').to.be.at.least(2);
      expect(checker.counts.byAccessKey.size, 'requests signed with the refreshed keys').to.be.at.least(2);
    } finally {
      endpoint.closeAllConnections();
      await new Promise<void>((resolve) => endpoint.close(() => resolve()));
      await rm(dest, { recursive: true, force: true });
    }
  });

  it('hands a bucket of another region to the SDK, which follows the redirect; reads stay exact', async () => {
    const checker = await proxy({
      keys: (id) => (id === STATIC.accessKeyId ? STATIC : undefined),
      bucketRegion: 'eu-west-1',
    });
    const client = createS3Client({ endpoint: checker.endpoint, region: 'us-east-1', credentials: STATIC });
    const store = await S3Store.open(BUCKET, '', { client, fastGet: true });
    try {
      expect((await store.readCapped('plain/key', CAP))?.equals(bodyOf('plain/key'))).to.equal(true);
      expect(checker.counts.redirected, 'the fast GET, then the SDK once').to.be.at.least(1);
      expect(store.readPath()).to.equal('sdk');
      expect((await store.readCapped('unicode/é中文😀', CAP))?.equals(bodyOf('unicode/é中文😀'))).to.equal(true);
      expect(checker.counts.refused).to.deep.equal([]);
    } finally {
      await store.close();
      client.destroy();
    }
  });

  it('never keeps more than the cap from a server that ignores Range (200 with the whole object)', async () => {
    const checker = await proxy({ keys: (id) => (id === STATIC.accessKeyId ? STATIC : undefined), ignoreRange: true });
    const client = createS3Client({ endpoint: checker.endpoint, region: 'us-east-1', credentials: STATIC });
    const store = await S3Store.open(BUCKET, '', { client, fastGet: true });
    try {
      expect(await store.readCapped('big', CAP)).to.equal(undefined);
      expect(await store.readCapped('big', 3 * CAP - 1)).to.equal(undefined);
      expect((await store.readCapped('big', 3 * CAP))?.length).to.equal(3 * CAP);
      expect((await store.readCapped('empty', CAP))?.length).to.equal(0);
      expect((await store.readCapped('plain/key', CAP))?.equals(bodyOf('plain/key'))).to.equal(true);
      expect(store.stats().bytesIn, 'bytes kept: only the objects within the cap').to.equal(
        3 * CAP + bodyOf('plain/key').length,
      );
      expect(store.readPath()).to.equal('fast-get');
    } finally {
      await store.close();
      client.destroy();
    }
  });

  it('a ranged GET of an object over the cap is dropped as soon as Content-Range gives its size', async () => {
    // A server that sends headers and then nothing more: only the size in Content-Range can end the read.
    const silent = http.createServer((_req, res) => {
      res.writeHead(206, { 'content-range': `bytes 0-${CAP}/${10 * CAP}`, 'content-length': String(CAP + 1) });
      res.flushHeaders();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const client = createS3Client({ endpoint, region: 'us-east-1', credentials: STATIC, socketTimeoutMs: 20_000 });
    const store = await S3Store.open(BUCKET, '', { client, fastGet: true });
    try {
      const started = Date.now();
      expect(await store.readCapped('huge', CAP)).to.equal(undefined);
      expect(Date.now() - started).to.be.below(10_000);
      expect(store.stats().bytesIn).to.equal(0);
    } finally {
      await store.close();
      client.destroy();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('honours a Retry-After hint on 503 SlowDown, counted as a throttle retry, then reads the object', async () => {
    let requests = 0;
    const slow = http.createServer((req, res) => {
      requests++;
      req.resume();
      if (requests === 1) {
        const body = '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
        res.writeHead(503, { 'retry-after': '1', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      res.writeHead(206, { 'content-range': 'bytes 0-1/2', 'content-length': '2' });
      res.end('ok');
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const client = createS3Client({
      endpoint,
      region: 'us-east-1',
      credentials: STATIC,
      retry: { baseMs: 1, throttleBaseMs: 1 },
    });
    const store = await S3Store.open(BUCKET, '', { client, fastGet: true });
    try {
      const started = Date.now();
      expect((await store.readCapped('k', CAP))?.toString()).to.equal('ok');
      expect(Date.now() - started, 'waited for the hint, not the 1 ms backoff').to.be.at.least(900);
      expect(store.stats().retries.throttle).to.equal(1);
      expect(store.stats().requests).to.equal(1);
    } finally {
      await store.close();
      client.destroy();
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  describe('endpoints: the ones the SDK resolves for GetObject', () => {
    it('real S3: virtual-hosted style in the configured region; path style for a bucket name with dots', async () => {
      const client = createS3Client({ region: 'eu-west-1', env: {}, credentials: STATIC });
      try {
        expect(await resolveBucketEndpoint(client, 'my-bucket')).to.deep.equal({
          origin: 'https://my-bucket.s3.eu-west-1.amazonaws.com',
          pathPrefix: '/',
          host: 'my-bucket.s3.eu-west-1.amazonaws.com',
          signingRegion: 'eu-west-1',
          signingName: 's3',
        });
        expect(await resolveBucketEndpoint(client, 'my.dotted.bucket')).to.include({
          origin: 'https://s3.eu-west-1.amazonaws.com',
          pathPrefix: '/my.dotted.bucket/',
          signingRegion: 'eu-west-1',
        });
      } finally {
        client.destroy();
      }
    });

    it('a custom endpoint (AWS_ENDPOINT_URL_S3): path style, its port in the Host header', async () => {
      const client = createS3Client({
        env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_REGION: 'ap-southeast-2' },
        credentials: STATIC,
      });
      try {
        expect(await resolveBucketEndpoint(client, 'cdrs')).to.deep.equal({
          origin: 'http://127.0.0.1:9000',
          pathPrefix: '/cdrs/',
          host: '127.0.0.1:9000',
          signingRegion: 'ap-southeast-2',
          signingName: 's3',
        });
      } finally {
        client.destroy();
      }
    });
  });
});
