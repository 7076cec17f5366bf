/** A parsed `--source`/`--dest`/`--prices` argument. */
export type StoreLocation =
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string }
  | { readonly kind: 'local'; readonly path: string };

/**
 * A one-line hint when a location looks like a mistyped S3 URI (`S3://b`, `s3:/b`, `s3//b`, `s3:b`,
 * `s3:\\b`) or carries leading or trailing whitespace; undefined for a well-formed `s3://` URI or an
 * ordinary path. Such text must never be taken for a local folder (a folder named `S3:` would be
 * created and written to).
 */
export function mistypedLocationHint(text: string): string | undefined {
  if (text !== text.trim()) return `${JSON.stringify(text)} has leading or trailing whitespace`;
  if (text.startsWith('s3://')) return undefined;
  const scheme = /^s3(?::[/\\]*|[/\\]{2})(.*)$/i.exec(text);
  if (scheme) {
    return `${JSON.stringify(text)} looks like a mistyped S3 URI: write s3://${(scheme[1] ?? '').replace(/^[/\\]+/, '') || 'bucket'} (lower-case "s3", then "://")`;
  }
  return undefined;
}

/**
 * Parses `s3://bucket[/prefix]` or a local path. The S3 prefix is normalized to end with `/`
 * (or be empty). Throws for a mistyped S3 URI (see mistypedLocationHint) or an invalid bucket name.
 */
export function parseLocation(text: string): StoreLocation {
  const hint = mistypedLocationHint(text);
  if (hint !== undefined) throw new Error(hint);
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
