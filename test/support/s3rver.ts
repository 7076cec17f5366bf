import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../job/store/s3-client';

/** A running s3rver (local S3) for one test suite. */
export interface S3rver {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** AWS_* variables that point the SDK (e.g. a spawned CLI) at this server. */
  readonly env: Record<string, string>;
  /** s3rver's data directory (buckets are sub-folders); removed by `stop()`. */
  readonly directory: string;
  /** A client configured for this server; closed by `stop()`. */
  readonly client: S3Client;
  /** Creates a bucket. */
  createBucket(name: string): Promise<void>;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/** The only credentials s3rver accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

const STARTUP_TIMEOUT_MS = 20_000;

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => fail(new Error('s3rver did not start in time')), STARTUP_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}${stderr ? `\n${stderr}` : ''}`));
    };
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`s3rver exited early (code ${code}, signal ${signal})`)));
    child.once('message', (message: unknown) => {
      clearTimeout(timer);
      const port = (message as { port?: unknown } | null)?.port;
      if (typeof port === 'number') resolve(port);
      else reject(new Error(`unexpected message from s3rver: ${JSON.stringify(message)}`));
    });
  });
}

async function waitUntilAnswering(client: S3Client): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      await client.send(new ListBucketsCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts s3rver as a child process (`node --openssl-legacy-provider`, which its DES-encrypted
 * listing continuation tokens need) on 127.0.0.1 and a free port, with a fresh temp directory,
 * and waits until it answers. The server runs with the fixes in s3rver-fixes.cjs (S3 key order and
 * common prefixes in listings, AbortMultipartUpload). Call `stop()` in an `after` hook.
 */
export async function startS3rver(): Promise<S3rver> {
  const directory = await mkdtemp(path.join(tmpdir(), 's3rver-'));
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', path.join(__dirname, 's3rver-process.cjs'), directory],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let client: S3Client | undefined;
  try {
    const port = await waitForPort(child);
    const endpoint = `http://127.0.0.1:${port}`;
    const env = {
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: endpoint,
    };
    const s3 = createS3Client({ endpoint, region: 'us-east-1', credentials: S3RVER_CREDENTIALS, maxAttempts: 3 });
    client = s3;
    await waitUntilAnswering(s3);
    // A suite that forgets stop() must not keep mocha alive: the child exits (and removes its data
    // directory) on its own once this process is gone.
    child.stderr?.resume();
    (child.stderr as Socket | null)?.unref();
    child.channel?.unref();
    child.unref();
    return {
      endpoint,
      env,
      directory,
      client: s3,
      async createBucket(name: string) {
        await s3.send(new CreateBucketCommand({ Bucket: name }));
      },
      async stop() {
        s3.destroy();
        await stopChild(child);
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    client?.destroy();
    await stopChild(child);
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
