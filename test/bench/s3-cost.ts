/**
 * `npm run bench -- --s3`: what reading CDRs from S3 costs our process, measured against s3rver (a
 * local S3 server in its own process, so its CPU is not ours). The same generated CDRs are summarized
 * from local disk and from s3rver, alternately; the extra CPU of the S3 runs divided by the GETs they
 * made is the client CPU per GET (SDK, signing, HTTP, sockets). Wall times against s3rver say little
 * about real S3 (the server shares these 2 cores, latency is ~0), so only CPU is reported.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startS3rver } from '../support/s3rver';
import { type Measurement, measureChild } from './measure';
import { fmtInt, fmtSeconds, median, table } from './stats';

/** What `measureS3ClientCost` needs from the bench harness. */
export interface S3CostSetup {
  readonly cli: string;
  readonly root: string;
  /** Local copy of the same generated data (prices are read from it in both runs). */
  readonly localData: string;
  readonly offer: string;
  readonly calls: number;
  readonly seed: number;
  readonly connectors: number;
  readonly days: number;
  readonly end: string;
  readonly runs: number;
  readonly log: (line: string) => void;
}

/** Figures of the S3 comparison. */
export interface S3Cost {
  readonly report: string;
  /** Client CPU seconds per GET (extra CPU of the S3 runs over the local ones, per request). */
  readonly cpuPerGetSeconds: number;
  /** CPU seconds per CDR when reading from S3. */
  readonly cpuPerCdrSeconds: number;
}

const BUCKET = 'cdr-bench';

function requestsOf(m: Measurement): number {
  for (const line of m.stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: unknown; requests?: unknown };
      if (entry.msg === 'run statistics' && typeof entry.requests === 'number') return entry.requests;
    } catch {
      // not a log line
    }
  }
  throw new Error('the run logged no "run statistics" line with a request count');
}

/** Uploads the CDRs to s3rver (`cdr-summary generate --out s3://…`), then measures both kinds of run. */
export async function measureS3ClientCost(setup: S3CostSetup): Promise<S3Cost> {
  const server = await startS3rver();
  const saved = { ...process.env };
  const dest = mkdtempSync(join(tmpdir(), 'cdr-bench-s3-out-'));
  try {
    await server.createBucket(BUCKET);
    Object.assign(process.env, server.env);
    setup.log(`uploading ${fmtInt(setup.calls)} CDRs to s3rver (cdr-summary generate --out s3://${BUCKET}) …`);
    const generate = measureChild(
      process.execPath,
      [
        setup.cli,
        'generate',
        '--out',
        `s3://${BUCKET}`,
        '--calls',
        String(setup.calls),
        '--days',
        String(setup.days),
      ].concat(['--connectors', String(setup.connectors), '--seed', String(setup.seed), '--end', setup.end]),
      setup.root,
    );
    if (generate.exitCode !== 0) throw new Error(`generate to s3rver failed: ${generate.stderr.trim().slice(-500)}`);
    const run = (source: string): Measurement => {
      rmSync(join(dest, 'Amazon-Chime-Voice-Connector-Summary'), { recursive: true, force: true });
      const m = measureChild(
        process.execPath,
        [setup.cli, 'run', '--source', source, '--dest', dest, '--prices', setup.offer].concat([
          '--frequency',
          'Weekly',
          '--end',
          setup.end,
          '--log-level',
          'info',
        ]),
        setup.root,
      );
      if (m.exitCode !== 0) throw new Error(`our job failed on ${source}: ${m.stderr.trim().slice(-500)}`);
      const manifest = JSON.parse(
        readFileSync(
          join(dest, 'Amazon-Chime-Voice-Connector-Summary', 'csv', 'Weekly', ...setup.end.split('-'), 'manifest.json'),
          'utf8',
        ),
      ) as { recordsRated: number; recordsUnrated: number };
      if (manifest.recordsRated + manifest.recordsUnrated !== setup.calls) {
        throw new Error(
          `our job on ${source} counted ${manifest.recordsRated + manifest.recordsUnrated} calls, not ${setup.calls}`,
        );
      }
      return m;
    };
    const local: Measurement[] = [];
    const s3: Measurement[] = [];
    for (let i = 1; i <= setup.runs; i++) {
      local.push(run(setup.localData));
      s3.push(run(`s3://${BUCKET}`));
      const last = s3[s3.length - 1] as Measurement;
      setup.log(
        `s3 run ${i}/${setup.runs}: ${fmtSeconds(last.userSeconds + last.systemSeconds)} CPU, ${fmtInt(requestsOf(last))} requests`,
      );
    }
    const cpu = (ms: readonly Measurement[]) => median(ms.map((m) => m.userSeconds + m.systemSeconds));
    const requests = median(s3.map(requestsOf));
    const localCpu = cpu(local);
    const s3Cpu = cpu(s3);
    const perGet = Math.max(0, s3Cpu - localCpu) / requests;
    const n = setup.calls;
    const us = (seconds: number) => `${(seconds * 1e6).toFixed(1)} µs`;
    const report =
      `\nreading from S3 (s3rver in its own process; our CPU only; median of ${setup.runs}; ${fmtInt(n)} CDRs, outputs to local disk;\n` +
      `default threads: no workers below 4 cores; on disk the file reader thread too)\n\n` +
      table(
        ['source', 'CPU (user+sys)', 'CPU per CDR', 'requests'],
        [
          ['local disk', fmtSeconds(localCpu), us(localCpu / n), '0'],
          ['S3 (s3rver, HTTP)', fmtSeconds(s3Cpu), us(s3Cpu / n), fmtInt(requests)],
        ],
      ) +
      `client CPU per S3 request = (${fmtSeconds(s3Cpu)} - ${fmtSeconds(localCpu)}) / ${fmtInt(requests)} = ${us(perGet)}` +
      ` (GETs, plus one LIST per 1,000 keys of a day folder)\n` +
      `CPU-bound ceiling on S3 with the GETs on one thread = 1 / ${us(s3Cpu / n)} = ${fmtInt(Math.floor(1 / (s3Cpu / n)))} CDRs/s; ` +
      `reaching it at ~40 ms per GET needs ~${fmtInt(Math.ceil((1 / (s3Cpu / n)) * 0.04))} GETs in flight (--concurrency)\n`;
    return { report, cpuPerGetSeconds: perGet, cpuPerCdrSeconds: s3Cpu / n };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    rmSync(dest, { recursive: true, force: true });
    await server.stop();
  }
}
