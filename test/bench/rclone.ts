/**
 * `rclone cat` as the yardstick for reading S3 objects (a Go S3 client: Debian's `rclone`): the CPU it
 * spends just reading the objects the job reads. Configured by environment variables only (no config
 * file), for an S3-compatible endpoint with path-style addressing.
 */

import { spawnSync } from 'node:child_process';
import { hasGnuTime, type Measurement, measureChild } from './measure';

/** The remote name used in `rclone cat <REMOTE>:bucket/prefix`. */
export const RCLONE_REMOTE = 'cdrbench';

/** Why rclone cannot be measured here (not installed, no GNU time), or undefined when it can. */
export function rcloneMissing(): string | undefined {
  const version = spawnSync('rclone', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (version.error || version.status !== 0) {
    return 'rclone is not installed (Debian: apt-get install -y rclone), so it is not compared';
  }
  if (!hasGnuTime())
    return 'rclone is installed but /usr/bin/time is not (apt-get install -y time), so it is not measured';
  return undefined;
}

/** `rclone version`'s first line (`rclone v1.60.1-DEV`). */
export function rcloneVersion(): string {
  const version = spawnSync('rclone', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (version.stdout ?? '').split('\n')[0]?.trim() ?? 'rclone';
}

/** RCLONE_CONFIG_<REMOTE>_* variables for an S3-compatible endpoint (path style, static credentials). */
export function rcloneEnv(
  endpoint: string,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
  region: string,
): Record<string, string> {
  const prefix = `RCLONE_CONFIG_${RCLONE_REMOTE.toUpperCase()}_`;
  return {
    // No config file: only the variables below.
    RCLONE_CONFIG: '/dev/null',
    // Plain HTTP to a local endpoint: a CA bundle from the environment would only fail rclone's set-up.
    AWS_CA_BUNDLE: '',
    [`${prefix}TYPE`]: 's3',
    [`${prefix}PROVIDER`]: 'Other',
    [`${prefix}ENDPOINT`]: endpoint,
    [`${prefix}FORCE_PATH_STYLE`]: 'true',
    [`${prefix}REGION`]: region,
    [`${prefix}ACCESS_KEY_ID`]: credentials.accessKeyId,
    [`${prefix}SECRET_ACCESS_KEY`]: credentials.secretAccessKey,
  };
}

/**
 * Runs `rclone cat <remote>:<path>` (every object below the path, concatenated to stdout, which is
 * captured so its size can be checked) and measures its CPU.
 */
export function measureRcloneCat(path: string, env: Record<string, string>, cwd: string): Measurement {
  const m = measureChild('rclone', ['cat', `${RCLONE_REMOTE}:${path}`, '--quiet'], cwd, env);
  if (m.exitCode !== 0) throw new Error(`rclone cat failed (exit ${m.exitCode}): ${m.stderr.trim().slice(-500)}`);
  return m;
}
