import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LocalStore } from '../store/local';
import { mistypedLocationHint, parseLocation } from '../store/location';
import type { ObjectStore } from '../store/object-store';
import { PriceSourceError } from './errors';

/** Where a `--prices` argument points. */
export type PricesTarget =
  | { readonly kind: 'local'; readonly root: string; readonly key: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string };

/** Opens an S3 bucket as a store (supplied by the caller, so prices do not depend on the S3 code). */
export type OpenS3Store = (bucket: string) => Promise<ObjectStore>;

/**
 * Maps a `--prices` argument to a store root and a key: a local file → its folder and file name; a
 * local folder → the folder and `""`; `s3://bucket/key-or-prefix` → the bucket and the key as
 * given (file or prefix, decided when loading). Throws PriceSourceError for a missing local path or
 * a bad S3 URI.
 */
export async function resolvePricesArgument(text: string): Promise<PricesTarget> {
  const hint = mistypedLocationHint(text);
  if (hint !== undefined) throw new PriceSourceError(hint);
  if (text.startsWith('s3://')) {
    try {
      parseLocation(text);
    } catch (error) {
      throw new PriceSourceError(error instanceof Error ? error.message : String(error));
    }
    const rest = text.slice('s3://'.length);
    const slash = rest.indexOf('/');
    return { kind: 's3', bucket: slash < 0 ? rest : rest.slice(0, slash), key: slash < 0 ? '' : rest.slice(slash + 1) };
  }
  if (text.trim() === '') throw new PriceSourceError('empty price location');
  const absolute = path.resolve(text);
  const stat = await fs.stat(absolute).catch(() => undefined);
  if (!stat) throw new PriceSourceError(`not found: ${absolute}`);
  if (stat.isDirectory()) return { kind: 'local', root: absolute, key: '' };
  return { kind: 'local', root: path.dirname(absolute), key: path.basename(absolute) };
}

/**
 * Opens the store a `--prices` argument points into. `openS3` is required for `s3://` arguments.
 * Returns the store, the key to load, and a human-readable location.
 */
export async function openPricesArgument(
  text: string,
  openS3?: OpenS3Store,
): Promise<{ store: ObjectStore; key: string; location: string }> {
  const target = await resolvePricesArgument(text);
  if (target.kind === 's3') {
    if (!openS3) throw new PriceSourceError(`cannot read ${text}: no S3 store available`);
    return { store: await openS3(target.bucket), key: target.key, location: text };
  }
  const store = await LocalStore.open(target.root);
  return { store, key: target.key, location: target.key === '' ? target.root : path.join(target.root, target.key) };
}
