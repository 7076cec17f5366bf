/**
 * `npm run bench`: our whole job (`cdr-summary run`) against DuckDB doing the same whole job on the
 * same generated CDR objects (real key layout, local file system), alternately, R times each; medians
 * of wall time, CDRs/s and peak RSS, the ratio, an answer check, and an AWS sizing guide derived from
 * the measured CPU time per CDR. Not part of `npm test`.
 *
 *   npm run bench -- [--calls N] [--runs R] [--scale] [--s3] [--listing] [--deck P] [--seed S] [--connectors C] [--cpu-prof] [--rev COMMIT]
 *
 * Data is generated once into `.bench-cache/<calls>-<seed>/` and reused. See docs/performance.md.
 */

import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { measureListing } from './listing';
import { formatMachine, machineInfo } from './machine';
import { hasGnuTime, type Measurement, measureChild } from './measure';
import { topSelfTime } from './profile';
import { syntheticDeck } from './rate-deck';
import { measureS3ClientCost } from './s3-cost';
import { type ExpectedAnswer, sizingReport } from './sizing';
import { fmtBytes, fmtInt, fmtRate, fmtSeconds, median, table } from './stats';

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, '.bench-cache');
/** The compiled CLI under test (a snapshot of dist/job, see prepareCli). */
let CLI = join(ROOT, 'bin', 'cdr-summary.js');
const SERVICE_PREFIX = 'Amazon-Chime-Voice-Connector';
const OFFER = join('prices', 'AmazonChimeVoiceConnector-offer.json');
/** Fixed so every generated day is inside the Weekly period ending on END. */
const END = '2025-03-04';
const PERIOD_START = '2025-02-26';
const DAYS = 7;
const SCALE_POINTS = [10_000, 100_000, 1_000_000] as const;
/** CDRs uploaded to s3rver for `--s3` (uploading is slow: ~1 ms per object). */
const S3_CALLS = 20_000;
/** `--listing`: a period of many connectors with few calls each, where LIST latency, not reading, dominates. */
const LISTING_CALLS = 4_000;
const LISTING_CONNECTORS = 200;

class BenchError extends Error {}

interface Options {
  readonly calls: number;
  readonly runs: number;
  readonly scale: boolean;
  readonly seed: number;
  readonly connectors: number;
  readonly cpuProf: boolean;
  readonly rev: string | undefined;
  readonly s3: boolean;
  readonly listing: boolean;
  /** Prefixes of the synthetic rate deck whose cost is measured (0: not measured). */
  readonly deck: number;
  /** Measure only the deck's cost (no DuckDB comparison, no sizing). */
  readonly deckOnly: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let calls = 200_000;
  let runs = 5;
  let scale = false;
  let seed = 1;
  let connectors = 10;
  let cpuProf = false;
  let s3 = false;
  let listing = false;
  let deck = 0;
  let deckOnly = false;
  let rev: string | undefined;
  const whole = (flag: string, text: string | undefined, min: number): number => {
    if (text === undefined || !/^\d+$/.test(text) || Number(text) < min) {
      throw new BenchError(
        `${flag} needs a whole number ≥ ${min}, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`,
      );
    }
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--calls') calls = whole(arg, argv[++i], 1);
    else if (arg === '--runs') runs = whole(arg, argv[++i], 1);
    else if (arg === '--seed') seed = whole(arg, argv[++i], 0);
    else if (arg === '--connectors') connectors = whole(arg, argv[++i], 1);
    else if (arg === '--scale') scale = true;
    else if (arg === '--cpu-prof') cpuProf = true;
    else if (arg === '--s3') s3 = true;
    else if (arg === '--listing') listing = true;
    else if (arg === '--deck') deck = whole(arg, argv[++i], 1);
    else if (arg === '--deck-only') deckOnly = true;
    else if (arg === '--rev') {
      rev = argv[++i];
      if (rev === undefined || rev.startsWith('-')) throw new BenchError('--rev needs a git revision');
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'usage: npm run bench -- [--calls N (200000)] [--runs R (5)] [--scale] [--s3] [--listing] [--deck P] [--seed S (1)] [--connectors C (10)] [--cpu-prof] [--rev COMMIT]\n' +
          '  --scale     also our throughput and peak RSS at 10k / 100k / 1M CDRs (1M is generated once, ~2 min)\n' +
          '  --s3        also our client CPU per S3 GET: 20,000 CDRs read from s3rver vs from local disk, and rclone cat reading them\n' +
          '  --listing   also the crawl of a 200-connector period on s3rver behind 20-40 ms of latency, at several LIST concurrencies\n' +
          '  --deck P    also the cost of --rate-deck with a synthetic P-prefix deck (e.g. 50000): alternating runs with and without\n' +
          '  --deck-only with --deck: measure only that (no DuckDB comparison, no sizing)\n' +
          '  --cpu-prof  one extra run of our job under node --cpu-prof; prints the top self-time functions\n' +
          '  --rev C     measure commit C (built apart in .bench-cache/rev-<sha>/) instead of the working tree\n',
      );
      process.exit(0);
    } else throw new BenchError(`unknown option ${JSON.stringify(arg)} (try --help)`);
  }
  if (deckOnly && deck === 0) throw new BenchError('--deck-only needs --deck P');
  return { calls, runs, scale, seed, connectors, cpuProf, rev, s3, listing, deck, deckOnly };
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Newest modification time (ms) of the files under `dir` whose names pass `keep`. */
function newestMtime(dir: string, keep: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, keep));
    else if (keep(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is older than the job sources (or missing). */
function distIsStale(): boolean {
  const built = join(ROOT, 'dist', 'job', 'main.js');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(join(ROOT, 'job'), (name) => name.endsWith('.ts')),
    ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => statSync(join(ROOT, f)).mtimeMs),
  );
  return sources > statSync(built).mtimeMs;
}

/** Runs `npm run build` when dist/ is stale: the CLI we measure is the compiled one (dist/), as in the container. */
function buildJob(): void {
  if (!distIsStale()) {
    log('dist/ is up to date with job/ (no build)');
    return;
  }
  log('npm run build …');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new BenchError(`npm run build failed (exit ${result.status ?? result.signal})`);
}

function git(args: readonly string[]): string {
  const result = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new BenchError(`git ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/**
 * Makes the CLI under test and returns the path of its main.js.
 * - Working tree (default): `npm run build` if dist/ is stale, then a private copy of dist/job, so a
 *   rebuild by someone else during the bench cannot change (or break) the code being measured.
 * - `--rev <commit>`: that commit's job/ exported with `git archive` into .bench-cache/rev-<sha>/ and
 *   compiled there with tsc (node_modules shared through a symlink); the working tree is not touched.
 */
function prepareCli(rev: string | undefined): { cli: string; label: string } {
  if (rev === undefined) {
    buildJob();
    const snapshot = join(CACHE, 'build-worktree');
    rmSync(snapshot, { recursive: true, force: true });
    cpSync(join(ROOT, 'dist', 'job'), join(snapshot, 'dist', 'job'), { recursive: true });
    // The job finds its package root (package.json, data/) by walking up: from here that is ROOT.
    const dirty = git(['status', '--porcelain', '--', 'job']) !== '';
    return {
      cli: join(snapshot, 'dist', 'job', 'main.js'),
      label: `working tree at ${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ' + uncommitted job/ changes' : ''}`,
    };
  }
  const sha = git(['rev-parse', '--verify', `${rev}^{commit}`]);
  const dir = join(CACHE, `rev-${sha.slice(0, 12)}`);
  const main = join(dir, 'dist', 'job', 'main.js');
  if (!existsSync(main)) {
    log(`building ${rev} (${sha.slice(0, 12)}) in ${dir} …`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const archive = spawnSync(
      'git',
      ['archive', '--format=tar', sha, 'job', 'data', 'package.json', 'tsconfig.json', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        maxBuffer: 512 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    if (archive.status !== 0) throw new BenchError(`git archive ${sha} failed: ${archive.stderr.toString().trim()}`);
    const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout, stdio: ['pipe', 'ignore', 'pipe'] });
    if (untar.status !== 0) throw new BenchError(`tar failed: ${untar.stderr.toString().trim()}`);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: dir,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    if (tsc.status !== 0 || !existsSync(main)) {
      rmSync(join(dir, 'dist'), { recursive: true, force: true });
      throw new BenchError(`tsc failed for ${rev} (${sha.slice(0, 12)})`);
    }
  }
  return { cli: main, label: `commit ${sha.slice(0, 12)}` };
}

/** The generated data set of `calls` CDRs (cached: generated once into a `.partial` folder, then renamed). */
function ensureData(calls: number, seed: number, connectors: number): string {
  const dir = join(CACHE, `${calls}-${seed}`);
  const marker = join(dir, 'bench-data.json');
  const wanted = { calls, seed, days: DAYS, connectors, end: END };
  if (existsSync(marker)) {
    const found = JSON.parse(readFileSync(marker, 'utf8')) as typeof wanted;
    if (JSON.stringify(found) === JSON.stringify(wanted)) return dir;
    log(`cached ${dir} was generated with ${JSON.stringify(found)}; regenerating`);
  }
  rmSync(dir, { recursive: true, force: true });
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  log(`generating ${fmtInt(calls)} CDRs into ${dir} (once; reused by later runs) …`);
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [CLI, 'generate', '--out', partial, '--calls', String(calls), '--days', String(DAYS)].concat([
      '--connectors',
      String(connectors),
      '--seed',
      String(seed),
      '--end',
      END,
    ]),
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new BenchError(
      `cdr-summary generate failed (exit ${result.status ?? result.signal}): ${result.stderr.trim()}`,
    );
  }
  renameSync(partial, dir);
  writeFileSync(marker, `${JSON.stringify(wanted)}\n`);
  log(`generated in ${fmtSeconds((performance.now() - started) / 1000)}`);
  return dir;
}

/** Compiles the DuckDB baseline to plain JS so it starts with `node` like our compiled CLI (no tsx in the measurement). */
async function buildBaseline(): Promise<string> {
  const outfile = join(CACHE, 'duckdb-baseline.js');
  await build({
    entryPoints: [join(__dirname, 'duckdb-baseline.ts')],
    outfile,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
  });
  return outfile;
}

/** The job's own account of its cost insight (the `insight written` log line), in ms. */
interface InsightCost {
  readonly aggregationMs: number;
  readonly historyMs: number;
  readonly detectMs: number;
  readonly dashboardMs: number;
  readonly writeMs: number;
  readonly insightMs: number;
}

interface OurResult extends ExpectedAnswer {
  readonly m: Measurement;
  readonly jobMs: number | undefined;
  readonly insight: InsightCost | undefined;
  readonly manifest: Manifest;
}

interface Manifest {
  readonly chargedTotal?: { readonly currency: string; readonly amount: string; readonly calls: number } | null;
  readonly deckNoMatch?: number;
  readonly objectsRead: number;
  readonly recordsRated: number;
  readonly recordsUnrated: number;
  readonly recordsRejected: number;
  readonly totalCost: string;
}

function summaryFolder(data: string): string {
  return join(data, `${SERVICE_PREFIX}-Summary`);
}

function runOurs(data: string, extraNodeArgs: readonly string[] = [], extraJobArgs: readonly string[] = []): OurResult {
  // A clean slate: no outputs of an earlier run (ours replaces them anyway, but deleting costs nothing here).
  rmSync(summaryFolder(data), { recursive: true, force: true });
  const m = measureChild(
    process.execPath,
    [...extraNodeArgs, CLI, 'run', '--source', data, '--prices', join(data, OFFER)].concat(
      ['--frequency', 'Weekly', '--end', END, '--quiet'],
      extraJobArgs,
    ),
    ROOT,
  );
  if (m.exitCode !== 0) throw new BenchError(`our job failed (exit ${m.exitCode}): ${lastLines(m.stderr)}`);
  const manifestPath = join(summaryFolder(data), 'csv', 'Weekly', ...END.split('-'), 'manifest.json');
  if (!existsSync(manifestPath)) throw new BenchError(`our job exited 0 but wrote no manifest at ${manifestPath}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  let jobMs: number | undefined;
  let insight: InsightCost | undefined;
  for (const line of m.stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: unknown; durationMs?: unknown; insightMs?: unknown };
      if (entry.msg === 'summary written' && typeof entry.durationMs === 'number') jobMs = entry.durationMs;
      if (entry.msg === 'insight written' && typeof entry.insightMs === 'number')
        insight = entry as unknown as InsightCost;
    } catch {
      // not a log line
    }
  }
  return {
    m,
    jobMs,
    insight,
    manifest,
    calls: manifest.recordsRated + manifest.recordsUnrated,
    rated: manifest.recordsRated,
    unrated: manifest.recordsUnrated,
    totalCost: manifest.totalCost,
  };
}

interface DuckResult extends ExpectedAnswer {
  readonly m: Measurement;
}

function runDuckDB(baseline: string, data: string): DuckResult {
  const out = mkdtempSync(join(CACHE, 'duckdb-out-'));
  try {
    const m = measureChild(process.execPath, [baseline, data, join(data, OFFER), PERIOD_START, END, out], ROOT);
    if (m.exitCode !== 0) throw new BenchError(`DuckDB baseline failed (exit ${m.exitCode}): ${lastLines(m.stderr)}`);
    const answer = JSON.parse(m.stdout.trim().split('\n').pop() ?? '') as ExpectedAnswer;
    return { m, ...answer };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-8).join('\n  ') || '(no output)';
}

/** Exact decimal text in canonical form (no trailing fraction zeros, no trailing point). */
export function canonicalDecimal(text: string): string {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) throw new BenchError(`not a decimal: ${JSON.stringify(text)}`);
  if (!trimmed.includes('.')) return trimmed;
  return trimmed.replace(/0+$/, '').replace(/\.$/, '');
}

export function checkAnswers(ours: ExpectedAnswer, duck: ExpectedAnswer, calls: number): string[] {
  const problems: string[] = [];
  const pairs: [string, string, string][] = [
    ['calls (rated + unrated)', String(ours.calls), String(duck.calls)],
    ['rated', String(ours.rated), String(duck.rated)],
    ['unrated', String(ours.unrated), String(duck.unrated)],
    ['total cost', canonicalDecimal(ours.totalCost), canonicalDecimal(duck.totalCost)],
  ];
  for (const [what, a, b] of pairs) if (a !== b) problems.push(`${what}: ours ${a} vs DuckDB ${b}`);
  if (ours.calls !== calls) problems.push(`calls: ours ${ours.calls}, generated ${calls}`);
  return problems;
}

/**
 * What the cost insight costs: the job's own timings (aggregating in the chunk pass, reading the
 * history, the anomaly detectors, rendering the dashboard, writing the three files) against the
 * whole job's wall time (process start to exit), median over the runs. Target: ≤ 10 %.
 */
export function insightReport(runs: readonly OurResult[]): string {
  const measured = runs.filter((r): r is OurResult & { insight: InsightCost } => r.insight !== undefined);
  if (measured.length === 0) return 'cost insight: no `insight written` line in the job log (job predates it)\n';
  const part = (key: keyof InsightCost) => median(measured.map((r) => r.insight[key]));
  const share = median(measured.map((r) => r.insight.insightMs / (r.m.wallSeconds * 1000)));
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  return (
    `cost insight (aggregates + history + anomalies + dashboard + writes), median of ${measured.length}: ` +
    `${ms(part('insightMs'))} = ${(share * 100).toFixed(1)} % of the job's wall time ` +
    `(target ≤ 10 %${share <= 0.1 ? ': OK' : ': OVER'})\n` +
    `  aggregating ${ms(part('aggregationMs'))}, history ${ms(part('historyMs'))}, anomalies ${ms(part('detectMs'))}, ` +
    `dashboard ${ms(part('dashboardMs'))}, writes ${ms(part('writeMs'))}\n`
  );
}

function profile(data: string): void {
  // Only the latest profile is kept (open the .cpuprofile in Chrome DevTools or speedscope for the full picture).
  const dir = join(CACHE, 'cpu-prof');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Every thread writes its own profile (the job passes --cpu-prof on to its threads, job/worker-script.ts):
  // main (crawl, parse, rate, CSV, Arrow), file reader, Parquet encoder. `--workers 0` keeps the chunk
  // work on the main thread as on this 2-core machine by default.
  const help = spawnSync(process.execPath, [CLI, 'run', '--help'], { cwd: ROOT, encoding: 'utf8' });
  const jobArgs = /--workers\b/.test(help.stdout ?? '') ? ['--workers', '0'] : [];
  log(`profiling one run of our job (node --cpu-prof ${jobArgs.join(' ')}) into ${dir} …`);
  const o = runOurs(data, ['--cpu-prof', `--cpu-prof-dir=${dir}`], jobArgs);
  process.stdout.write(
    `\nprofiled run${jobArgs.length > 0 ? ' (--workers 0)' : ''}, every thread (main, file reader, Parquet encoder): ` +
      `${fmtSeconds(o.m.wallSeconds)} wall, ${fmtSeconds(o.m.userSeconds + o.m.systemSeconds)} CPU\n`,
  );
  process.stdout.write(topSelfTime(dir, ROOT));
}

/**
 * The cost of rating against a rate deck: R alternating runs of our job without and with a
 * synthetic `--deck`-prefix deck on the same data; medians and the extra wall and CPU time.
 */
function deckOverhead(data: string, options: Options): void {
  const deckFile = join(CACHE, `deck-${options.deck}-${options.seed}.csv`);
  if (!existsSync(deckFile)) writeFileSync(deckFile, syntheticDeck(options.deck, options.seed));
  const rows = readFileSync(deckFile, 'utf8').trimEnd().split('\n').length - 1;
  log(`rate deck: ${fmtInt(options.deck)} prefixes, ${fmtInt(rows)} rows (${deckFile})`);
  const plain: OurResult[] = [];
  const decked: OurResult[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const p = runOurs(data);
    plain.push(p);
    const d = runOurs(data, [], ['--rate-deck', deckFile]);
    decked.push(d);
    if (d.totalCost !== p.totalCost)
      throw new BenchError(`the deck changed totalCost: ${d.totalCost} vs ${p.totalCost}`);
    if (!d.manifest.chargedTotal) throw new BenchError('the run with a deck wrote no chargedTotal');
    log(
      `deck run ${run}/${options.runs}: without ${fmtSeconds(p.m.wallSeconds)}, with ${fmtSeconds(d.m.wallSeconds)} wall`,
    );
  }
  const wall = (rs: readonly OurResult[]) => median(rs.map((r) => r.m.wallSeconds));
  const cpu = (rs: readonly OurResult[]) => median(rs.map((r) => r.m.userSeconds + r.m.systemSeconds));
  const pct = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)} %`;
  const last = decked[decked.length - 1] as OurResult;
  process.stdout.write(
    `\nrate deck cost (${fmtInt(options.calls)} CDRs, ${fmtInt(options.deck)}-prefix deck, ${fmtInt(rows)} rows; median of ${options.runs} alternating runs):\n\n`,
  );
  process.stdout.write(
    table(
      ['', 'wall', 'CPU (user+sys)', 'peak RSS'],
      [
        [
          'without --rate-deck',
          fmtSeconds(wall(plain)),
          fmtSeconds(cpu(plain)),
          fmtBytes(median(plain.map((r) => r.m.maxRssBytes))),
        ],
        [
          'with --rate-deck',
          fmtSeconds(wall(decked)),
          fmtSeconds(cpu(decked)),
          fmtBytes(median(decked.map((r) => r.m.maxRssBytes))),
        ],
        ['extra', pct(wall(plain), wall(decked)), pct(cpu(plain), cpu(decked)), ''],
      ],
    ),
  );
  process.stdout.write(
    `charged: ${last.manifest.chargedTotal?.amount} ${last.manifest.chargedTotal?.currency} over ${fmtInt(last.manifest.chargedTotal?.calls ?? 0)} calls, ` +
      `${fmtInt(last.manifest.deckNoMatch ?? 0)} without a matching prefix\n`,
  );
  // The insight also aggregates the charges and draws them (the margin, charged vs cost): its share with a deck.
  process.stdout.write(`without --rate-deck: ${insightReport(plain)}with --rate-deck:    ${insightReport(decked)}`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  mkdirSync(CACHE, { recursive: true });
  const machine = machineInfo();
  process.stdout.write(`machine: ${formatMachine(machine)}\n`);
  const prepared = prepareCli(options.rev);
  CLI = prepared.cli;
  process.stdout.write(
    `job under test: ${prepared.label}; peak RSS and CPU from ${hasGnuTime() ? '/usr/bin/time' : 'process.resourceUsage() (preload)'}\n`,
  );
  const data = ensureData(options.calls, options.seed, options.connectors);
  if (options.deckOnly) {
    deckOverhead(data, options);
    rmSync(summaryFolder(data), { recursive: true, force: true });
    return;
  }
  const baseline = await buildBaseline();

  const ours: OurResult[] = [];
  const duck: DuckResult[] = [];
  const problems: string[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const o = runOurs(data);
    ours.push(o);
    log(
      `run ${run}/${options.runs} ours:   ${fmtSeconds(o.m.wallSeconds)} wall, ${fmtBytes(o.m.maxRssBytes)} peak RSS`,
    );
    const d = runDuckDB(baseline, data);
    duck.push(d);
    log(
      `run ${run}/${options.runs} DuckDB: ${fmtSeconds(d.m.wallSeconds)} wall, ${fmtBytes(d.m.maxRssBytes)} peak RSS`,
    );
    for (const p of checkAnswers(o, d, options.calls)) problems.push(`run ${run}: ${p}`);
  }
  rmSync(summaryFolder(data), { recursive: true, force: true });

  const n = options.calls;
  const stat = (rs: readonly { m: Measurement }[]) => {
    const wall = median(rs.map((r) => r.m.wallSeconds));
    const cpu = median(rs.map((r) => r.m.userSeconds + r.m.systemSeconds));
    return { wall, rate: n / wall, rss: median(rs.map((r) => r.m.maxRssBytes)), cpu };
  };
  const so = stat(ours);
  const sd = stat(duck);
  const jobMs = ours.map((o) => o.jobMs).filter((v): v is number => v !== undefined);
  process.stdout.write(
    `\n${fmtInt(n)} CDRs (Weekly ${PERIOD_START}..${END}, ${options.connectors} connectors, seed ${options.seed}), ` +
      `median of ${options.runs} alternating runs each; wall = process start to exit\n\n`,
  );
  process.stdout.write(
    table(
      ['', 'wall', 'CDRs/s', 'peak RSS', 'CPU (user+sys)'],
      [
        ['ours (cdr-summary run)', fmtSeconds(so.wall), fmtRate(so.rate), fmtBytes(so.rss), fmtSeconds(so.cpu)],
        ['DuckDB (read_json → COPY)', fmtSeconds(sd.wall), fmtRate(sd.rate), fmtBytes(sd.rss), fmtSeconds(sd.cpu)],
        [
          'ours / DuckDB',
          `${(so.wall / sd.wall).toFixed(2)}×`,
          `${(so.rate / sd.rate).toFixed(2)}×`,
          `${(so.rss / sd.rss).toFixed(2)}×`,
          `${(so.cpu / sd.cpu).toFixed(2)}×`,
        ],
      ],
    ),
  );
  if (jobMs.length > 0)
    process.stdout.write(`our job's own durationMs (log), median: ${fmtSeconds(median(jobMs) / 1000)}\n`);
  process.stdout.write(insightReport(ours));
  const first = ours[0];
  if (first !== undefined) {
    process.stdout.write(
      `answers: ours ${fmtInt(first.calls)} calls (${fmtInt(first.rated)} rated, ${fmtInt(first.unrated)} unrated), ` +
        `total ${first.totalCost} USD; DuckDB ${fmtInt(duck[0]?.calls ?? 0)} calls, total ${duck[0]?.totalCost ?? '?'} USD\n`,
    );
  }

  if (options.scale) {
    const rows: string[][] = [];
    for (const calls of SCALE_POINTS) {
      const dir = ensureData(calls, options.seed, options.connectors);
      const rs: OurResult[] = [];
      for (let run = 1; run <= options.runs; run++) {
        const o = runOurs(dir);
        if (o.calls !== calls) problems.push(`scale ${calls}: ours counted ${o.calls} calls`);
        rs.push(o);
        log(
          `scale ${fmtInt(calls)} run ${run}: ${fmtSeconds(o.m.wallSeconds)} wall, ${fmtBytes(o.m.maxRssBytes)} peak RSS`,
        );
      }
      rmSync(summaryFolder(dir), { recursive: true, force: true });
      const wall = median(rs.map((r) => r.m.wallSeconds));
      const cpu = median(rs.map((r) => r.m.userSeconds + r.m.systemSeconds));
      rows.push([
        fmtInt(calls),
        fmtSeconds(wall),
        fmtRate(calls / wall),
        fmtBytes(median(rs.map((r) => r.m.maxRssBytes))),
        `${((cpu / calls) * 1e6).toFixed(1)} µs`,
      ]);
    }
    process.stdout.write(`\ngrowth (ours only, median of ${options.runs}):\n\n`);
    process.stdout.write(table(['CDRs', 'wall', 'CDRs/s', 'peak RSS', 'CPU per CDR'], rows));
  }

  let s3Report = '';
  let s3CpuPerCdrSeconds: number | undefined;
  if (options.s3) {
    const calls = S3_CALLS;
    const cost = await measureS3ClientCost({
      cli: CLI,
      root: ROOT,
      localData: ensureData(calls, options.seed, options.connectors),
      offer: join(CACHE, `${calls}-${options.seed}`, OFFER),
      calls,
      seed: options.seed,
      connectors: options.connectors,
      days: DAYS,
      end: END,
      runs: options.runs,
      log,
    });
    s3Report = cost.report;
    s3CpuPerCdrSeconds = cost.cpuPerCdrSeconds;
  }
  process.stdout.write(s3Report);
  if (options.listing) {
    process.stdout.write(
      await measureListing({
        cli: CLI,
        root: ROOT,
        calls: LISTING_CALLS,
        connectors: LISTING_CONNECTORS,
        seed: options.seed,
        days: DAYS,
        end: END,
        latencyMs: [20, 40],
        log,
      }),
    );
  }
  process.stdout.write(
    `\n${sizingReport({ calls: n, wallSeconds: so.wall, cpuSeconds: so.cpu, peakRssBytes: so.rss, s3CpuPerCdrSeconds })}`,
  );

  if (options.deck > 0) deckOverhead(data, options);
  if (options.cpuProf) profile(data);
  rmSync(summaryFolder(data), { recursive: true, force: true });

  if (problems.length > 0) {
    process.stdout.write(`\n${'!'.repeat(72)}\nMISMATCH — ours and DuckDB disagree:\n`);
    for (const p of problems) process.stdout.write(`  MISMATCH ${p}\n`);
    process.stdout.write(`${'!'.repeat(72)}\n`);
    process.exitCode = 2;
  } else {
    process.stdout.write(
      '\nanswers check: OK (same call count, same rated/unrated split, same exact total cost in every run)\n',
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof BenchError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
