/** The machine line printed with every bench result. */

import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly loadAverage: readonly number[];
}

function cpuModel(): string {
  if (existsSync('/proc/cpuinfo')) {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

export function machineInfo(): MachineInfo {
  return {
    cores: availableParallelism(),
    cpuModel: cpuModel(),
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg(),
  };
}

export function formatMachine(m: MachineInfo): string {
  return (
    `${m.cores} cores (nproc), ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, ` +
    `node ${m.node}, ${m.platform}; load average at start ${m.loadAverage.map((v) => v.toFixed(2)).join(' ')}`
  );
}
