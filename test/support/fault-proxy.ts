import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** What the proxy does to requests on their way to the real (local) S3 server. */
export interface FaultProxyOptions {
  /** The S3 server behind the proxy: `http://127.0.0.1:<port>` (loopback only). */
  readonly target: string;
  /** PRNG seed (default 1): the same seed gives the same sequence of decisions. */
  readonly seed?: number;
  /** Share of all requests answered `503 SlowDown` (with S3's XML error body) without reaching the server. */
  readonly slowDown?: number;
  /** Share of GET requests whose connection is closed: before any response, or midway through the body. */
  readonly dropGet?: number;
  /** Of the dropped GETs, the share cut midway through the body (default 0.5); the rest get no response. */
  readonly dropMidBody?: number;
  /** Share of requests that get no answer at all (the connection stays open, idle): exercises timeouts. */
  readonly stall?: number;
  /** Added latency per request, uniform in [min, max] ms (default none). */
  readonly latencyMs?: readonly [number, number];
  /** GETs whose URL matches are always closed before a response (an object that can never be read). */
  readonly unreadable?: RegExp;
  /**
   * PUT and POST requests (PutObject, UploadPart, CompleteMultipartUpload…) whose decoded URL matches
   * are answered `403 AccessDenied` (final: never retried), after `rejectWritesDelayMs` (default 0),
   * until `calm()`.
   */
  readonly rejectWrites?: RegExp;
  readonly rejectWritesDelayMs?: number;
  /** At most this many faults in total (default unlimited): keeps a test's worst case bounded. */
  readonly maxFaults?: number;
  /**
   * s3rver ignores `If-None-Match: *` on PUT and `If-Match` on DELETE. With a client for the server,
   * the proxy emulates both (a HeadObject, serialized per key), so the S3 lease path can be tested.
   */
  readonly conditionalWrites?: { readonly client: S3Client };
}

/** What the proxy did. */
export interface FaultCounts {
  requests: number;
  slowDowns: number;
  dropsBeforeResponse: number;
  dropsMidBody: number;
  stalls: number;
  preconditionFailed: number;
  writesRejected: number;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly counts: FaultCounts;
  /** Stops injecting faults (the proxy keeps forwarding). */
  calm(): void;
  stop(): Promise<void>;
}

/** mulberry32: a small, fast, seedable PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function s3ErrorXml(code: string, message: string, resource: string): string {
  const id = randomBytes(8).toString('hex').toUpperCase();
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
    `<Resource>${resource.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Resource><RequestId>${id}</RequestId>` +
    `<HostId>${randomBytes(24).toString('base64')}</HostId></Error>`
  );
}

function sendError(req: http.IncomingMessage, res: http.ServerResponse, status: number, code: string, message: string) {
  const body = req.method === 'HEAD' ? '' : s3ErrorXml(code, message, req.url ?? '/');
  res.writeHead(status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
  });
  res.end(body);
}

/** Splits a path-style URL into bucket and key. */
function bucketAndKey(url: string): { bucket: string; key: string } | undefined {
  const pathname = url.split('?')[0] ?? '';
  const match = /^\/([^/]+)\/(.+)$/.exec(pathname);
  if (!match) return undefined;
  return { bucket: decodeURIComponent(match[1] as string), key: decodeURIComponent(match[2] as string) };
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of a local S3 server that injects S3's real failure
 * modes: `503 SlowDown` answers, GET connections closed before the response or midway through the
 * body, and latency, decided by a seeded PRNG. Point a client at it with AWS_ENDPOINT_URL_S3
 * (path-style); SigV4 signatures stay valid because the Host header is forwarded unchanged.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  if (!isLoopback(options.target)) throw new Error('the fault proxy only forwards to a loopback server');
  const target = new URL(options.target);
  const random = seededRandom(options.seed ?? 1);
  const counts: FaultCounts = {
    requests: 0,
    slowDowns: 0,
    dropsBeforeResponse: 0,
    dropsMidBody: 0,
    stalls: 0,
    preconditionFailed: 0,
    writesRejected: 0,
  };
  const maxFaults = options.maxFaults ?? Number.POSITIVE_INFINITY;
  let faults = 0;
  let calm = false;
  const sockets = new Set<Socket>();
  const keyLocks = new Map<string, Promise<void>>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const fault = (share: number | undefined): boolean => {
    const roll = random();
    if (calm || !share || faults >= maxFaults || roll >= share) return false;
    faults++;
    return true;
  };

  /** Runs `work` for a key after every earlier conditional operation on that key finished. */
  const serialized = async (key: string, work: () => Promise<void>): Promise<void> => {
    const previous = keyLocks.get(key) ?? Promise.resolve();
    let done = () => {};
    const current = new Promise<void>((resolve) => {
      done = resolve;
    });
    keyLocks.set(key, current);
    await previous;
    try {
      await work();
    } finally {
      done();
      if (keyLocks.get(key) === current) keyLocks.delete(key);
    }
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, cutMidBody: boolean): Promise<void> =>
    new Promise((resolve) => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (response) => {
          const length = Number(response.headers['content-length'] ?? '0');
          if (cutMidBody && length > 1) {
            // Send the headers and about half the body, then drop the connection.
            res.writeHead(response.statusCode ?? 502, response.headers);
            let sent = 0;
            const half = Math.floor(length / 2);
            response.on('data', (chunk: Buffer) => {
              if (sent >= half) return;
              const part = chunk.subarray(0, half - sent);
              sent += part.length;
              res.write(part);
              if (sent >= half) {
                res.flushHeaders();
                setTimeout(() => req.socket.destroy(), 5);
              }
            });
            response.on('end', resolve);
            response.on('error', () => resolve());
            return;
          }
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
          response.on('end', resolve);
          response.on('error', () => resolve());
        },
      );
      upstream.on('error', () => {
        req.socket.destroy();
        resolve();
      });
      req.pipe(upstream);
    });

  const conditional = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const client = options.conditionalWrites?.client;
    const noneMatch = req.headers['if-none-match'];
    const match = req.headers['if-match'];
    const isConditionalPut = req.method === 'PUT' && noneMatch === '*';
    const isConditionalDelete = req.method === 'DELETE' && typeof match === 'string';
    if (!client || (!isConditionalPut && !isConditionalDelete)) return false;
    const location = bucketAndKey(req.url ?? '');
    if (!location) return false;
    await serialized(`${location.bucket}/${location.key}`, async () => {
      let etag: string | undefined;
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
        etag = head.ETag;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error;
      }
      if (isConditionalPut && etag !== undefined) {
        req.resume();
        counts.preconditionFailed++;
        sendError(req, res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        return;
      }
      if (isConditionalDelete && etag === undefined) {
        sendError(req, res, 404, 'NoSuchKey', 'The specified key does not exist.');
        return;
      }
      if (isConditionalDelete && etag !== match) {
        counts.preconditionFailed++;
        sendError(req, res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        return;
      }
      await forward(req, res, false);
    });
    return true;
  };

  const server = http.createServer((req, res) => {
    counts.requests++;
    const handle = async () => {
      const [min, max] = options.latencyMs ?? [0, 0];
      const delay = min + random() * (max - min);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (fault(options.stall)) {
        // Never answer; the client's idle timeout must give up on it (stop() closes the socket).
        counts.stalls++;
        req.resume();
        return;
      }
      if (fault(options.slowDown)) {
        counts.slowDowns++;
        req.resume();
        req.once('end', () => sendError(req, res, 503, 'SlowDown', 'Please reduce your request rate.'));
        return;
      }
      if (
        !calm &&
        (req.method === 'PUT' || req.method === 'POST') &&
        options.rejectWrites?.test(decodeURIComponent(req.url ?? ''))
      ) {
        counts.writesRejected++;
        req.resume();
        await new Promise((resolve) => setTimeout(resolve, options.rejectWritesDelayMs ?? 0));
        sendError(req, res, 403, 'AccessDenied', 'Access Denied');
        return;
      }
      if (req.method === 'GET' && options.unreadable?.test(decodeURIComponent(req.url ?? ''))) {
        counts.dropsBeforeResponse++;
        req.socket.destroy();
        return;
      }
      if (req.method === 'GET' && fault(options.dropGet)) {
        if (random() < (options.dropMidBody ?? 0.5)) {
          counts.dropsMidBody++;
          await forward(req, res, true);
        } else {
          counts.dropsBeforeResponse++;
          req.socket.destroy();
        }
        return;
      }
      if (await conditional(req, res)) return;
      await forward(req, res, false);
    };
    handle().catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  server.unref();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    calm() {
      calm = true;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
