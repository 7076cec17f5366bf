/**
 * Runs one child process and measures it: wall time (spawn to exit, as seen by the harness), peak RSS
 * and CPU time (user + system). Peak RSS and CPU come from GNU `/usr/bin/time` when present (the
 * kernel's rusage of the child), else from a `--require` preload that records
 * `process.resourceUsage()` as the child's main thread exits (same numbers for a single process).
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one child run cost. */
export interface Measurement {
  readonly exitCode: number | null;
  readonly wallSeconds: number;
  readonly maxRssBytes: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
  readonly stdout: string;
  readonly stderr: string;
  /** How RSS/CPU were measured. */
  readonly method: 'gnu-time' | 'resourceUsage';
}

const GNU_TIME = '/usr/bin/time';

let gnuTimeWorks: boolean | undefined;

/** Whether GNU time (with -f and -o) is usable here (BENCH_RUSAGE=preload forces the preload instead). */
export function hasGnuTime(): boolean {
  if (gnuTimeWorks === undefined) {
    gnuTimeWorks =
      process.env.BENCH_RUSAGE !== 'preload' &&
      existsSync(GNU_TIME) &&
      spawnSync(GNU_TIME, ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' }).status === 0;
  }
  return gnuTimeWorks;
}

const PRELOAD = `'use strict';
const { isMainThread } = require('node:worker_threads');
const file = process.env.BENCH_RUSAGE_FILE;
if (isMainThread && file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    require('node:fs').writeFileSync(file, [u.maxRSS, u.userCPUTime / 1e6, u.systemCPUTime / 1e6].join(' '));
  });
}
`;

/**
 * Runs `command args` (a node binary and its arguments; any program with GNU time) in `cwd`, with
 * `extraEnv` over the environment, and measures it. Stdout and stderr are captured (the job logs JSON
 * on stderr).
 */
export function measureChild(
  command: string,
  args: readonly string[],
  cwd: string,
  extraEnv: Readonly<Record<string, string>> = {},
): Measurement {
  const dir = mkdtempSync(join(tmpdir(), 'cdr-bench-'));
  const usageFile = join(dir, 'usage');
  try {
    const gnu = hasGnuTime();
    let file: string;
    let fileArgs: string[];
    const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
    if (gnu) {
      file = GNU_TIME;
      fileArgs = ['-f', '%M %U %S', '-o', usageFile, command, ...args];
    } else {
      const preload = join(dir, 'rusage.js');
      writeFileSync(preload, PRELOAD);
      env.BENCH_RUSAGE_FILE = usageFile;
      file = command;
      fileArgs = ['--require', preload, ...args];
    }
    const started = performance.now();
    const result = spawnSync(file, fileArgs, {
      cwd,
      env,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const wallSeconds = (performance.now() - started) / 1000;
    if (result.error) throw result.error;
    let usage = existsSync(usageFile) ? readFileSync(usageFile, 'utf8').trim() : '';
    // GNU time prefixes "Command exited with non-zero status N" on failure; the numbers are on the last line.
    usage = usage.split('\n').pop() ?? '';
    const parts = usage.split(/\s+/).map(Number);
    const [rssKb, user, system] = parts;
    const ok = parts.length === 3 && parts.every((v) => Number.isFinite(v));
    if (result.status === 0 && !ok)
      throw new Error(`could not read the child's resource usage (${JSON.stringify(usage)})`);
    return {
      exitCode: result.status,
      wallSeconds,
      maxRssBytes: ok ? (rssKb ?? 0) * 1024 : 0,
      userSeconds: ok ? (user ?? 0) : 0,
      systemSeconds: ok ? (system ?? 0) : 0,
      stdout: result.stdout,
      stderr: result.stderr,
      method: gnu ? 'gnu-time' : 'resourceUsage',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
