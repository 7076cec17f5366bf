import { createHash, createHmac, type Hash, type Hmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';

/** SHA-256 (and HMAC-SHA256 with a secret) for @smithy/signature-v4, on node:crypto. */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as Uint8Array));
  }
  update(data: SourceData): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** What the proxy knows of one access key: its secret, and for temporary credentials the token and its end. */
export interface KnownKey {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** Requests signed with the key after this time (ms since the epoch) are refused with 400 ExpiredToken. */
  readonly expiresAt?: number;
}

/** Options of `startSigV4CheckProxy`. */
export interface SigV4CheckProxyOptions {
  /** The S3 server behind the proxy (s3rver): `http://127.0.0.1:<port>`. */
  readonly target: string;
  /** The key a request is signed with, by access key id; undefined: unknown key (403 InvalidAccessKeyId). */
  readonly keys: (accessKeyId: string) => KnownKey | undefined;
  /**
   * The bucket's region. Requests signed for another region get what S3 answers then: 301
   * PermanentRedirect with `x-amz-bucket-region`.
   */
  readonly bucketRegion?: string;
  /** Forward GETs without their Range header (a server that ignores ranges answers 200 with the whole object). */
  readonly ignoreRange?: boolean;
}

/** What the proxy saw. */
export interface SigV4CheckCounts {
  /** Requests whose signature was checked and found right. */
  verified: number;
  /** Requests refused (bad signature, unknown key, wrong or expired token), with the reason. */
  refused: string[];
  /** Requests answered with a region redirect. */
  redirected: number;
  /** Verified requests by access key id. */
  byAccessKey: Map<string, number>;
  /** Verified requests by method. */
  byMethod: Map<string, number>;
}

/** A running checking proxy. */
export interface SigV4CheckProxy {
  /** `http://127.0.0.1:<port>` (path-style). */
  readonly endpoint: string;
  readonly counts: SigV4CheckCounts;
  stop(): Promise<void>;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

function s3ErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomBytes(8).toString('hex')}</RequestId></Error>`;
}

/** `YYYYMMDDTHHMMSSZ` → Date. */
function parseAmzDate(text: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return new Date(Number.NaN);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

/**
 * The canonical URI S3 computes from a request path: each segment decoded, then URI-encoded strictly
 * (everything but `A-Z a-z 0-9 - . _ ~`), whatever the client put on the wire.
 */
function canonicalPath(raw: string): string {
  const strict = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return raw
    .split('/')
    .map((segment) => strict(decodeURIComponent(segment)))
    .join('/');
}

/** The raw query string as the decoded key → value(s) map @smithy/signature-v4 canonicalizes. */
function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    const seen = query[key];
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

/**
 * Starts an HTTP proxy in front of s3rver that does what s3rver does not: check every request's
 * SigV4 signature, recomputed with @smithy/signature-v4 (an implementation we did not write) from
 * the request as it arrived (its path canonicalized as S3 does), with the secret of its access key; refuse unknown keys, wrong or
 * expired session tokens and bad signatures as S3 does (403 SignatureDoesNotMatch, 400
 * ExpiredToken, …); answer requests signed for another region with S3's 301 redirect. Good requests
 * go on to s3rver as S3RVER (s3rver checks no SigV4 signature, only that the key is its own).
 */
export async function startSigV4CheckProxy(options: SigV4CheckProxyOptions): Promise<SigV4CheckProxy> {
  const target = new URL(options.target);
  const counts: SigV4CheckCounts = {
    verified: 0,
    refused: [],
    redirected: 0,
    byAccessKey: new Map(),
    byMethod: new Map(),
  };
  const sockets = new Set<Socket>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const refuse = (res: http.ServerResponse, status: number, code: string, message: string) => {
    counts.refused.push(`${code}: ${message}`);
    const body = s3ErrorXml(code, message);
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  /** Undefined when the request is properly signed, else [status, code, message] to refuse it with. */
  const check = async (req: http.IncomingMessage): Promise<[number, string, string] | undefined> => {
    const auth = AUTHORIZATION.exec(String(req.headers.authorization ?? ''));
    if (!auth) return [403, 'AccessDenied', `unsupported Authorization: ${req.headers.authorization}`];
    const [, accessKeyId = '', , region = '', service = '', signedHeaders = '', signature = ''] = auth;
    const key = options.keys(accessKeyId);
    if (!key) return [403, 'InvalidAccessKeyId', `unknown access key ${accessKeyId}`];
    const token = req.headers['x-amz-security-token'];
    if (key.sessionToken !== undefined && token !== key.sessionToken) {
      return [403, 'InvalidToken', `wrong session token for ${accessKeyId}`];
    }
    if (key.expiresAt !== undefined && Date.now() > key.expiresAt) {
      return [400, 'ExpiredToken', `the credentials of ${accessKeyId} have expired`];
    }
    const names = signedHeaders.split(';');
    for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
      if (!names.includes(required)) return [403, 'AccessDenied', `${required} is not signed`];
    }
    if (typeof token === 'string' && !names.includes('x-amz-security-token')) {
      return [403, 'AccessDenied', 'x-amz-security-token is not signed'];
    }
    const headers: Record<string, string> = {};
    for (const name of names) {
      const value = req.headers[name];
      if (value === undefined) return [403, 'AccessDenied', `signed header ${name} is missing`];
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const signer = new SignatureV4({
      credentials: { accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken },
      region,
      service,
      sha256: NodeSha256,
      // S3: the canonical path (above) is not encoded a second time.
      uriEscapePath: false,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: req.method ?? 'GET',
        protocol: 'http:',
        hostname: String(req.headers.host ?? '').replace(/:\d+$/, ''),
        path: canonicalPath(q < 0 ? url : url.slice(0, q)),
        query: q < 0 ? {} : parseQuery(url.slice(q + 1)),
        headers,
      },
      { signingDate: parseAmzDate(headers['x-amz-date'] ?? '') },
    );
    const expected = AUTHORIZATION.exec(String(signed.headers.authorization ?? ''));
    if (expected?.[5] !== signedHeaders || expected?.[6] !== signature) {
      return [403, 'SignatureDoesNotMatch', `signature of ${req.method} ${url} does not match`];
    }
    if (options.bucketRegion !== undefined && region !== options.bucketRegion) {
      return [301, 'PermanentRedirect', `the bucket is in ${options.bucketRegion}, signed for ${region}`];
    }
    counts.verified++;
    counts.byAccessKey.set(accessKeyId, (counts.byAccessKey.get(accessKeyId) ?? 0) + 1);
    counts.byMethod.set(req.method ?? '', (counts.byMethod.get(req.method ?? '') ?? 0) + 1);
    return undefined;
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const headers = { ...req.headers };
    // s3rver knows only its own key; it checks no SigV4 signature.
    headers.authorization = String(headers.authorization).replace(/Credential=[^/]+\//, 'Credential=S3RVER/');
    delete headers['x-amz-security-token'];
    if (options.ignoreRange && req.method === 'GET') delete headers.range;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  };

  const server = http.createServer((req, res) => {
    check(req).then(
      (problem) => {
        if (problem === undefined) {
          forward(req, res);
          return;
        }
        req.resume();
        const [status, code, message] = problem;
        if (status === 301) {
          counts.redirected++;
          const body = s3ErrorXml(code, message);
          res.writeHead(301, {
            'content-type': 'application/xml',
            'content-length': Buffer.byteLength(body),
            'x-amz-bucket-region': options.bucketRegion ?? '',
          });
          res.end(body);
          return;
        }
        refuse(res, status, code, message);
      },
      (error: unknown) => refuse(res, 500, 'InternalError', String(error)),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    async stop() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
