import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  paginateListObjectsV2,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { type S3rver, startS3rver } from '../../support/s3rver';

/** The harness's s3rver must behave like S3 where our code depends on it (see s3rver-fixes.cjs). */
describe('s3rver harness behaves like S3', () => {
  let s3: S3rver;
  const bucket = 'fixes';
  const keys = ['b', 'a/x/y', 'a-b', 'a', 'a/c', 'a.b/z', 'x/y/z', 'x/y/w'];

  before(async () => {
    s3 = await startS3rver();
    await s3.createBucket(bucket);
    for (const key of keys) await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
  });

  after(async () => {
    await s3?.stop();
  });

  async function pages(pageSize: number, delimiter?: string): Promise<ListObjectsV2CommandOutput[]> {
    const result: ListObjectsV2CommandOutput[] = [];
    const paginator = paginateListObjectsV2(
      { client: s3.client, pageSize },
      { Bucket: bucket, ...(delimiter ? { Delimiter: delimiter } : {}) },
    );
    for await (const page of paginator) result.push(page);
    return result;
  }

  const keyOrder = ['a', 'a-b', 'a.b/z', 'a/c', 'a/x/y', 'b', 'x/y/w', 'x/y/z'];

  it('lists keys in UTF-8 byte order, across pages, without skipping any', async () => {
    for (const pageSize of [1000, 3, 1]) {
      const listed = (await pages(pageSize)).flatMap((p) => (p.Contents ?? []).map((c) => c.Key));
      expect(listed, `page size ${pageSize}`).to.deep.equal(keyOrder);
    }
  });

  it('reports every common prefix, including folders holding only sub-folders, once', async () => {
    for (const pageSize of [1000, 2, 1]) {
      const all = await pages(pageSize, '/');
      expect(all.flatMap((p) => (p.Contents ?? []).map((c) => c.Key))).to.deep.equal(['a', 'a-b', 'b']);
      expect(all.flatMap((p) => (p.CommonPrefixes ?? []).map((c) => c.Prefix))).to.deep.equal(['a.b/', 'a/', 'x/']);
    }
  });

  it('aborts a multipart upload, removing its parts', async () => {
    const { UploadId } = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mpu' }));
    await s3.client.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'mpu', UploadId, PartNumber: 1, Body: Buffer.alloc(1024) }),
    );
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', UploadId }));
    expect(await readdir(path.join(s3.directory, bucket, '._S3rver_uploads'))).to.deep.equal([]);
    const again = await s3.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', UploadId })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((again as Error | undefined)?.name).to.equal('NoSuchUpload');
  });

  it('answers a ranged GET of an empty object with InvalidRange, and clamps ranges past the end', async () => {
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: new Uint8Array(0) }));
    const error = await s3.client
      .send(new GetObjectCommand({ Bucket: bucket, Key: 'empty', Range: 'bytes=0-99' }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as Error | undefined)?.name).to.equal('InvalidRange');
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).to.equal(416);
    const whole = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'empty' }));
    expect(await whole.Body?.transformToString()).to.equal('');
    const ranged = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a-b', Range: 'bytes=0-99' }));
    expect(ranged.ContentRange).to.equal('bytes 0-2/3');
    expect(await ranged.Body?.transformToString()).to.equal('a-b');
  });
});
