/**
 * The policy-enforcing S3 endpoint itself, with the real SDK client: it must answer as S3 does for
 * each role, or the least-privilege tests built on it prove nothing.
 */

import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { createS3Client } from '../../../job/store/s3-client';
import type { IamPolicy } from '../../support/iam-evaluator';
import { type PolicyS3Endpoint, startPolicyS3Endpoint } from '../../support/policy-s3-endpoint';
import { S3RVER_CREDENTIALS, type S3rver, startS3rver } from '../../support/s3rver';

const BUCKET = 'policy-endpoint-bucket';
const ARN = `arn:aws:s3:::${BUCKET}`;

const READ_ALL: IamPolicy = { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*` } };
const LIST_ALL: IamPolicy = { Statement: { Effect: 'Allow', Action: 's3:ListBucket', Resource: ARN } };
const WRITE_OUT: IamPolicy = {
  Statement: [
    { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `${ARN}/out/*` },
    {
      Effect: 'Deny',
      Action: 's3:PutObject',
      Resource: `${ARN}/out/locks/*`,
      Condition: { Null: { 's3:if-none-match': 'true' } },
    },
  ],
};

async function status(promise: Promise<unknown>): Promise<{ status: number; name?: string }> {
  try {
    await promise;
    return { status: 200 };
  } catch (error) {
    const e = error as { $metadata?: { httpStatusCode?: number }; name?: string };
    return { status: e.$metadata?.httpStatusCode ?? 0, ...(e.name ? { name: e.name } : {}) };
  }
}

describe('policy-enforcing S3 endpoint (s3rver behind it, real SDK client)', function () {
  this.timeout(60_000);
  let s3: S3rver;
  let gate: PolicyS3Endpoint;
  const clients: Record<string, S3Client> = {};

  before(async () => {
    s3 = await startS3rver();
    await s3.createBucket(BUCKET);
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/a.json', Body: '{}' }));
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'out/keep.json', Body: '{}' }));
    gate = await startPolicyS3Endpoint({
      target: s3.endpoint,
      roles: [
        { name: 'lister', accessKeyId: 'LISTERKEY', policies: [READ_ALL, LIST_ALL] },
        { name: 'reader', accessKeyId: 'READERKEY', policies: [READ_ALL] },
        { name: 'writer', accessKeyId: 'WRITERKEY', policies: [WRITE_OUT] },
      ],
    });
    for (const name of ['lister', 'reader', 'writer']) {
      clients[name] = createS3Client({
        endpoint: gate.endpoint,
        region: 'us-east-1',
        credentials: gate.credentials(name),
        maxAttempts: 1,
      });
    }
    clients.stranger = createS3Client({
      endpoint: gate.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'NOBODY', secretAccessKey: S3RVER_CREDENTIALS.secretAccessKey },
      maxAttempts: 1,
    });
  });

  after(async () => {
    for (const client of Object.values(clients)) client.destroy();
    await gate?.stop();
    await s3?.stop();
  });

  it('a missing key: 404 to a role that may list the bucket, 403 to one that may not (GET and HEAD)', async () => {
    const get = (name: string) =>
      status((clients[name] as S3Client).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'in/missing.json' })));
    const head = (name: string) =>
      status((clients[name] as S3Client).send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'in/missing.json' })));
    expect(await get('lister')).to.deep.include({ status: 404, name: 'NoSuchKey' });
    expect(await head('lister')).to.deep.include({ status: 404 });
    expect(await get('reader')).to.deep.include({ status: 403, name: 'AccessDenied' });
    expect(await head('reader')).to.deep.include({ status: 403 });
    // An existing key reads fine for both.
    expect(
      await status((clients.reader as S3Client).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'in/a.json' }))),
    ).to.deep.equal({
      status: 200,
    });
  });

  it('denies what no statement allows, and unknown access keys', async () => {
    expect(
      await status(
        (clients.reader as S3Client).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/b.json', Body: '{}' })),
      ),
    ).to.deep.include({ status: 403, name: 'AccessDenied' });
    expect(
      await status((clients.writer as S3Client).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'out/keep.json' }))),
    ).to.deep.include({ status: 403 });
    expect(
      await status((clients.stranger as S3Client).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'in/a.json' }))),
    ).to.deep.include({ status: 403, name: 'InvalidAccessKeyId' });
  });

  it('enforces a conditional-write requirement, then emulates the condition (412 when the key exists)', async () => {
    const put = (extra: { IfNoneMatch?: string }) =>
      status(
        (clients.writer as S3Client).send(
          new PutObjectCommand({ Bucket: BUCKET, Key: 'out/locks/l.json', Body: '{}', ...extra }),
        ),
      );
    expect(await put({})).to.deep.include({ status: 403 });
    expect(await put({ IfNoneMatch: '*' })).to.deep.equal({ status: 200 });
    expect(await put({ IfNoneMatch: '*' })).to.deep.include({ status: 412 });
  });

  it('authorizes a multi-object delete key by key, reporting denied keys as S3 does', async () => {
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'out/x.json', Body: '{}' }));
    const result = await (clients.writer as S3Client).send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'out/x.json' }, { Key: 'in/a.json' }] },
      }),
    );
    expect(result.Deleted?.map((d) => d.Key)).to.deep.equal(['out/x.json']);
    expect(result.Errors?.map((e) => [e.Key, e.Code])).to.deep.equal([['in/a.json', 'AccessDenied']]);
    // The denied object is still there; the allowed one is gone.
    expect(await status(s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'in/a.json' })))).to.deep.equal({
      status: 200,
    });
    expect(await status(s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'out/x.json' })))).to.deep.include({
      status: 404,
    });
    expect(gate.denied().some((d) => d.role === 'writer' && d.resource === `${ARN}/in/a.json`)).to.equal(true);
  });
});
