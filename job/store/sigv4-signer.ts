import { createHash, createHmac, hash } from 'node:crypto';

/** The credentials a request is signed with (the SDK's AwsCredentialIdentity, minus what signing ignores). */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** SHA-256 of an empty payload: the `x-amz-content-sha256` of a request without a body. */
export const EMPTY_PAYLOAD_SHA256 = createHash('sha256').update('').digest('hex');

const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * URI-encodes an S3 object key for a request path the way the SDK does (and S3 expects in the
 * canonical request, which for S3 is not encoded a second time): every byte outside `A-Z a-z 0-9
 * - . _ ~` percent-encoded, `/` kept as the separator.
 */
export function encodeKeyPath(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `YYYYMMDDTHHMMSSZ` of a time in ms since the epoch. */
export function amzDate(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-03-04T05:06:07.089Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/**
 * Signature Version 4 for S3 GET requests without a body or query string (a whole or ranged object
 * read), in request headers. Only what such a request needs, so signing costs two hashes: the
 * canonical request's SHA-256 and one HMAC with a signing key derived once per day, region and
 * secret (the derivation is four HMACs). Signs `host`, `range` (when given), `x-amz-content-sha256`,
 * `x-amz-date` and `x-amz-security-token` (with session credentials).
 */
export class SigV4GetSigner {
  private keyFor = '';
  private key: Buffer = Buffer.alloc(0);
  /** The last second signed at and its `x-amz-date` (reading millions of objects: many per second). */
  private dateSecond = -1;
  private dateText = '';

  constructor(
    /** Signing region (`us-east-1`, …). */
    readonly region: string,
    /** Signing name of the service (`s3`). */
    readonly service = 's3',
  ) {}

  /** The signing key for a day (`YYYYMMDD`), derived once and kept until the day or secret changes. */
  private signingKey(secretAccessKey: string, day: string): Buffer {
    const id = `${day}\n${secretAccessKey}`;
    if (id !== this.keyFor) {
      const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(day).digest();
      const kRegion = createHmac('sha256', kDate).update(this.region).digest();
      const kService = createHmac('sha256', kRegion).update(this.service).digest();
      this.key = createHmac('sha256', kService).update('aws4_request').digest();
      this.keyFor = id;
    }
    return this.key;
  }

  /**
   * Headers for `GET <path>` to `host` (as sent in the Host header, with a non-default port), signed
   * at `nowMs`. `path` is the request path exactly as sent (already URI-encoded, see encodeKeyPath).
   */
  signGet(
    credentials: SigningCredentials,
    host: string,
    path: string,
    range: string | undefined,
    nowMs: number,
  ): Record<string, string> {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.dateSecond) {
      this.dateSecond = second;
      this.dateText = amzDate(nowMs);
    }
    const date = this.dateText;
    const day = date.slice(0, 8);
    const token = credentials.sessionToken;
    let canonicalHeaders = `host:${host}\n`;
    let signedHeaders = 'host';
    if (range !== undefined) {
      canonicalHeaders += `range:${range}\n`;
      signedHeaders += ';range';
    }
    canonicalHeaders += `x-amz-content-sha256:${EMPTY_PAYLOAD_SHA256}\nx-amz-date:${date}\n`;
    signedHeaders += ';x-amz-content-sha256;x-amz-date';
    if (token) {
      canonicalHeaders += `x-amz-security-token:${token}\n`;
      signedHeaders += ';x-amz-security-token';
    }
    const canonicalRequest = `GET\n${path}\n\n${canonicalHeaders}\n${signedHeaders}\n${EMPTY_PAYLOAD_SHA256}`;
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    // One-shot hashing: no Hash object per request.
    const stringToSign = `${ALGORITHM}\n${date}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
    const signature = createHmac('sha256', this.signingKey(credentials.secretAccessKey, day))
      .update(stringToSign)
      .digest('hex');
    const headers: Record<string, string> = {
      host,
      'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256,
      'x-amz-date': date,
      authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
    if (range !== undefined) headers.range = range;
    if (token) headers['x-amz-security-token'] = token;
    return headers;
  }
}
