/**
 * Objects under the CDR prefix that are not CDRs and are skipped without being read: S3 "folder"
 * markers (keys ending in `/`, often zero bytes, made by consoles and sync tools), dot-files
 * (`.DS_Store`, `._x` from macOS copies) and this tool's own temporary files (`<name>.tmp-<pid>-…`,
 * left by a run that was killed). They are counted per reason, never rejected. Pure functions.
 */

/** Why an object was skipped. */
export type SkipReason = 'folder-marker' | 'dot-file' | 'temp-file';

/** Every skip reason, in the order the manifest lists them. */
export const SKIP_REASONS: readonly SkipReason[] = ['folder-marker', 'dot-file', 'temp-file'];

/** The reason to skip the object `key` without reading it, or undefined for a CDR candidate. */
export function skipReason(key: string): SkipReason | undefined {
  if (key.endsWith('/')) return 'folder-marker';
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (name.includes('.tmp-')) return 'temp-file';
  if (name.startsWith('.')) return 'dot-file';
  return undefined;
}
