import { type Env, EnvReader } from '../core/env';
import type { ShardSpec } from '../core/layout/summary-keys';
import { UsageError } from './errors';

/**
 * The shard a run reads: `--shards N --shard-index I`, defaulting to the AWS Batch array-job
 * variables (`AWS_BATCH_JOB_ARRAY_SIZE`, `AWS_BATCH_JOB_ARRAY_INDEX`), else a single shard.
 */
export function shardFromArguments(
  args: { readonly shards?: string; readonly shardIndex?: string },
  env: Env = process.env,
): ShardSpec {
  const read = new EnvReader(env);
  const countText = args.shards ?? read.text('AWS_BATCH_JOB_ARRAY_SIZE') ?? '1';
  const indexText = args.shardIndex ?? read.text('AWS_BATCH_JOB_ARRAY_INDEX') ?? '0';
  if (!/^\d+$/.test(countText) || Number(countText) < 1 || Number(countText) > 10_000) {
    throw new UsageError(`--shards must be a whole number from 1 to 10000, got ${JSON.stringify(countText)}`);
  }
  const count = Number(countText);
  if (!/^\d+$/.test(indexText) || Number(indexText) >= count) {
    throw new UsageError(
      `--shard-index must be a whole number below --shards (${count}), got ${JSON.stringify(indexText)}`,
    );
  }
  return { index: Number(indexText), count };
}
