/**
 * `npm run bench -- --s3`: what reading CDRs from S3 costs our process, measured against s3rver (a
 * local S3 server in its own process, so its CPU is not ours). The same generated CDRs are summarized
 * from local disk and from s3rver (with the fast GET path, and with the SDK's GetObject for
 * comparison), and read by `rclone cat` (a Go S3 client doing nothing but reading them), alternately;
 * CPU per CDR of each, the extra CPU of the S3 runs over the local ones per request, and ours against
 * rclone. Wall times against s3rver say little about real S3 (the server shares these 2 cores, latency
 * is ~0), so only CPU is reported.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateArgs } from '../support/cli';
import { S3RVER_CREDENTIALS, startS3rver } from '../support/s3rver';
import { type Measurement, measureChild } from './measure';
import { measureRcloneCat, rcloneEnv, rcloneMissing, rcloneVersion } from './rclone';
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
  /** CPU seconds per CDR when reading from S3 (the whole job, fast GET path). */
  readonly cpuPerCdrSeconds: number;
  /** CPU seconds per object of `rclone cat` reading the same objects; undefined without rclone. */
  readonly rcloneCpuPerObjectSeconds?: number;
}

const BUCKET = 'cdr-bench';

/** A number field of the run's `run statistics` log line. */
function statistic(m: Measurement, field: 'requests' | 'bytesIn'): number {
  for (const line of m.stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const value = entry[field];
      if (entry.msg === 'run statistics' && typeof value === 'number') return value;
    } catch {
      // not a log line
    }
  }
  throw new Error(`the run logged no "run statistics" line with ${field}`);
}

function requestsOf(m: Measurement): number {
  return statistic(m, 'requests');
}

const cpuOf = (m: Measurement) => m.userSeconds + m.systemSeconds;

/** Bytes a run reads from its (local) destination besides the CDRs: its leases and earlier manifests. */
const DESTINATION_READ_ALLOWANCE = 64 * 1024;

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
        ...generateArgs({
          out: `s3://${BUCKET}`,
          calls: setup.calls,
          days: setup.days,
          end: setup.end,
          connectors: setup.connectors,
          seed: setup.seed,
        }),
      ],
      setup.root,
    );
    if (generate.exitCode !== 0) throw new Error(`generate to s3rver failed: ${generate.stderr.trim().slice(-500)}`);
    const run = (source: string, env: Record<string, string> = {}): Measurement => {
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
        env,
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
    const missing = rcloneMissing();
    const rclone = rcloneEnv(server.endpoint, S3RVER_CREDENTIALS, 'us-east-1');
    if (missing) setup.log(`NOTE: ${missing}`);
    const local: Measurement[] = [];
    const fast: Measurement[] = [];
    const sdk: Measurement[] = [];
    const cat: Measurement[] = [];
    for (let i = 1; i <= setup.runs; i++) {
      local.push(run(setup.localData));
      const f = run(`s3://${BUCKET}`, { CDR_S3_FAST_GET: '1' });
      fast.push(f);
      const k = run(`s3://${BUCKET}`, { CDR_S3_FAST_GET: '0' });
      sdk.push(k);
      let line = `s3 run ${i}/${setup.runs}: ours ${fmtSeconds(cpuOf(f))} CPU (fast GET), ${fmtSeconds(cpuOf(k))} (SDK GET), ${fmtInt(requestsOf(f))} requests`;
      if (!missing) {
        const c = measureRcloneCat(`${BUCKET}/Amazon-Chime-Voice-Connector-CDRs/`, rclone, setup.root);
        // The same objects: rclone's output is every CDR object's bytes, which our run counted in bytesIn,
        // beside the few small objects it reads from the destination (period and day leases, manifests).
        const bytes = Buffer.byteLength(c.stdout);
        const ours = statistic(f, 'bytesIn');
        if (ours < bytes || ours - bytes > DESTINATION_READ_ALLOWANCE) {
          throw new Error(`rclone cat read ${bytes} bytes, our run ${ours}: not the same objects`);
        }
        cat.push(c);
        line += `; rclone cat ${fmtSeconds(cpuOf(c))} CPU`;
      }
      setup.log(line);
    }
    const cpu = (ms: readonly Measurement[]) => median(ms.map(cpuOf));
    const least = (ms: readonly Measurement[]) => Math.min(...ms.map(cpuOf));
    const requests = median(fast.map(requestsOf));
    const n = setup.calls;
    const localCpu = cpu(local);
    const fastCpu = cpu(fast);
    const sdkCpu = cpu(sdk);
    const perGet = Math.max(0, fastCpu - localCpu) / requests;
    const sdkPerGet = Math.max(0, sdkCpu - localCpu) / median(sdk.map(requestsOf));
    const us = (seconds: number) => `${(seconds * 1e6).toFixed(1)} µs`;
    const row = (label: string, ms: readonly Measurement[], reqs: string) => [
      label,
      fmtSeconds(cpu(ms)),
      us(cpu(ms) / n),
      us(least(ms) / n),
      reqs,
    ];
    const rows = [
      row('local disk (ours)', local, '0'),
      row('S3, ours: fast GET (undici + SigV4)', fast, fmtInt(requests)),
      row('S3, ours: SDK GetObject (CDR_S3_FAST_GET=0)', sdk, fmtInt(median(sdk.map(requestsOf)))),
    ];
    let versus = '';
    let rcloneCpuPerObjectSeconds: number | undefined;
    if (cat.length > 0) {
      rows.push(row(`S3, ${rcloneVersion()} cat (reading only)`, cat, '-'));
      rcloneCpuPerObjectSeconds = cpu(cat) / n;
      versus =
        `ours (whole job, fast GET) / rclone cat, CPU per CDR: median ${us(fastCpu / n)} / ${us(cpu(cat) / n)} = ` +
        `${(fastCpu / cpu(cat)).toFixed(2)}×; least ${us(least(fast) / n)} / ${us(least(cat) / n)} = ` +
        `${(least(fast) / least(cat)).toFixed(2)}× (≤ 1 means ours spends less)\n`;
    } else {
      versus = `rclone cat: not measured — ${missing}\n`;
    }
    const report =
      `\nreading from S3 (s3rver in its own process; CPU of the measured process only; median and least of ${setup.runs}; ` +
      `${fmtInt(n)} CDRs, outputs to local disk;\ndefault threads: no workers below 4 cores; on disk the file reader thread too)\n\n` +
      table(['source', 'CPU (user+sys)', 'CPU per CDR', 'least per CDR', 'requests'], rows) +
      versus +
      `client CPU per S3 request, fast GET = (${fmtSeconds(fastCpu)} - ${fmtSeconds(localCpu)}) / ${fmtInt(requests)} = ${us(perGet)}; ` +
      `SDK GetObject: ${us(sdkPerGet)} (GETs, plus one LIST per 1,000 keys of a day folder)\n` +
      `CPU-bound ceiling on S3 with the GETs on one thread = 1 / ${us(fastCpu / n)} = ${fmtInt(Math.floor(1 / (fastCpu / n)))} CDRs/s; ` +
      `reaching it at ~40 ms per GET needs ~${fmtInt(Math.ceil((1 / (fastCpu / n)) * 0.04))} GETs in flight (--concurrency)\n`;
    return { report, cpuPerGetSeconds: perGet, cpuPerCdrSeconds: fastCpu / n, rcloneCpuPerObjectSeconds };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    rmSync(dest, { recursive: true, force: true });
    await server.stop();
  }
}
