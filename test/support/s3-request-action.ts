/**
 * What IAM sees in an S3 REST request (path-style, as our clients send it to local servers): the
 * action(s), the resource ARN and the condition keys S3 puts in the request context.
 */

/** One authorization IAM makes for a request (a copy needs two: read the source, write the target). */
export interface S3Authorization {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
}

/** A request split into its parts. */
export interface S3RequestShape {
  /** Operation name, for logs (`GetObject`, `ListObjectsV2`, …). */
  readonly operation: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly authorizations: readonly S3Authorization[];
  /** Whether S3 answers 404 vs 403 for a missing key depending on s3:ListBucket (GET/HEAD of an object). */
  readonly objectRead: boolean;
}

/** Thrown for a request the mapping does not know: the test must fail rather than guess. */
export class UnknownS3RequestError extends Error {
  override readonly name = 'UnknownS3RequestError';
}

/** ARN of a bucket, or of an object in it. */
export function s3Arn(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}

/** Query parameters the SDK adds that are not sub-resources. */
const IGNORED_QUERY = new Set(['x-id']);

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Maps a path-style S3 request (method, URL, headers) to what IAM authorizes. Condition keys:
 * `s3:prefix`, `s3:delimiter`, `s3:max-keys` on listings (present only when the request carries
 * them), `s3:if-none-match` / `s3:if-match` on writes and deletes that carry those headers.
 */
export function describeS3Request(
  method: string,
  url: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): S3RequestShape {
  const parsed = new URL(url, 'http://localhost');
  const match = /^\/([^/]+)(?:\/(.*))?$/.exec(parsed.pathname);
  const query = parsed.searchParams;
  const sub = [...query.keys()].filter((k) => !IGNORED_QUERY.has(k));
  const has = (name: string) => query.has(name);
  if (!match) {
    if (method === 'GET') {
      return {
        operation: 'ListBuckets',
        authorizations: [{ action: 's3:ListAllMyBuckets', resource: '*', context: {} }],
        objectRead: false,
      };
    }
    throw new UnknownS3RequestError(`${method} ${url}`);
  }
  const bucket = decodeURIComponent(match[1] as string);
  const rawKey = match[2];
  const key = rawKey === undefined || rawKey === '' ? undefined : decodeURIComponent(rawKey);
  const conditional: Record<string, string> = {};
  const ifNoneMatch = header(headers, 'if-none-match');
  const ifMatch = header(headers, 'if-match');
  if (ifNoneMatch !== undefined) conditional['s3:if-none-match'] = ifNoneMatch;
  if (ifMatch !== undefined) conditional['s3:if-match'] = ifMatch;
  const one = (operation: string, action: string, context: Record<string, string> = {}, objectRead = false) => ({
    operation,
    bucket,
    ...(key !== undefined ? { key } : {}),
    authorizations: [{ action, resource: s3Arn(bucket, key), context }],
    objectRead,
  });

  if (key === undefined) {
    if (
      method === 'GET' &&
      (has('list-type') ||
        sub.every((k) =>
          [
            'prefix',
            'delimiter',
            'max-keys',
            'marker',
            'continuation-token',
            'start-after',
            'encoding-type',
            'fetch-owner',
          ].includes(k),
        ))
    ) {
      const context: Record<string, string> = {};
      for (const name of ['prefix', 'delimiter', 'max-keys']) {
        const value = query.get(name);
        if (value !== null) context[`s3:${name}`] = value;
      }
      return one(has('list-type') ? 'ListObjectsV2' : 'ListObjects', 's3:ListBucket', context);
    }
    if (method === 'HEAD' && sub.length === 0) return one('HeadBucket', 's3:ListBucket');
    if (method === 'GET' && has('uploads')) return one('ListMultipartUploads', 's3:ListBucketMultipartUploads');
    if (method === 'GET' && has('location')) return one('GetBucketLocation', 's3:GetBucketLocation');
    if (method === 'PUT' && sub.length === 0) return one('CreateBucket', 's3:CreateBucket');
    if (method === 'POST' && has('delete')) {
      // Multi-object delete: authorized per key (the caller parses the body).
      return { operation: 'DeleteObjects', bucket, authorizations: [], objectRead: false };
    }
    throw new UnknownS3RequestError(`${method} ${url}`);
  }

  if (has('uploadId')) {
    if (method === 'PUT' && has('partNumber')) return one('UploadPart', 's3:PutObject');
    if (method === 'POST') return one('CompleteMultipartUpload', 's3:PutObject', conditional);
    if (method === 'DELETE') return one('AbortMultipartUpload', 's3:AbortMultipartUpload');
    if (method === 'GET') return one('ListParts', 's3:ListMultipartUploadParts');
    throw new UnknownS3RequestError(`${method} ${url}`);
  }
  if (method === 'POST' && has('uploads')) return one('CreateMultipartUpload', 's3:PutObject');
  if (sub.length > 0) throw new UnknownS3RequestError(`sub-resource ${sub.join(',')} of ${method} ${url}`);
  if (method === 'GET') return one('GetObject', 's3:GetObject', {}, true);
  if (method === 'HEAD') return one('HeadObject', 's3:GetObject', {}, true);
  if (method === 'DELETE') return one('DeleteObject', 's3:DeleteObject', conditional);
  if (method === 'PUT') {
    const copySource = header(headers, 'x-amz-copy-source');
    if (copySource === undefined) return one('PutObject', 's3:PutObject', conditional);
    const source = decodeURIComponent(copySource.replace(/^\//, '').split('?')[0] ?? '');
    const slash = source.indexOf('/');
    return {
      operation: 'CopyObject',
      bucket,
      key,
      authorizations: [
        { action: 's3:PutObject', resource: s3Arn(bucket, key), context: conditional },
        { action: 's3:GetObject', resource: s3Arn(source.slice(0, slash), source.slice(slash + 1)), context: {} },
      ],
      objectRead: false,
    };
  }
  throw new UnknownS3RequestError(`${method} ${url}`);
}
