import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  DeleteBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { type ObjectWriter, StoreLocationError } from '../../../job/store/object-store';
import { openStore } from '../../../job/store/open';
import { S3Store } from '../../../job/store/s3';
import { createS3Client } from '../../../job/store/s3-client';
import { writeChunk } from '../../../job/store/stream-write';
import { S3RVER_CREDENTIALS, type S3rver, startS3rver } from '../../support/s3rver';
import { objectStoreContract, type StoreHarness } from './object-store.contract';

describe('S3Store on s3rver', () => {
  let s3: S3rver;
  let buckets = 0;

  before(async () => {
    s3 = await startS3rver();
  });

  after(async () => {
    await s3?.stop();
  });

  async function freshBucket(): Promise<string> {
    buckets += 1;
    const name = `bucket-${buckets}`;
    await s3.createBucket(name);
    return name;
  }

  // Both read paths keep the whole contract: small objects through the fast GET (the default) or the SDK.
  for (const [path, fastGet] of [
    ['fast GET', true],
    ['SDK GetObject', false],
  ] as const) {
    describe(`ObjectStore contract (small reads: ${path})`, () => {
      objectStoreContract(
        (): StoreHarness => ({
          async freshRoot() {
            const bucket = await freshBucket();
            return {
              async open(sub) {
                const store = await openStore(`s3://${bucket}${sub ? `/${sub}` : ''}`, { client: s3.client, fastGet });
                expect((store as S3Store).readPath()).to.equal(fastGet ? 'fast-get' : 'sdk');
                return store;
              },
            };
          },
          openMissing: () => openStore('s3://no-such-bucket', { client: s3.client, probe: '', fastGet }),
          missingMessage: /^bucket not found: s3:\/\/no-such-bucket$/,
        }),
      );
    });
  }

  describe('S3 specifics', () => {
    it('names its location s3://bucket[/prefix]', async () => {
      const bucket = await freshBucket();
      const atRoot = await openStore(`s3://${bucket}`, { client: s3.client });
      const rooted = await openStore(`s3://${bucket}/some/prefix/`, { client: s3.client });
      expect(atRoot.location).to.equal(`s3://${bucket}`);
      expect(rooted.location).to.equal(`s3://${bucket}/some/prefix`);
      expect(rooted).to.be.instanceOf(S3Store);
      expect((rooted as S3Store).prefix).to.equal('some/prefix/');
    });

    it('reports rejected credentials as access denied', async () => {
      const bucket = await freshBucket();
      const client = createS3Client({
        endpoint: s3.endpoint,
        credentials: { accessKeyId: 'WRONG', secretAccessKey: 'WRONG' },
        maxAttempts: 1,
      });
      try {
        const error = await S3Store.open(bucket, '', { client, probe: '' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(StoreLocationError);
        expect((error as Error).message).to.equal(`access denied to s3://${bucket}`);
      } finally {
        client.destroy();
      }
    });

    it('reports an invalid S3 URI as a StoreLocationError', async () => {
      const error = await openStore('s3://Not_A_Bucket/x', { client: s3.client }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(StoreLocationError);
      expect((error as Error).message).to.contain('invalid S3 bucket name');
    });

    it('stores content types, for whole and streamed writes', async () => {
      const bucket = await freshBucket();
      const store = await openStore(`s3://${bucket}/out`, { client: s3.client });
      await store.write('m.json', '{}', 'application/json');
      const writer = store.openWriter('r.csv', 'text/csv');
      writer.stream.end('a,b\n');
      await writer.done();
      const head = (key: string) => s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect((await head('out/m.json')).ContentType).to.equal('application/json');
      expect((await head('out/r.csv')).ContentType).to.equal('text/csv');
    });

    /** A client for s3rver that records the name of every command it sends. */
    function recordingClient(): { client: S3Client; commands: string[] } {
      const commands: string[] = [];
      const client = createS3Client({ endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS, maxAttempts: 1 });
      client.middlewareStack.add(
        (next, context) => (args) => {
          if (context.commandName) commands.push(context.commandName);
          return next(args);
        },
        { step: 'initialize', name: 'recordCommands' },
      );
      return { client, commands };
    }

    async function writeMiB(writer: ObjectWriter, mebibytes: number): Promise<void> {
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      for (let i = 0; i < mebibytes; i += 1) await writeChunk(writer.stream, chunk);
    }

    it('streams a large object as a multipart upload, a small one as one PutObject', async function () {
      this.timeout(60_000);
      const bucket = await freshBucket();
      const { client, commands } = recordingClient();
      try {
        const store = await S3Store.open(bucket, '', { client });
        const big = store.openWriter('big');
        await writeMiB(big, 11);
        await big.done();
        expect(commands.filter((c) => c !== 'HeadBucketCommand')).to.deep.equal([
          'CreateMultipartUploadCommand',
          'UploadPartCommand',
          'UploadPartCommand',
          'UploadPartCommand',
          'CompleteMultipartUploadCommand',
        ]);
        const head = await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big' }));
        expect(head.ContentLength).to.equal(11 * 1024 * 1024);
        commands.length = 0;
        const small = store.openWriter('small');
        await writeMiB(small, 1);
        await small.done();
        expect(commands).to.deep.equal(['PutObjectCommand']);
      } finally {
        client.destroy();
      }
    });

    it('abort() aborts a started multipart upload and never completes it', async function () {
      this.timeout(60_000);
      const bucket = await freshBucket();
      const { client, commands } = recordingClient();
      try {
        const store = await S3Store.open(bucket, '', { client });
        const writer = store.openWriter('aborted');
        await writeMiB(writer, 12);
        await writer.abort();
        expect(commands).to.include('CreateMultipartUploadCommand');
        expect(commands).to.include('AbortMultipartUploadCommand');
        expect(commands).not.to.include('CompleteMultipartUploadCommand');
        expect(commands).not.to.include('PutObjectCommand');
        expect(await store.exists('aborted')).to.equal(false);
        // s3rver keeps a multipart upload's parts in <bucket>/._S3rver_uploads/<uploadId>/ until it ends.
        const uploads = await readdir(path.join(s3.directory, bucket, '._S3rver_uploads')).catch(() => []);
        expect(uploads).to.deep.equal([], 'the multipart upload was aborted and its parts removed');
      } finally {
        client.destroy();
      }
    });

    it('fails the stream and done() when the upload fails, instead of hanging the writer', async function () {
      this.timeout(30_000);
      const bucket = await freshBucket();
      const store = await S3Store.open(bucket, '', { client: s3.client });
      // Deleting the bucket under the writer makes CreateMultipartUpload fail with NoSuchBucket.
      await s3.client.send(new DeleteBucketCommand({ Bucket: bucket }));
      const writer = store.openWriter('x');
      const streamError = new Promise<Error>((resolve) => writer.stream.once('error', resolve));
      let failed: Error | undefined;
      void streamError.then((error) => {
        failed = error;
      });
      const chunk = Buffer.alloc(1024 * 1024, 0x62);
      let written = 0;
      while (!failed && written < 64) {
        written += 1;
        if (!writer.stream.write(chunk)) await Promise.race([once(writer.stream, 'drain'), streamError]);
      }
      expect(failed, 'the stream must fail rather than block the writer forever').to.be.instanceOf(Error);
      expect(written).to.be.lessThan(64);
      const error = await writer.done().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).name).to.equal('NoSuchBucket');
    });

    it('close() leaves a client it was given usable', async () => {
      const bucket = await freshBucket();
      const store = await openStore(`s3://${bucket}`, { client: s3.client });
      await store.write('k', 'v');
      await store.close();
      const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(listed.Contents?.map((c) => c.Key)).to.deep.equal(['k']);
    });

    it('a client built from the harness env alone (as a spawned CLI would) reaches s3rver', async function () {
      this.timeout(30_000);
      const bucket = await freshBucket();
      await (await openStore(`s3://${bucket}`, { client: s3.client })).write('hello.txt', 'from the harness');
      // A separate process with only the harness env: no options, no shared client.
      const script = `
        const { createS3Client } = require('./job/store/s3-client');
        const { GetObjectCommand } = require('@aws-sdk/client-s3');
        const client = createS3Client();
        client.send(new GetObjectCommand({ Bucket: ${JSON.stringify(bucket)}, Key: 'hello.txt' }))
          .then((r) => r.Body.transformToString())
          .then((text) => { process.stdout.write(text); client.destroy(); })
          .catch((e) => { console.error(e); process.exit(1); });`;
      const env = { ...process.env, ...s3.env };
      delete env.AWS_PROFILE;
      delete env.AWS_SESSION_TOKEN;
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { env, cwd: process.cwd() });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code, err).to.equal(0);
      expect(out).to.equal('from the harness');
      // …and the same object through this process's client, to be sure it is the same server.
      const direct = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
      expect(await direct.Body?.transformToString()).to.equal('from the harness');
    });
  });
});
