/** Helpers shared by the scheduler integration tests. */

import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { AwsEndpoint } from './aws-endpoint';
import { type S3rver, startS3rver } from './s3rver';

/** Sets environment variables (undefined deletes) and returns a function restoring the previous values. */
export function setEnv(vars: Readonly<Record<string, string | undefined>>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Every key in a bucket, sorted. */
export async function bucketKeys(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/** Deletes every object of a bucket (between tests). */
export async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  for (const key of await bucketKeys(client, bucket)) {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}

/** A local S3 server with the tests' bucket and the local AWS endpoint, with the environment pointing at both. */
export interface LocalAws {
  readonly s3: S3rver;
  readonly endpoint: AwsEndpoint;
  /** Restores the environment and stops both servers. */
  stop(): Promise<void>;
}

/**
 * Starts a LocalAws for a test suite: the SDK's environment set to reach both servers (no instance
 * metadata, no profile), with `env` setting (or, when undefined, removing) more variables.
 */
export async function startLocalAws(
  bucket: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<LocalAws> {
  const s3 = await startS3rver();
  await s3.createBucket(bucket);
  const endpoint = await AwsEndpoint.start();
  const restore = setEnv({
    ...s3.env,
    ...endpoint.env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL: undefined,
    ...env,
  });
  return {
    s3,
    endpoint,
    async stop() {
      restore();
      await endpoint.close();
      await s3.stop();
    },
  };
}
