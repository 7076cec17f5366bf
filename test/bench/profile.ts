/** Summarizes V8 `.cpuprofile` files (node --cpu-prof): top functions by self time, all threads together. */

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/**
 * Top `limit` functions by self time (ms) over every profile in `dir` (one per thread); `root` shortens
 * file paths. Idle time (a thread waiting) is reported apart and left out of the percentages.
 */
export function topSelfTime(dir: string, root: string, limit = 20): string {
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map<number, ProfileNode>();
    for (const node of profile.nodes) byId.set(node.id, node);
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const node = byId.get(samples[i] as number);
      if (node === undefined) continue;
      const ms = (deltas[i] ?? 0) / 1000;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') {
        idle += ms;
        continue;
      }
      let where = url.replace(/^file:\/\//, '');
      if (where.startsWith('/')) where = relative(root, where);
      const key = `${functionName || '(anonymous)'}  ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
      self.set(key, (self.get(key) ?? 0) + ms);
      const area = areaOf(functionName, where);
      areas.set(area, (areas.get(area) ?? 0) + ms);
      total += ms;
    }
  }
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
  const lines = [
    `top ${limit} functions by self time (${files.length} thread profile(s), ${(total / 1000).toFixed(2)} s busy, ` +
      `${(idle / 1000).toFixed(2)} s idle):`,
  ];
  for (const [key, ms] of top) {
    lines.push(`  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${key}`);
  }
  lines.push('self time by area:');
  for (const [area, ms] of [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    lines.push(`  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${area}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A coarse bucket for a profile frame: our job file, a package, wasm (Parquet), or the runtime. */
function areaOf(functionName: string, where: string): string {
  if (where.startsWith('wasm://')) return 'parquet-wasm (wasm)';
  const job = /dist\/job\/(.+)\.js$/.exec(where);
  if (job?.[1]) return `job/${job[1]}.ts`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(where);
  if (pkg?.[1]) return pkg[1];
  if (where.startsWith('node:')) return 'node internals (JS)';
  if (/^\(.*\)$/.test(functionName)) return functionName;
  if (
    ['read', 'open', 'close', 'fstat', 'readdir', 'mkdir', 'writeString', 'writeBuffer', 'lstat', 'stat'].includes(
      functionName,
    )
  ) {
    return 'file system calls (native)';
  }
  return 'other native';
}
