'use strict';
// Fixes for s3rver 3.7.1 where it departs from S3 in ways our code depends on, installed by
// s3rver-process.cjs before the server starts.
//
// 1. Listing. s3rver's own listing walks its data directory in file-name order, which is not S3's key order
// ("a/c" before "a-b", "a/x" before "a"), so listings come out of order and continuation tokens
// (the last key of a page) can skip keys; and with a delimiter it never reports a common prefix
// whose objects all sit at least two levels deeper (a folder holding only sub-folders, e.g. every
// level of the Chime CDR layout above the day folders). This version walks each directory in key
// order, prunes what the prefix and start key exclude, and pages like S3 (MaxKeys counts objects;
// a common prefix is reported once, on the page where its first key falls).
//
// 2. AbortMultipartUpload. s3rver answers 405 MethodNotAllowed and keeps the parts; this adds it
// (after s3rver's own authentication and bucket checks), deleting the upload's parts.
//
// 3. A ranged GET of an empty object. S3 answers 416 InvalidRange; s3rver answers 206 with
// Content-Length 1 and no body, so the client waits for a byte that never comes ("aborted").
const fs = require('node:fs');
const path = require('node:path');
const FilesystemStore = require('s3rver/lib/stores/filesystem');
const S3Error = require('s3rver/lib/models/error');
const S3Object = require('s3rver/lib/models/object');
const router = require('s3rver/lib/routes');

const OBJECT_SUFFIX = '._S3rver_object';

function compareKeys(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Yields every key stored below `dir` (whose keys start with `keyPrefix`) in S3 key order. */
function* walkKeys(dir, keyPrefix, prefix, startAfter) {
  const entries = [];
  for (const dirent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (dirent.isDirectory()) {
      // s3rver's own bookkeeping (multipart uploads) lives in "._S3rver_*" directories.
      if (dirent.name.includes('._S3rver_')) continue;
      entries.push({ key: `${keyPrefix}${FilesystemStore.decodeKeyPath(dirent.name)}/`, dir: true, name: dirent.name });
    } else if (dirent.name.endsWith(OBJECT_SUFFIX)) {
      const name = dirent.name.slice(0, -OBJECT_SUFFIX.length);
      entries.push({ key: `${keyPrefix}${FilesystemStore.decodeKeyPath(name)}`, dir: false, name: dirent.name });
    }
  }
  // A folder sorts as "<name>/": every key inside it shares that prefix, so this is S3's order.
  entries.sort((a, b) => compareKeys(a.key, b.key));
  for (const entry of entries) {
    if (!entry.dir) {
      yield entry.key;
      continue;
    }
    if (!entry.key.startsWith(prefix) && !prefix.startsWith(entry.key)) continue;
    if (startAfter && !startAfter.startsWith(entry.key) && compareKeys(entry.key, startAfter) < 0) continue;
    yield* walkKeys(path.join(dir, entry.name), entry.key, prefix, startAfter);
  }
}

async function listObjects(bucket, options) {
  const { delimiter = '', startAfter = '', prefix = '', maxKeys = Number.POSITIVE_INFINITY } = options;
  const keys = [];
  const commonPrefixes = [];
  let isTruncated = false;
  for (const key of walkKeys(this.getBucketPath(bucket), '', prefix, startAfter)) {
    if (!key.startsWith(prefix) || compareKeys(key, startAfter) <= 0) continue;
    const idx = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const common = idx === -1 ? undefined : key.slice(0, idx + delimiter.length);
    if (common !== undefined && common === commonPrefixes[commonPrefixes.length - 1]) continue;
    if (keys.length >= maxKeys) {
      isTruncated = true;
      break;
    }
    if (common !== undefined) commonPrefixes.push(common);
    else keys.push(key);
  }
  const metadata = await Promise.all(
    keys.map((key) =>
      this.getMetadata(bucket, key).catch((error) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      }),
    ),
  );
  const objects = [];
  keys.forEach((key, i) => {
    if (metadata[i] !== undefined) objects.push(new S3Object(bucket, key, null, metadata[i]));
  });
  return { objects, commonPrefixes, isTruncated };
}

async function abortMultipartUpload(ctx) {
  const uploadId = String(ctx.query.uploadId);
  const uploads = ctx.store.getResourcePath(ctx.params.bucket, undefined, 'uploads');
  const uploadDir = path.join(uploads, uploadId);
  if (!/^[0-9a-f]+$/.test(uploadId) || !fs.existsSync(uploadDir)) {
    throw new S3Error(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { UploadId: uploadId },
    );
  }
  await fs.promises.rm(uploadDir, { recursive: true, force: true });
  ctx.status = 204;
}

/** Wraps the object-level DELETE route so `?uploadId=` aborts a multipart upload. */
function installAbortMultipartUpload() {
  const layer = router.stack.find((l) => l.path === '/:bucket/:key+' && l.methods.includes('DELETE'));
  const index = layer ? layer.stack.length - 1 : -1;
  const original = layer?.stack[index];
  if (!layer || typeof original !== 'function')
    throw new Error('s3rver routes changed: cannot add AbortMultipartUpload');
  layer.stack[index] = (ctx, next) =>
    ctx.params.queryMethod === 'uploadId' ? abortMultipartUpload(ctx) : original(ctx, next);
}

/** Makes a ranged GET of an empty object unsatisfiable (the controller then answers 416 InvalidRange). */
function installEmptyObjectRange() {
  const getObject = FilesystemStore.prototype.getObject;
  FilesystemStore.prototype.getObject = async function getEmptyAwareObject(bucket, key, options) {
    if (options && (options.start !== undefined || options.end !== undefined)) {
      const metadata = await this.getMetadata(bucket, key).catch((error) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (metadata && Number(metadata['content-length']) === 0) {
        const object = new S3Object(bucket, key, null, metadata);
        object.range = { start: options.start ?? 0, end: options.end ?? 0 };
        return object;
      }
    }
    return getObject.call(this, bucket, key, options);
  };
}

/** Installs the fixes (process-wide; call before starting the server). */
exports.installS3rverFixes = function installS3rverFixes() {
  FilesystemStore.prototype.listObjects = listObjects;
  installAbortMultipartUpload();
  installEmptyObjectRange();
};
