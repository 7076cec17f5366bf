/**
 * The Fargate task sizes AWS Batch accepts (Linux, x86_64): vCPU → the memory values (MiB) allowed
 * with it. Source: AWS Batch `ResourceRequirement` / Fargate task size table.
 */

/** One row of the Fargate size table. */
export interface FargateSize {
  /** vCPU value exactly as Batch expects it (`VCPU` resource requirement). */
  readonly vcpu: string;
  /** Memory values in MiB allowed with this vCPU value, ascending. */
  readonly memoryMiB: readonly number[];
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

/** Valid Fargate vCPU / memory combinations. */
export const FARGATE_SIZES: readonly FargateSize[] = [
  { vcpu: '0.25', memoryMiB: [512, 1024, 2048] },
  { vcpu: '0.5', memoryMiB: range(1024, 4096, 1024) },
  { vcpu: '1', memoryMiB: range(2048, 8192, 1024) },
  { vcpu: '2', memoryMiB: range(4096, 16384, 1024) },
  { vcpu: '4', memoryMiB: range(8192, 30720, 1024) },
  { vcpu: '8', memoryMiB: range(16384, 61440, 4096) },
  { vcpu: '16', memoryMiB: range(32768, 122880, 8192) },
];

/** The table row of a vCPU value (`'0.25'`, `'1'`, …), if it is one Fargate offers. */
export function fargateSize(vcpu: string): FargateSize | undefined {
  return FARGATE_SIZES.find((size) => size.vcpu === vcpu);
}

/** Whether Fargate runs a task of `vcpu` vCPU with `memoryMiB` MiB. */
export function isValidFargateSize(vcpu: string, memoryMiB: number): boolean {
  return fargateSize(vcpu)?.memoryMiB.includes(memoryMiB) ?? false;
}

/** Human-readable list of the memory values allowed with `vcpu` (for error messages). */
export function describeMemoryChoices(size: FargateSize): string {
  const values = size.memoryMiB;
  if (values.length <= 4) return values.join(', ');
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  return `${values[0]} to ${values[values.length - 1]} in steps of ${step}`;
}
