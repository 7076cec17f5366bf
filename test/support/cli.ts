import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** Outcome of one `cdr-summary` process. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started `cdr-summary` process: the child (to kill or race it) and its eventual outcome. */
export interface StartedCli {
  readonly child: ChildProcess;
  readonly result: Promise<CliResult & { readonly signal: NodeJS.Signals | null }>;
}

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Starts the real CLI (`job/main.ts` through tsx, exactly what `bin/cdr-summary.js` runs once
 * compiled) as a child process, with extra environment variables, without waiting for it.
 */
export function startCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): StartedCli {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'job', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const result = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, result };
}

/** Runs the real CLI to completion (see `startCli`). */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  const { code, stdout, stderr } = await startCli(args, env).result;
  return { code, stdout, stderr };
}

/** What `cdr-summary generate` is asked for (see `generateArgs`). */
export interface SampleSpec {
  /** A folder or `s3://bucket`. */
  readonly out: string;
  readonly calls: number;
  readonly days: number;
  /** Last day of calls, YYYY-MM-DD. */
  readonly end: string;
  readonly connectors?: number;
  readonly seed?: number;
}

/** The arguments of `cdr-summary generate` for a sample (connectors and seed only when given). */
export function generateArgs(spec: SampleSpec): string[] {
  return [
    'generate',
    '--out',
    spec.out,
    '--calls',
    String(spec.calls),
    '--days',
    String(spec.days),
    '--end',
    spec.end,
    ...(spec.connectors === undefined ? [] : ['--connectors', String(spec.connectors)]),
    ...(spec.seed === undefined ? [] : ['--seed', String(spec.seed)]),
  ];
}
