import type { Option } from 'commander';
import type { ShardSpec } from '../core/layout/summary-keys';
import { UsageError } from './errors';
import { wholeNumberOption } from './option-parsers';

/** Most shards of one run (AWS Batch's array size limit). */
export const MAX_SHARDS = 10_000;

/** `--shards <n>`, defaulting to the AWS Batch array size (`AWS_BATCH_JOB_ARRAY_SIZE`). */
export function shardsOption(description: string): Option {
  return wholeNumberOption('--shards <n>', description, 1, MAX_SHARDS).env('AWS_BATCH_JOB_ARRAY_SIZE');
}

/** `--shard-index <i>`, defaulting to the AWS Batch array index (`AWS_BATCH_JOB_ARRAY_INDEX`). */
export function shardIndexOption(description: string): Option {
  return wholeNumberOption('--shard-index <i>', description, 0, MAX_SHARDS - 1).env('AWS_BATCH_JOB_ARRAY_INDEX');
}

/** The shard a run reads: `--shards N --shard-index I` (parsed, environment defaults applied), else a single shard. */
export function shardFromArguments(args: { readonly shards?: number; readonly shardIndex?: number }): ShardSpec {
  const count = args.shards ?? 1;
  const index = args.shardIndex ?? 0;
  if (index >= count)
    throw new UsageError(`--shard-index must be a whole number below --shards (${count}), got ${index}`);
  return { index, count };
}
