/** A parsed `--source`/`--dest`/`--prices` argument. */
export type StoreLocation =
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string }
  | { readonly kind: 'local'; readonly path: string };

/**
 * Parses `s3://bucket[/prefix]` or a local path. The S3 prefix is normalized to end with `/`
 * (or be empty).
 */
export function parseLocation(text: string): StoreLocation {
  if (text.startsWith('s3://')) {
    const rest = text.slice(5);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    let prefix = slash < 0 ? '' : rest.slice(slash + 1);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new Error(`invalid S3 bucket name in ${JSON.stringify(text)}`);
    }
    if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
    return { kind: 's3', bucket, prefix };
  }
  if (text.trim() === '') throw new Error('empty location');
  return { kind: 'local', path: text };
}
