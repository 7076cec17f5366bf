import type { S3Client } from '@aws-sdk/client-s3';
import { LocalStore } from './local';
import { parseLocation, type StoreLocation } from './location';
import { type ObjectStore, StoreLocationError } from './object-store';

/** Options for `openStore`. */
export interface OpenStoreOptions {
  /** Create a missing local folder (outputs). S3 buckets are never created. */
  create?: boolean;
  /** S3 client to use for `s3://` locations; the caller keeps ownership. Default: a new client from the environment. */
  client?: S3Client;
  /** S3 only: a key prefix to check access with before returning (see S3StoreOptions.probe). */
  probe?: string;
  /** S3 only: small-object reads through the fast GET path (see S3StoreOptions.fastGet; default from the environment). */
  fastGet?: boolean;
  /** Local folders only: read batches of small files on a helper thread (see LocalStoreOptions). */
  readThread?: boolean;
}

/** The S3 store, loaded on first use: the AWS SDK costs a quarter of a second to load, which local runs never need. */
function s3Module(): typeof import('./s3') {
  return require('./s3') as typeof import('./s3');
}

/** Opens the root of an S3 bucket as a store (for `--prices s3://…`, see loadPricesArgument). */
export function openS3Bucket(bucket: string): Promise<ObjectStore> {
  return s3Module().S3Store.open(bucket, '');
}

/**
 * Opens a `--source`/`--dest`/`--prices` location: `s3://bucket[/prefix]` as an S3Store, anything
 * else as a local folder. Throws StoreLocationError when the location cannot be used.
 */
export async function openStore(text: string, options: OpenStoreOptions = {}): Promise<ObjectStore> {
  let location: StoreLocation;
  try {
    location = parseLocation(text);
  } catch (error) {
    // A bad URI is a location problem like any other: one clear StoreLocationError.
    throw new StoreLocationError(error instanceof Error ? error.message : String(error));
  }
  if (location.kind === 's3') {
    return s3Module().S3Store.open(location.bucket, location.prefix, {
      client: options.client,
      create: options.create,
      probe: options.probe,
      fastGet: options.fastGet,
    });
  }
  return LocalStore.open(location.path, { create: options.create, readThread: options.readThread });
}
