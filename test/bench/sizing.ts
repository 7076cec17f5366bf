/**
 * The AWS sizing guide printed by the bench: from the measured run (CDRs, wall time and CPU time of
 * our child on this machine), CDRs per day → Batch array size, vCPU/memory per child, expected wall
 * time and cost per run on Fargate (us-east-1 prices), with the arithmetic written out.
 */

import { fmtInt } from './stats';

/** The answer both jobs must agree on. */
export interface ExpectedAnswer {
  readonly calls: number;
  readonly rated: number;
  readonly unrated: number;
  readonly totalCost: string;
}

/** What one measured run of our job gives the model. */
export interface MeasuredRun {
  readonly calls: number;
  readonly wallSeconds: number;
  /** user + system CPU seconds of our child. */
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
  /** CPU seconds per CDR read from S3 (`--s3`, measured against s3rver); undefined when not measured. */
  readonly s3CpuPerCdrSeconds?: number;
}

/** us-east-1 Fargate (Linux/x86) on-demand prices (docs/performance.md names the sources and dates). */
export const FARGATE_VCPU_HOUR = 0.04048;
export const FARGATE_GB_HOUR = 0.004445;
/** Fargate Spot: AWS advertises up to 70 % off on-demand; its price moves with spare capacity. */
export const FARGATE_SPOT_DISCOUNT = 0.7;
/** The month the sizing guide prices: 30M calls, one Daily run per day. */
export const MONTH_CALLS = 30_000_000;
export const MONTH_DAYS = 30;
/** `--concurrency` that lets one child reach its S3 CPU bound at ~40 ms per GET (see the S3 rows). */
export const HIGH_CONCURRENCY = 192;
/** S3 Standard GET price, per 1,000 requests. */
export const S3_GET_PER_1000 = 0.0004;
/** Assumed S3 GET throughput of one child: ~64 GETs in flight × ~40 ms per small-object GET. Not measured here. */
export const S3_GETS_PER_SECOND_PER_CHILD = 1_600;
/** Wall time we aim at per child; more CDRs than that → more array children. */
export const TARGET_CHILD_SECONDS = 15 * 60;
/** Fargate task start (image pull, ENI), billed; added to every child. */
export const TASK_STARTUP_SECONDS = 60;
/** Child size: the 2 vCPU of the measuring machine; 4 GB is Fargate's smallest memory for 2 vCPU. */
export const CHILD_VCPU = 2;
export const DAILY_VOLUMES = [1_000_000, 10_000_000, 50_000_000] as const;

function money(v: number): string {
  return v < 0.01 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}

/** The smallest Fargate memory size (GB) for CHILD_VCPU that leaves ≥ 2× headroom over the measured peak RSS. */
function childMemoryGb(peakRssBytes: number): number {
  const needGb = (2 * peakRssBytes) / 1e9;
  for (const gb of [4, 5, 6, 7, 8, 10, 12, 16]) if (gb >= needGb) return gb;
  return 16;
}

export function sizingReport(run: MeasuredRun): string {
  const cpuPerCdr = run.cpuSeconds / run.calls;
  const measuredRate = run.calls / run.wallSeconds;
  const parallelism = run.cpuSeconds / run.wallSeconds;
  const memGb = childMemoryGb(run.peakRssBytes);
  const childHourly = CHILD_VCPU * FARGATE_VCPU_HOUR + memGb * FARGATE_GB_HOUR;
  const out: string[] = [];
  out.push('AWS sizing (Fargate, us-east-1; one run per day of CDRs; from the measurement above)');
  out.push('');
  out.push(
    `  measured: ${fmtInt(run.calls)} CDRs, ${run.wallSeconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU (user+sys)`,
  );
  out.push(
    `  CPU per CDR   = ${run.cpuSeconds.toFixed(2)} s / ${fmtInt(run.calls)} = ${(cpuPerCdr * 1e6).toFixed(1)} µs ` +
      '(includes process start-up: conservative)',
  );
  out.push(
    `  rate per child (${CHILD_VCPU} vCPU, as measured here) = ${fmtInt(run.calls)} / ${run.wallSeconds.toFixed(2)} s = ` +
      `${fmtInt(measuredRate)} CDRs/s (CPU-bound: cores busy ${parallelism.toFixed(2)} of ${CHILD_VCPU}; ` +
      `${fmtInt(CHILD_VCPU / cpuPerCdr)} CDRs/s if both were busy)`,
  );
  const latencyBound = S3_GETS_PER_SECOND_PER_CHILD;
  // Below 4 cores the job reads on its main thread (no workers): one core's worth of CPU for the GETs.
  const s3CpuBound = run.s3CpuPerCdrSeconds === undefined ? undefined : 1 / run.s3CpuPerCdrSeconds;
  const s3Rate = s3CpuBound === undefined ? latencyBound : Math.min(latencyBound, s3CpuBound);
  out.push(
    `  S3 latency bound (ASSUMPTION, not measured): on S3 each CDR is one GET; 64 GETs in flight (--concurrency) × ~40 ms ≈ ` +
      `${fmtInt(latencyBound)} GETs/s per child`,
  );
  out.push(
    s3CpuBound === undefined
      ? '  S3 CPU bound: not measured in this run (npm run bench -- --s3)'
      : `  S3 CPU bound (measured, --s3): 1 thread / ${((run.s3CpuPerCdrSeconds ?? 0) * 1e6).toFixed(1)} µs CPU per CDR read from S3 = ` +
          `${fmtInt(s3CpuBound)} CDRs/s (the GETs run on the main thread below 4 cores); S3 rows use the lower bound, ${fmtInt(s3Rate)} CDRs/s`,
  );
  out.push(
    `  child = ${CHILD_VCPU} vCPU / ${memGb} GB (peak RSS ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MiB; ≥ 2× headroom; ` +
      `Fargate's minimum for ${CHILD_VCPU} vCPU is 4 GB)`,
  );
  out.push(
    `  child $/hour  = ${CHILD_VCPU} × $${FARGATE_VCPU_HOUR} + ${memGb} × $${FARGATE_GB_HOUR} = $${childHourly.toFixed(5)}`,
  );
  out.push(
    `  array size    = ceil(CDRs / (rate × ${TARGET_CHILD_SECONDS / 60} min target per child)); ` +
      `wall per child = CDRs per child / rate + ${TASK_STARTUP_SECONDS} s task start (billed)`,
  );
  out.push(
    `  S3 GET $      = CDRs / 1,000 × $${S3_GET_PER_1000} (LIST requests and PUTs of the outputs are negligible)`,
  );
  out.push('');
  const header = [
    'CDRs/day',
    'bound',
    'CDRs/s/child',
    'array size',
    'vCPU / mem',
    'wall / child',
    'Fargate $/run',
    'S3 GET $/run',
    'total $/run',
  ];
  const rows: string[][] = [];
  const lines: string[] = [];
  for (const n of DAILY_VOLUMES) {
    const bounds =
      measuredRate > s3Rate ? (['CPU (local disk)', 'S3 GETs'] as const) : (['CPU (S3 GETs not binding)'] as const);
    for (const bound of bounds) {
      const rate = bound === 'S3 GETs' ? s3Rate : measuredRate;
      const array = Math.max(1, Math.ceil(n / (rate * TARGET_CHILD_SECONDS)));
      const perChild = Math.ceil(n / array);
      const wall = perChild / rate + TASK_STARTUP_SECONDS;
      const fargate = (array * wall * childHourly) / 3600;
      const s3 = (n / 1000) * S3_GET_PER_1000;
      rows.push([
        fmtInt(n),
        bound,
        fmtInt(rate),
        String(array),
        `${CHILD_VCPU} / ${memGb} GB`,
        duration(wall),
        money(fargate),
        money(s3),
        money(fargate + s3),
      ]);
      lines.push(
        `  ${fmtInt(n)} (${bound}): array = ceil(${fmtInt(n)} / (${fmtInt(rate)} × ${TARGET_CHILD_SECONDS})) = ${array}; ` +
          `wall = ${fmtInt(perChild)} / ${fmtInt(rate)} + ${TASK_STARTUP_SECONDS} = ${wall.toFixed(0)} s; ` +
          `Fargate = ${array} × ${wall.toFixed(0)} s / 3600 × $${childHourly.toFixed(5)} = ${money(fargate)}; ` +
          `S3 = ${fmtInt(n / 1000)} × $${S3_GET_PER_1000} = ${money(s3)}`,
      );
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  out.push(fmt(header));
  out.push(`|${widths.map((w, i) => `${'-'.repeat(w + 1)}${i < 2 ? '-' : ':'}`).join('|')}|`);
  for (const r of rows) out.push(fmt(r));
  out.push('');
  out.push('  arithmetic:');
  out.push(...lines);
  out.push(
    '  The merge step (`cdr-summary finalize`, one small job after the array) and the scheduler Lambda are not included.',
  );
  if (run.s3CpuPerCdrSeconds !== undefined) out.push('', ...monthOnS3(run.s3CpuPerCdrSeconds, memGb));
  return `${out.join('\n')}\n`;
}

/**
 * A 30M-call month read from S3: the CPU the job consumes (vCPU-hours, the floor), and what Fargate
 * bills for the children's wall time at the default and a high --concurrency, on-demand and Spot.
 */
function monthOnS3(cpuPerCdr: number, memGb: number): string[] {
  const perDay = MONTH_CALLS / MONTH_DAYS;
  const cpuHours = (MONTH_CALLS * cpuPerCdr) / 3600;
  const spot = (v: number) => v * (1 - FARGATE_SPOT_DISCOUNT);
  const cpuBound = 1 / cpuPerCdr;
  const out = [
    `${fmtInt(MONTH_CALLS)} calls a month from S3 (${MONTH_DAYS} Daily runs of ${fmtInt(perDay)}), fast GET path, measured CPU per CDR ${(cpuPerCdr * 1e6).toFixed(1)} µs:`,
    `  CPU consumed = ${fmtInt(MONTH_CALLS)} × ${(cpuPerCdr * 1e6).toFixed(1)} µs = ${fmtInt(MONTH_CALLS * cpuPerCdr)} s = ` +
      `${cpuHours.toFixed(2)} vCPU-hours → vCPU charge alone: on-demand ${money(cpuHours * FARGATE_VCPU_HOUR)}, Spot ${money(spot(cpuHours * FARGATE_VCPU_HOUR))} ` +
      '(the floor: what the job burns, start-up included)',
  ];
  const s3 = (MONTH_CALLS / 1000) * S3_GET_PER_1000;
  for (const [label, rate] of [
    [
      `--concurrency 64 (default): S3 latency bound ${fmtInt(S3_GETS_PER_SECOND_PER_CHILD)} CDRs/s (assumed 40 ms per GET)`,
      Math.min(S3_GETS_PER_SECOND_PER_CHILD, cpuBound),
    ],
    [
      `--concurrency ${HIGH_CONCURRENCY}: ${fmtInt(Math.min(cpuBound, HIGH_CONCURRENCY / 0.04))} CDRs/s (CPU bound of the reading thread, or ${HIGH_CONCURRENCY} × 25 GETs/s)`,
      Math.min(cpuBound, HIGH_CONCURRENCY / 0.04),
    ],
  ] as const) {
    const wallPerDay = perDay / rate + TASK_STARTUP_SECONDS;
    const hours = (MONTH_DAYS * wallPerDay) / 3600;
    const vcpuHours = CHILD_VCPU * hours;
    const gbHours = memGb * hours;
    const onDemand = vcpuHours * FARGATE_VCPU_HOUR + gbHours * FARGATE_GB_HOUR;
    out.push(
      `  billed, one ${CHILD_VCPU} vCPU / ${memGb} GB child a day, ${label}:`,
      `    wall per day = ${fmtInt(perDay)} / ${fmtInt(rate)} + ${TASK_STARTUP_SECONDS} s = ${wallPerDay.toFixed(0)} s; month = ${MONTH_DAYS} × ${wallPerDay.toFixed(0)} s = ${hours.toFixed(2)} h ` +
        `→ ${vcpuHours.toFixed(2)} vCPU-hours + ${gbHours.toFixed(1)} GB-hours`,
      `    Fargate = ${vcpuHours.toFixed(2)} × $${FARGATE_VCPU_HOUR} + ${gbHours.toFixed(1)} × $${FARGATE_GB_HOUR} = ${money(onDemand)}; ` +
        `Fargate Spot (−${FARGATE_SPOT_DISCOUNT * 100} %) = ${money(spot(onDemand))}`,
    );
  }
  out.push(
    `  S3 GETs = ${fmtInt(MONTH_CALLS / 1000)} × $${S3_GET_PER_1000} = ${money(s3)} a month, whatever the client: at this volume the requests, not the compute, are the bill`,
  );
  return out;
}
